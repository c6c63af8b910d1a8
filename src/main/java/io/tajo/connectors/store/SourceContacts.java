package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;

/** The email each platform record was last sent to Brevo with, for events that carry only the platform's id. */
public final class SourceContacts {

    private SourceContacts() {
    }

    public static void remember(Connection connection, String source, String sourceId, String email, long now) throws SQLException {
        if (Sql.update(connection, "UPDATE source_contact SET email = ?, updated_at = ? WHERE source = ? AND source_id = ?",
                email, now, source, sourceId) == 0) {
            Sql.update(connection, "INSERT INTO source_contact (source, source_id, email, updated_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT DO NOTHING", source, sourceId, email, now);
        }
    }

    public static Optional<String> emailOf(StateStore store, String source, String sourceId) {
        return store.inTransaction(connection -> Sql.first(connection,
                "SELECT email FROM source_contact WHERE source = ? AND source_id = ?", rs -> rs.getString(1), source, sourceId));
    }

    /**
     * The platform id (after {@code prefix}, e.g. {@code customers/}) of the record last sent to Brevo with this
     * email, case aside.
     */
    public static Optional<String> sourceIdOf(StateStore store, String source, String prefix, String email) {
        return store.inTransaction(connection -> Sql.first(connection,
                "SELECT source_id FROM source_contact WHERE source = ? AND LOWER(email) = ? AND source_id LIKE ? "
                        + "ORDER BY updated_at DESC", rs -> rs.getString(1).substring(prefix.length()),
                source, email.trim().toLowerCase(Locale.ROOT), prefix + "%"));
    }
}
