package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The newest accepted version of each source record, advanced by compare-and-set, never select-then-insert. */
public final class SourceVersions {

    private static final String ADVANCE = "UPDATE source_version SET version = ? WHERE source = ? AND source_id = ? AND version < ?";
    private static final String INSERT = "INSERT INTO source_version (source, source_id, version) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    /** A source record's version, as {@link #advanceAll} takes it. */
    public record Version(String source, String sourceId, long version) {
        String key() {
            return SourceVersions.key(source, sourceId);
        }
    }

    private SourceVersions() {
    }

    /**
     * Records each version for its (source, sourceId) when it is newer than the one stored, for many records (a sync
     * page) in a few statements: the stored versions in one read, then an insert batch for the records with none and a
     * compare-and-set update batch for those with an older one. Returns, in order, whether each version was accepted;
     * false when an equal or newer version is already there: the caller drops its command. A record listed twice is
     * judged against the one before it, as one by one. Safe beside writers on other threads or nodes: a version read
     * as stale is stale for good (versions only grow), and one read as newer is written only by the insert-if-absent
     * or the compare-and-set, so a writer that got there first wins.
     */
    public static boolean[] advanceAll(Connection connection, List<Version> versions) throws SQLException {
        Map<String, Long> known = newest(connection, versions.stream().map(v -> new String[] {v.source(), v.sourceId()}).toList());
        boolean[] accepted = new boolean[versions.size()];
        List<Integer> inserts = new ArrayList<>();
        List<Integer> updates = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            Version v = versions.get(i);
            Long stored = known.get(v.key());
            if (stored == null || stored < v.version()) {
                (stored == null ? inserts : updates).add(i);
                known.put(v.key(), v.version());
            }
        }
        // inserts first: a record listed twice updates the row its first version inserted
        int[] inserted = Sql.batch(connection, INSERT, inserts.stream()
                .map(i -> new Object[] {versions.get(i).source(), versions.get(i).sourceId(), versions.get(i).version()}).toList());
        List<Integer> conflicts = new ArrayList<>();
        List<Integer> unsure = new ArrayList<>();
        for (int j = 0; j < inserts.size(); j++) {
            int i = inserts.get(j);
            if (inserted[j] == 1) {
                accepted[i] = true;
            } else if (inserted[j] == Statement.SUCCESS_NO_INFO) {
                unsure.add(i);
            } else {
                conflicts.add(i);  // another writer inserted the row since the read: compare against what it stored
            }
        }
        updates.addAll(conflicts);
        int[] updated = Sql.batch(connection, ADVANCE, updates.stream().map(i -> new Object[] {versions.get(i).version(),
            versions.get(i).source(), versions.get(i).sourceId(), versions.get(i).version()}).toList());
        for (int j = 0; j < updates.size(); j++) {
            accepted[updates.get(j)] = updated[j] == 1;
        }
        if (!unsure.isEmpty()) {
            // the driver did not say which inserts took (PostgreSQL's reWriteBatchedInserts): ours did where the row holds our version
            Map<String, Long> stored = newest(connection, unsure.stream()
                    .map(i -> new String[] {versions.get(i).source(), versions.get(i).sourceId()}).toList());
            unsure.forEach(i -> accepted[i] = Long.valueOf(versions.get(i).version()).equals(stored.get(versions.get(i).key())));
        }
        return accepted;
    }

    /** The stored versions of the given records (source, sourceId), keyed by {@link #key(String, String)}. */
    public static Map<String, Long> newest(Connection connection, List<String[]> records) throws SQLException {
        Map<String, Long> versions = new HashMap<>();
        for (Map.Entry<String, Long> row : Sql.listIn(connection, "SELECT source, source_id, version FROM source_version "
                + "WHERE (source, source_id)", List.copyOf(records), rs -> Map.entry(key(rs.getString(1), rs.getString(2)), rs.getLong(3)))) {
            versions.put(row.getKey(), row.getValue());
        }
        return versions;
    }

    public static String key(String source, String sourceId) {
        return source + '\u0000' + sourceId;
    }
}
