package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/**
 * Each platform's email marketing consent as last seen from its own webhook or last pushed to it by consent-sync:
 * a Brevo unsubscribe is pushed only to a platform that does not have it already, which is what keeps a change
 * from bouncing between Brevo and the platform.
 */
public final class ConsentStates {

    private ConsentStates() {
    }

    /** Sets the platform's known consent for the email; true when that changed it (or it was unknown). */
    public static boolean change(Connection connection, String connector, String email, boolean subscribed, long now)
            throws SQLException {
        String key = email.trim().toLowerCase(Locale.ROOT);
        Optional<Boolean> known = Sql.first(connection, "SELECT subscribed FROM consent_state WHERE connector = ? AND email = ? "
                + "FOR UPDATE", rs -> rs.getBoolean(1), connector, key);
        if (known.isPresent() && known.get() == subscribed) {
            return false;
        }
        if (known.isPresent()) {
            Sql.update(connection, "UPDATE consent_state SET subscribed = ?, updated_at = ? WHERE connector = ? AND email = ?",
                    subscribed, now, connector, key);
        } else {
            Sql.update(connection, "INSERT INTO consent_state (connector, email, subscribed, updated_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", connector, key, subscribed, now);
        }
        return true;
    }

    /** What a platform's own consent webhook said, remembered in a transaction of its own. */
    public static void seen(StateStore store, String connector, String email, boolean subscribed) {
        if (email != null && email.indexOf('@') > 0) {
            store.inTransaction(connection -> change(connection, connector, email, subscribed, System.currentTimeMillis()));
        }
    }
}
