package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The newest accepted version of each source record, advanced by compare-and-set, never select-then-insert. */
public final class SourceVersions {

    private SourceVersions() {
    }

    /**
     * Records {@code version} for (source, sourceId) when it is newer than the one stored.
     * Returns false when an equal or newer version is already there: the caller drops its command.
     */
    public static boolean advance(Connection connection, String source, String sourceId, long version) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE source_version SET version = ? WHERE source = ? AND source_id = ? AND version < ?");
             PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO source_version (source, source_id, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            update.setLong(1, version);
            update.setString(2, source);
            update.setString(3, sourceId);
            update.setLong(4, version);
            if (update.executeUpdate() == 1) {
                return true;
            }
            insert.setString(1, source);
            insert.setString(2, sourceId);
            insert.setLong(3, version);
            if (insert.executeUpdate() == 1) {
                return true;
            }
            // another writer inserted the row between our two statements: compare against what it stored
            return update.executeUpdate() == 1;
        }
    }

    /** The stored versions of the given records, keyed by {@link #key(String, String)}. */
    public static Map<String, Long> newest(Connection connection, List<String[]> records) throws SQLException {
        Map<String, Long> versions = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version FROM source_version WHERE source = ? AND source_id = ?")) {
            for (String[] record : records) {
                select.setString(1, record[0]);
                select.setString(2, record[1]);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        versions.put(key(record[0], record[1]), rs.getLong(1));
                    }
                }
            }
        }
        return versions;
    }

    public static String key(String source, String sourceId) {
        return source + '\u0000' + sourceId;
    }
}
