package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/** Where a batch sync of one connector resource resumes: committed with each page it belongs to. */
public record SyncCheckpoint(String connector, String resource, String watermark, String lastId, String cursor) {

    public void save(Connection connection, long now) throws SQLException {
        if (Sql.update(connection, "UPDATE sync_checkpoint SET watermark = ?, last_id = ?, cursor_pos = ?, updated_at = ? "
                + "WHERE connector = ? AND resource = ?", watermark, lastId, cursor, now, connector, resource) == 0) {
            Sql.update(connection, "INSERT INTO sync_checkpoint (connector, resource, watermark, last_id, cursor_pos, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", connector, resource, watermark, lastId, cursor, now);
        }
    }

    public static Optional<SyncCheckpoint> load(StateStore store, String connector, String resource) {
        return store.inTransaction(connection -> Sql.first(connection,
                "SELECT watermark, last_id, cursor_pos FROM sync_checkpoint WHERE connector = ? AND resource = ?",
                rs -> new SyncCheckpoint(connector, resource, rs.getString(1), rs.getString(2), rs.getString(3)),
                connector, resource));
    }
}
