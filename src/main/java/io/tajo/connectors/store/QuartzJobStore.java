package io.tajo.connectors.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where camel-quartz keeps the sync schedules (DESIGN §3). On the embedded store, one node: triggers in memory. On
 * PostgreSQL, which several nodes share: Quartz's clustered JDBC job store in the state store's own database (tables
 * qrtz_*, pool shared with the store), so each trigger fires on one node only and keeps firing on the others when a
 * node stops; a node killed mid-run is seen gone by the others 7.5 to 22.5 s later (check-ins every 7.5 s), which then
 * run the job again (routes/sync-schedule.camel.yaml asks for recovery) and release its triggers.
 * Missed fire times: a sync trigger later than {@link #MISFIRE_THRESHOLD} (no node up, or the resource's previous run
 * still going) fires once as soon as it can, however many of its fire times went by (camel-quartz's cron misfire
 * instruction: fire once now, then the next fire time).
 */
public final class QuartzJobStore {

    /** The name under which Quartz finds the state store's connections. */
    static final String DATA_SOURCE = "tajoState";
    /** Quartz's is a minute, under which a trigger fires once per missed fire time, back to back: no use to a sync. */
    static final Duration MISFIRE_THRESHOLD = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(QuartzJobStore.class);

    private QuartzJobStore() {
    }

    /** The properties camel-quartz's scheduler is created with: Quartz's defaults but the misfire threshold, clustered on PostgreSQL. */
    public static Properties properties(StateStore store) {
        Properties quartz = quartzDefaults();
        quartz.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(MISFIRE_THRESHOLD.toMillis()));
        if (!store.isPostgres()) {
            return quartz;
        }
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new StoreConnections(store));
        quartz.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, StdSchedulerFactory.AUTO_GENERATE_INSTANCE_ID);
        quartz.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, JobStoreTX.class.getName());
        quartz.setProperty("org.quartz.jobStore.driverDelegateClass", PostgreSQLDelegate.class.getName());
        quartz.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        quartz.setProperty("org.quartz.jobStore.isClustered", "true");
        LOG.info("Schedules: Quartz clustered in the PostgreSQL state store (each trigger fires on one node)");
        return quartz;
    }

    private static Properties quartzDefaults() {
        Properties quartz = new Properties();
        try (InputStream in = StdSchedulerFactory.class.getClassLoader().getResourceAsStream("org/quartz/quartz.properties")) {
            quartz.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return quartz;
    }

    /** Quartz borrows the state store's pool; the store, not Quartz, closes it. */
    private record StoreConnections(StateStore store) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return store.dataSource().getConnection();
        }

        @Override
        public void shutdown() {
            // the pool is the store's
        }

        @Override
        public void initialize() {
            // the store is open before the scheduler starts
        }
    }
}
