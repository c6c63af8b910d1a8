package io.tajo.connectors.shopify;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;

import io.tajo.connectors.store.Sql;
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
            if (Sql.update(connection, "UPDATE contact_order SET email = ?, amount = ?, currency = ?, created_at = ?, cancelled = ? "
                    + "WHERE source = ? AND order_id = ?", email, amount, currency, createdAt, cancelled, source, orderId) == 0) {
                Sql.update(connection, "INSERT INTO contact_order (email, amount, currency, created_at, cancelled, source, order_id) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", email, amount, currency, createdAt, cancelled, source, orderId);
            }
            return Sql.first(connection, "SELECT COUNT(*), COALESCE(SUM(amount), 0), MAX(created_at) FROM contact_order "
                    + "WHERE source = ? AND email = ? AND NOT cancelled", rs -> {
                        long last = rs.getLong(3);
                        String lastDate = rs.wasNull() ? null : Instant.ofEpochMilli(last).atOffset(ZoneOffset.UTC).toLocalDate().toString();
                        return new Totals(rs.getLong(1), rs.getBigDecimal(2).stripTrailingZeros(), lastDate, System.currentTimeMillis());
                    }, source, email).orElseThrow();
        });
    }
}
