package io.tajo.connectors.shopify;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;

import io.tajo.connectors.store.StateStore;

/** The orders seen per contact, from which the contact's order attributes are derived, each order counted once. */
final class ContactOrders {

    private ContactOrders() {
    }

    /** ORDER_COUNT, TOTAL_SPENT and LAST_ORDER_DATE (yyyy-MM-dd, null before any order) over orders not cancelled. */
    record Totals(long count, BigDecimal spent, String lastOrderDate, long computedAt) {
    }

    static Totals record(StateStore store, String source, String orderId, String email, BigDecimal amount, String currency,
                         long createdAt, boolean cancelled) {
        return store.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE contact_order SET email = ?, amount = ?, currency = ?, created_at = ?, cancelled = ? "
                            + "WHERE source = ? AND order_id = ?")) {
                update.setString(1, email);
                update.setBigDecimal(2, amount);
                update.setString(3, currency);
                update.setLong(4, createdAt);
                update.setBoolean(5, cancelled);
                update.setString(6, source);
                update.setString(7, orderId);
                if (update.executeUpdate() == 0) {
                    try (PreparedStatement insert = connection.prepareStatement(
                            "INSERT INTO contact_order (source, order_id, email, amount, currency, created_at, cancelled) "
                                    + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                        insert.setString(1, source);
                        insert.setString(2, orderId);
                        insert.setString(3, email);
                        insert.setBigDecimal(4, amount);
                        insert.setString(5, currency);
                        insert.setLong(6, createdAt);
                        insert.setBoolean(7, cancelled);
                        insert.executeUpdate();
                    }
                }
            }
            try (PreparedStatement totals = connection.prepareStatement(
                    "SELECT COUNT(*), COALESCE(SUM(amount), 0), MAX(created_at) FROM contact_order "
                            + "WHERE source = ? AND email = ? AND NOT cancelled")) {
                totals.setString(1, source);
                totals.setString(2, email);
                try (ResultSet rs = totals.executeQuery()) {
                    rs.next();
                    long last = rs.getLong(3);
                    String lastDate = rs.wasNull() ? null : Instant.ofEpochMilli(last).atOffset(ZoneOffset.UTC).toLocalDate().toString();
                    return new Totals(rs.getLong(1), rs.getBigDecimal(2).stripTrailingZeros(), lastDate, System.currentTimeMillis());
                }
            }
        });
    }
}
