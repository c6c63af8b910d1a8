package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO dead_letter (kind, op, source, source_id, body, error_code, error_message, http_status, attempts, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, kind);
            insert.setString(2, op);
            insert.setString(3, source);
            insert.setString(4, sourceId);
            insert.setString(5, body);
            insert.setString(6, truncate(errorCode, 100));
            insert.setString(7, truncate(errorMessage, 2000));
            insert.setObject(8, httpStatus);
            insert.setInt(9, attempts);
            insert.setLong(10, now);
            insert.executeUpdate();
        }
    }

    public List<DeadLetter> list(Filter filter) {
        return store.inTransaction(connection -> select(connection, filter, false));
    }

    /** Selects (and locks, when {@code forUpdate}) the dead letters a filter names, oldest first. */
    public static List<DeadLetter> select(Connection connection, Filter filter, boolean forUpdate) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = where(filter, params);
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, kind, op, source, source_id, body, error_code, error_message, http_status, attempts, created_at "
                        + "FROM dead_letter" + where + " ORDER BY id" + (forUpdate ? " FOR UPDATE" : ""))) {
            for (int i = 0; i < params.size(); i++) {
                select.setObject(i + 1, params.get(i));
            }
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    letters.add(new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            (Integer) rs.getObject(9), rs.getInt(10), rs.getLong(11)));
                }
            }
            return letters;
        }
    }

    public int purge(Filter filter) {
        return store.inTransaction(connection -> {
            List<Object> params = new ArrayList<>();
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM dead_letter" + where(filter, params))) {
                for (int i = 0; i < params.size(); i++) {
                    delete.setObject(i + 1, params.get(i));
                }
                return delete.executeUpdate();
            }
        });
    }

    public static void delete(Connection connection, Collection<Long> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM dead_letter WHERE id = ?")) {
            for (long id : ids) {
                delete.setLong(1, id);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    public long count() {
        return store.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM dead_letter");
                 ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
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
