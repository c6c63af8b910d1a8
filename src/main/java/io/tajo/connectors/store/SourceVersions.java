package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The newest accepted version of each source record, advanced by compare-and-set, never select-then-insert. */
public final class SourceVersions {

    private static final String ADVANCE = "UPDATE source_version SET version = ? WHERE source = ? AND source_id = ? AND version < ?";

    private SourceVersions() {
    }

    /**
     * Records {@code version} for (source, sourceId) when it is newer than the one stored.
     * Returns false when an equal or newer version is already there: the caller drops its command.
     */
    public static boolean advance(Connection connection, String source, String sourceId, long version) throws SQLException {
        if (Sql.update(connection, ADVANCE, version, source, sourceId, version) == 1) {
            return true;
        }
        if (Sql.update(connection, "INSERT INTO source_version (source, source_id, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                source, sourceId, version) == 1) {
            return true;
        }
        // another writer inserted the row between our two statements: compare against what it stored
        return Sql.update(connection, ADVANCE, version, source, sourceId, version) == 1;
    }

    /** The stored versions of the given records, keyed by {@link #key(String, String)}. */
    public static Map<String, Long> newest(Connection connection, List<String[]> records) throws SQLException {
        Map<String, Long> versions = new HashMap<>();
        for (String[] record : records) {
            Sql.first(connection, "SELECT version FROM source_version WHERE source = ? AND source_id = ?",
                    rs -> rs.getLong(1), record[0], record[1]).ifPresent(version -> versions.put(key(record[0], record[1]), version));
        }
        return versions;
    }

    public static String key(String source, String sourceId) {
        return source + '\u0000' + sourceId;
    }
}
