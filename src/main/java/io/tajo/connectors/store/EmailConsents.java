package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;

/**
 * Email marketing consent as last reported, by email: a platform's consent webhook (Shopify
 * customers_email_marketing_consent/update) or Brevo itself (consent-sync: an unsubscribe, hard bounce or spam
 * complaint). The abandoned-cart skill sends nothing more to an unsubscribed email. The newest report wins.
 */
public final class EmailConsents {

    private EmailConsents() {
    }

    public static void record(StateStore store, String email, boolean subscribed, String source, Instant reportedAt) {
        store.inTransaction(connection -> {
            record(connection, email, subscribed, source, reportedAt);
            return null;
        });
    }

    /** The same, inside the caller's transaction. */
    public static void record(Connection connection, String email, boolean subscribed, String source, Instant reportedAt)
            throws SQLException {
        String key = email.trim().toLowerCase(Locale.ROOT);
        long at = reportedAt.toEpochMilli();
        if (Sql.update(connection, "UPDATE email_consent SET subscribed = ?, source = ?, updated_at = ? "
                + "WHERE email = ? AND updated_at <= ?", subscribed, source, at, key, at) == 0) {
            Sql.update(connection, "INSERT INTO email_consent (email, subscribed, source, updated_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", key, subscribed, source, at);
        }
    }
}
