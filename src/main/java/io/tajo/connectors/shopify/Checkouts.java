package io.tajo.connectors.shopify;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.store.StateStore;

/** Checkouts remembered for the abandoned-cart skill; an older version never replaces a newer one. */
final class Checkouts {

    private Checkouts() {
    }

    static void remember(StateStore store, String source, JsonNode checkout) {
        String token = checkout.path("token").asText();
        long updatedAt = OffsetDateTime.parse(checkout.path("updated_at").asText()).toInstant().toEpochMilli();
        Long completedAt = checkout.hasNonNull("completed_at")
                ? OffsetDateTime.parse(checkout.get("completed_at").asText()).toInstant().toEpochMilli() : null;
        store.inTransaction(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE checkout SET email = ?, total = ?, currency = ?, recovery_url = ?, body = ?, updated_at = ?, "
                            + "completed_at = ? WHERE source = ? AND token = ? AND updated_at < ?");
                 PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO checkout (email, total, currency, recovery_url, body, updated_at, completed_at, source, token) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (PreparedStatement statement : new PreparedStatement[] {update, insert}) {
                    statement.setString(1, checkout.hasNonNull("email") ? checkout.get("email").asText() : null);
                    statement.setBigDecimal(2, checkout.hasNonNull("total_price") ? new BigDecimal(checkout.get("total_price").asText()) : null);
                    statement.setString(3, checkout.path("currency").asText(null));
                    statement.setString(4, checkout.path("abandoned_checkout_url").asText(null));
                    statement.setString(5, checkout.toString());
                    statement.setLong(6, updatedAt);
                    statement.setObject(7, completedAt);
                    statement.setString(8, source);
                    statement.setString(9, token);
                }
                update.setLong(10, updatedAt);
                if (update.executeUpdate() == 0) {
                    insert.executeUpdate();  // absent: inserted; present and newer: nothing changes
                }
            }
            return null;
        });
    }
}
