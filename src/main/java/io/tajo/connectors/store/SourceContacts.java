package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The email each platform record was last sent to Brevo with, for events that carry only the platform's id. */
public final class SourceContacts {

    private SourceContacts() {
    }

    public static void remember(Connection connection, String source, String sourceId, String email, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE source_contact SET email = ?, updated_at = ? WHERE source = ? AND source_id = ?")) {
            update.setString(1, email);
            update.setLong(2, now);
            update.setString(3, source);
            update.setString(4, sourceId);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO source_contact (source, source_id, email, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, source);
            insert.setString(2, sourceId);
            insert.setString(3, email);
            insert.setLong(4, now);
            insert.executeUpdate();
        }
    }

    public static Optional<String> emailOf(StateStore store, String source, String sourceId) {
        return store.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT email FROM source_contact WHERE source = ? AND source_id = ?")) {
                select.setString(1, source);
                select.setString(2, sourceId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }
}
