package io.tajo.connectors.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one JDBC store of everything the service must not forget: an H2 file under the data directory by
 * default, PostgreSQL when {@code TAJO_STATE_URL} points at one. Migrated by Flyway on start.
 */
public class StateStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

    private String url = "";
    private String user = "";
    private String password = "";
    private String dataDir = "data";
    private int maxPoolSize = 10;
    private HikariDataSource dataSource;
    private final GroupCommit groupCommit = new GroupCommit(this);

    public void setUrl(String url) { this.url = url == null ? "" : url.trim(); }
    public void setUser(String user) { this.user = user; }
    public void setPassword(String password) { this.password = password; }
    public void setDataDir(String dataDir) { this.dataDir = dataDir; }
    public void setMaxPoolSize(int maxPoolSize) { this.maxPoolSize = maxPoolSize; }

    public String getDataDir() { return dataDir; }

    /** Opens the pool and brings the schema up to date. */
    public synchronized void start() {
        if (dataSource != null) {
            return;
        }
        String jdbcUrl = url.isEmpty() ? embeddedUrl() : url;
        HikariConfig config = new HikariConfig();
        config.setPoolName("tajo-state");
        config.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
        } else if (isEmbedded(jdbcUrl)) {
            config.setUsername("sa");
        }
        if (password != null && !password.isBlank()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(maxPoolSize);
        config.setAutoCommit(true);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(-1);
        dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).locations(migrations(jdbcUrl)).load().migrate();
        if (url.isEmpty()) {
            restrictToOwner(Path.of(dataDir).toAbsolutePath().normalize());
        }
        LOG.info("State store ready: {}", describe(jdbcUrl));
    }

    /**
     * H2 in PostgreSQL mode so the same SQL (ON CONFLICT DO NOTHING, SKIP LOCKED) runs on both stores.
     * WRITE_DELAY=0: a commit reaches the file (the OS) before the call returns, so a kill -9 loses no
     * acknowledged row (H2's default lets it lag up to half a second). RETENTION_TIME=1000: with a write per
     * commit, H2's default 45 s retention of old chunks grows the file by ~20 KB per commit (GBs under load);
     * one second keeps it to tens of MB, and a killed process loses nothing (the OS holds every write); for
     * power-loss durability use PostgreSQL. (0 is not safe: concurrent readers then lose their chunks.)
     * CACHE_SIZE=4096 (KB): H2's page cache, 16 MB under -Xmx256m by default, holds pages rewritten by each commit
     * (and outbox commands) long enough for the collector to move them to the old generation; 4 MB keeps the same
     * full-sync speed with less of the heap held (ShopifyFullSyncBenchmark at 200,000 customers: at most 121 MB
     * live after a collection instead of 135 MB).
     * AUTO_SERVER lets the CLI open the store while the service runs.
     */
    private String embeddedUrl() {
        Path dir = Path.of(dataDir).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot create the data directory " + dir + ": " + e.getMessage()
                    + " (set TAJO_DATA_DIR to a writable directory)", e);
        }
        restrictToOwner(dir);
        return "jdbc:h2:file:" + dir.resolve("tajo") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                + ";DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;RETENTION_TIME=1000;QUERY_CACHE_SIZE=64;CACHE_SIZE=4096;AUTO_SERVER=TRUE";
    }

    /**
     * The embedded store holds credentials and customer data: its directory is rwx------ and its files rw-------
     * (DESIGN §9), whatever the umask. Skipped where the file system has no POSIX permissions.
     */
    private static void restrictToOwner(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(file) && file.getFileName().toString().startsWith("tajo.")) {
                        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                    }
                }
            }
        } catch (UnsupportedOperationException e) {
            LOG.debug("No POSIX permissions on {}: left as they are", dir);
        } catch (java.io.IOException e) {
            LOG.warn("Cannot make the data directory {} readable by its owner only: {}", dir, e.getMessage());
        }
    }

    /**
     * The migrations every store runs, plus on PostgreSQL those of what only runs there: Quartz's clustered job
     * store tables (qrtz_*), which the embedded store, one node with its schedules in memory, does not need.
     */
    private static String[] migrations(String jdbcUrl) {
        return isPostgres(jdbcUrl) ? new String[] {"classpath:db/migration", "classpath:db/vendor/postgresql"}
                : new String[] {"classpath:db/migration"};
    }

    private static boolean isPostgres(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /** True when TAJO_STATE_URL names a PostgreSQL database, which several nodes may share. */
    public boolean isPostgres() {
        return isPostgres(url);
    }

    private static boolean isEmbedded(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:h2:");
    }

    /** True for the H2 file under the data directory: one node owns it, so no other node holds its rows. */
    public boolean isEmbedded() {
        return url.isEmpty() || isEmbedded(url);
    }

    private static String describe(String jdbcUrl) {
        int params = jdbcUrl.indexOf(';');
        String shown = params < 0 ? jdbcUrl : jdbcUrl.substring(0, params);
        int query = shown.indexOf('?');
        return query < 0 ? shown : shown.substring(0, query);
    }

    public DataSource dataSource() {
        if (dataSource == null) {
            throw new StateStoreException("State store unavailable: it is not open");
        }
        return dataSource;
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection connection = dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StateStoreException(e);
        }
    }

    /**
     * Like {@link #inTransaction}, for many small transactions arriving at once (a webhook delivery each): on the
     * embedded store they are committed in groups ({@link GroupCommit}), since each H2 commit writes to the file
     * and one commit per delivery is what bounded webhook ingest; on PostgreSQL, whose commits of concurrent
     * connections already share their WAL flush, each runs in its own transaction on the pool. The work must not
     * call the store itself, and may run twice: when work beside it in its group fails, it is rolled back and run again.
     */
    public <T> T inGroupCommit(SqlWork<T> work) {
        return isEmbedded() ? groupCommit.inTransaction(work) : inTransaction(work);
    }

    /**
     * {@link #inGroupCommit(SqlWork)} for work that is cheaper done for many callers at once (statements for a whole
     * group instead of each caller's own): callers passing the same {@code work} instance with their {@code item} in one
     * group are run by one call of it, which returns a result per item, in order. When that call fails, each item is run
     * again alone, so only the failing one is rolled back. On PostgreSQL each item runs alone in its own transaction.
     */
    public <I, R> R inGroupCommit(I item, BatchWork<I, R> work) {
        return isEmbedded() ? groupCommit.inTransaction(item, work)
                : inTransaction(connection -> work.run(connection, List.of(item)).get(0));
    }

    GroupCommit groupCommit() {
        return groupCommit;
    }

    /** True when a connection can be had and answers: what the health check reports. */
    public boolean isAvailable() {
        if (dataSource == null || dataSource.isClosed()) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
            LOG.info("State store closed");
        }
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Work for many callers' items in one transaction: a result for each item, in their order. */
    @FunctionalInterface
    public interface BatchWork<I, R> {
        List<R> run(Connection connection, List<I> items) throws SQLException;
    }
}
