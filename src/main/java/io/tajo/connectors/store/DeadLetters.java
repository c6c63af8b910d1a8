package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;

/** What could not be delivered, with Brevo's {code, message}: listed, replayed and purged by `tajo dlq`. */
public final class DeadLetters {

    public static final String KIND_COMMAND = "command";
    public static final String KIND_RECORD = "record";

    private final StateStore store;

    public DeadLetters(StateStore store) {
        this.store = store;
    }

    public record DeadLetter(long id, String kind, String op, String source, String sourceId, String body,
                             String errorCode, String errorMessage, Integer httpStatus, int attempts, long createdAt) {
    }

    /** Which dead letters a command acts on: explicit ids, or everything matching the filters. */
    public record Filter(List<Long> ids, String source, String errorCode) {
        public static Filter all() {
            return new Filter(List.of(), null, null);
        }
    }

    public static void add(Connection connection, String kind, String op, String source, String sourceId, String body,
                           String errorCode, String errorMessage, Integer httpStatus, int attempts, long now) throws SQLException {
        Sql.update(connection, "INSERT INTO dead_letter (kind, op, source, source_id, body, error_code, error_message, "
                + "http_status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", kind, op, source, sourceId, body,
                truncate(errorCode, 100), truncate(errorMessage, 2000), httpStatus, attempts, now);
    }

    public List<DeadLetter> list(Filter filter) {
        return store.inTransaction(connection -> select(connection, filter, false));
    }

    /** Selects (and locks, when {@code forUpdate}) the dead letters a filter names, oldest first. */
    public static List<DeadLetter> select(Connection connection, Filter filter, boolean forUpdate) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        return Sql.list(connection, "SELECT id, kind, op, source, source_id, body, error_code, error_message, http_status, "
                + "attempts, created_at FROM dead_letter" + where + " ORDER BY id" + (forUpdate ? " FOR UPDATE" : ""),
                rs -> new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), (Integer) rs.getObject(9), rs.getInt(10), rs.getLong(11)),
                params.toArray());
    }

    public int purge(Filter filter) {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        return store.inTransaction(connection -> Sql.update(connection, "DELETE FROM dead_letter" + where, params.toArray()));
    }

    public static void delete(Connection connection, Collection<Long> ids) throws SQLException {
        for (long id : ids) {
            Sql.update(connection, "DELETE FROM dead_letter WHERE id = ?", id);
        }
    }

    public long count() {
        return store.inTransaction(connection -> Sql.count(connection, "SELECT COUNT(*) FROM dead_letter"));
    }

    private static String where(Filter filter, List<Object> params) {
        StringJoiner where = new StringJoiner(" AND ", " WHERE ", "").setEmptyValue("");
        if (!filter.ids().isEmpty()) {
            StringJoiner in = new StringJoiner(", ", "id IN (", ")");
            filter.ids().forEach(id -> {
                in.add("?");
                params.add(id);
            });
            where.add(in.toString());
        }
        if (filter.source() != null) {
            where.add("source = ?");
            params.add(filter.source());
        }
        if (filter.errorCode() != null) {
            where.add("error_code = ?");
            params.add(filter.errorCode());
        }
        return where.toString();
    }

    private static String truncate(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max);
    }
}
