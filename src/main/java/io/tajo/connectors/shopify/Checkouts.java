package io.tajo.connectors.shopify;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.store.Sql;
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
        String email = checkout.hasNonNull("email") ? checkout.get("email").asText() : null;
        BigDecimal total = checkout.hasNonNull("total_price") ? new BigDecimal(checkout.get("total_price").asText()) : null;
        String currency = checkout.path("currency").asText(null);
        String recoveryUrl = checkout.path("abandoned_checkout_url").asText(null);
        String cartToken = checkout.hasNonNull("cart_token") ? checkout.get("cart_token").asText() : null;
        store.inTransaction(connection -> {
            if (Sql.update(connection, "UPDATE checkout SET email = ?, total = ?, currency = ?, recovery_url = ?, body = ?, "
                    + "updated_at = ?, completed_at = ?, cart_token = ? WHERE source = ? AND token = ? AND updated_at < ?",
                    email, total, currency, recoveryUrl, checkout.toString(), updatedAt, completedAt, cartToken, source, token,
                    updatedAt) == 0) {
                // absent: inserted; present and as new or newer: nothing changes
                Sql.update(connection, "INSERT INTO checkout (email, total, currency, recovery_url, body, updated_at, completed_at, "
                        + "cart_token, source, token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                        email, total, currency, recoveryUrl, checkout.toString(), updatedAt, completedAt, cartToken, source, token);
            }
            return null;
        });
    }

    /** An order names the checkout and cart it came from: the abandoned-cart skill stops, or reports the recovery. */
    static void orderPlaced(StateStore store, String source, JsonNode order) {
        String checkoutToken = order.hasNonNull("checkout_token") ? order.get("checkout_token").asText() : null;
        String cartToken = order.hasNonNull("cart_token") ? order.get("cart_token").asText() : null;
        if (checkoutToken == null && cartToken == null) {
            return;
        }
        long createdAt = OffsetDateTime.parse(order.path("created_at").asText()).toInstant().toEpochMilli();
        store.inTransaction(connection -> Sql.update(connection, "INSERT INTO checkout_order (source, order_id, checkout_token, "
                + "cart_token, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                source, order.path("id").asText(), checkoutToken, cartToken, createdAt));
    }
}
