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
     * page) in a few batches: the compare-and-set update of each, then an insert of those with no row yet, then the
     * compare-and-set again for the inserts that met a row written meanwhile (by another writer, or by an earlier
     * version of the same record in the list). Returns, in order, whether each version was accepted; false when an
     * equal or newer version is already there: the caller drops its command. The same statements as one record at a
     * time, so writers on other threads or nodes stay safe, in three round trips instead of up to three per record.
     */
    public static boolean[] advanceAll(Connection connection, List<Version> versions) throws SQLException {
        boolean[] accepted = new boolean[versions.size()];
        List<Integer> missing = advance(connection, versions, range(versions.size()), accepted);
        int[] inserted = Sql.batch(connection, INSERT, missing.stream()
                .map(i -> new Object[] {versions.get(i).source(), versions.get(i).sourceId(), versions.get(i).version()}).toList());
        List<Integer> conflicts = new ArrayList<>();
        List<Integer> unsure = new ArrayList<>();
        for (int j = 0; j < missing.size(); j++) {
            int i = missing.get(j);
            if (inserted[j] == 1) {
                accepted[i] = true;
            } else if (inserted[j] == Statement.SUCCESS_NO_INFO) {
                unsure.add(i);
            } else {
                conflicts.add(i);
            }
        }
        advance(connection, versions, conflicts, accepted);
        if (!unsure.isEmpty()) {
            // the driver did not say which inserts took (PostgreSQL's reWriteBatchedInserts): ours did where the row holds our version
            Map<String, Long> stored = newest(connection, unsure.stream()
                    .map(i -> new String[] {versions.get(i).source(), versions.get(i).sourceId()}).toList());
            unsure.forEach(i -> accepted[i] = Long.valueOf(versions.get(i).version()).equals(stored.get(versions.get(i).key())));
        }
        return accepted;
    }

    /** The compare-and-set of the listed versions as one batch: marks those it advanced, returns the others. */
    private static List<Integer> advance(Connection connection, List<Version> versions, List<Integer> which, boolean[] accepted)
            throws SQLException {
        int[] updated = Sql.batch(connection, ADVANCE, which.stream()
                .map(i -> new Object[] {versions.get(i).version(), versions.get(i).source(), versions.get(i).sourceId(),
                    versions.get(i).version()}).toList());
        List<Integer> notAdvanced = new ArrayList<>();
        for (int j = 0; j < which.size(); j++) {
            if (updated[j] == 1) {
                accepted[which.get(j)] = true;
            } else {
                notAdvanced.add(which.get(j));
            }
        }
        return notAdvanced;
    }

    private static List<Integer> range(int size) {
        List<Integer> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(i);
        }
        return all;
    }

    /** The stored versions of the given records (source, sourceId), keyed by {@link #key(String, String)}. */
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
