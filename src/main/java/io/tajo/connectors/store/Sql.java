package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** One statement with positional parameters, on the caller's connection (and so in its transaction). */
public final class Sql {

    /**
     * Keys per {@link #listIn} statement. H2 looks each key up by the index but then checks each row found against
     * the whole IN list: 25 keys a statement read 20,000 keys in about half the time of one statement per key, 500 in
     * three times as long.
     */
    private static final int KEYS_PER_READ = 25;

    private Sql() {
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the rows it changed. */
    public static int update(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        }
    }

    /**
     * Runs an INSERT for each of the rows in one JDBC batch; returns the values the store generated for their
     * {@code keyColumn}, in the rows' order.
     */
    public static long[] insertAll(Connection connection, String sql, String keyColumn, List<Object[]> rows) throws SQLException {
        long[] generated = new long[rows.size()];
        if (rows.isEmpty()) {
            return generated;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql, new String[] {keyColumn})) {
            for (Object[] row : rows) {
                bind(statement, row);
                statement.addBatch();
            }
            statement.executeBatch();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                for (int i = 0; i < generated.length; i++) {
                    if (!keys.next()) {
                        throw new SQLException("The store returned " + i + " generated " + keyColumn + "s for " + rows.size() + " rows: " + sql);
                    }
                    generated[i] = keys.getLong(1);
                }
            }
        }
        return generated;
    }

    /**
     * Runs one statement for each parameter row as a JDBC batch; returns each row's count as the driver reports it
     * ({@link java.sql.Statement#SUCCESS_NO_INFO} when it cannot tell, as PostgreSQL's reWriteBatchedInserts does).
     */
    public static int[] batch(Connection connection, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                bind(statement, row);
                statement.addBatch();
            }
            return statement.executeBatch();
        }
    }

    /**
     * {@link #list} of {@code sql}, which ends in a row value such as {@code WHERE (source, source_id)}, for the given
     * keys (each as many values as the row value has): {@code IN ((?, ?), ...)}, {@value #KEYS_PER_READ} keys per
     * statement. H2 and PostgreSQL look each key up in an index on those columns.
     */
    public static <T> List<T> listIn(Connection connection, String sql, List<Object[]> keys, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_READ) {
            List<Object[]> chunk = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_READ));
            String key = "(" + String.join(", ", Collections.nCopies(chunk.get(0).length, "?")) + ")";
            rows.addAll(list(connection, sql + " IN (" + String.join(", ", Collections.nCopies(chunk.size(), key)) + ")", row,
                    chunk.stream().flatMap(Arrays::stream).toArray()));
        }
        return rows;
    }

    public static <T> List<T> list(Connection connection, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params); ResultSet rs = statement.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.read(rs));
            }
            return rows;
        }
    }

    public static <T> Optional<T> first(Connection connection, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params); ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.read(rs)) : Optional.empty();
        }
    }

    public static long count(Connection connection, String sql, Object... params) throws SQLException {
        return first(connection, sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            bind(statement, params);
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement statement, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
    }
}
