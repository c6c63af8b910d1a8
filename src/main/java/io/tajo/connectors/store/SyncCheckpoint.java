package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Where a batch sync of one connector resource resumes: committed with each page it belongs to. */
public record SyncCheckpoint(String connector, String resource, String watermark, String lastId, String cursor) {

    public void save(Connection connection, long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE sync_checkpoint SET watermark = ?, last_id = ?, cursor_pos = ?, updated_at = ? "
                        + "WHERE connector = ? AND resource = ?")) {
            update.setString(1, watermark);
            update.setString(2, lastId);
            update.setString(3, cursor);
            update.setLong(4, now);
            update.setString(5, connector);
            update.setString(6, resource);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO sync_checkpoint (connector, resource, watermark, last_id, cursor_pos, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, connector);
            insert.setString(2, resource);
            insert.setString(3, watermark);
            insert.setString(4, lastId);
            insert.setString(5, cursor);
            insert.setLong(6, now);
            insert.executeUpdate();
        }
    }

    public static Optional<SyncCheckpoint> load(StateStore store, String connector, String resource) {
        return store.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT watermark, last_id, cursor_pos FROM sync_checkpoint WHERE connector = ? AND resource = ?")) {
                select.setString(1, connector);
                select.setString(2, resource);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new SyncCheckpoint(connector, resource, rs.getString(1), rs.getString(2), rs.getString(3)))
                            : Optional.empty();
                }
            }
        });
    }
}
