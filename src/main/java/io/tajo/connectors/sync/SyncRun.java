package io.tajo.connectors.sync;

import java.util.Locale;

import io.tajo.connectors.store.SyncCheckpoint;

/**
 * One run of a connector's batch sync, as its caller sees it: the scheduled route, or
 * {@code tajo connectors sync <connector>}.
 *
 * <p>The contract of every connector's {@code direct:<connector>-sync} route: exchange properties {@link #RESOURCE}
 * (one of the connector's {@code tajo.<connector>.sync.resources}) and {@link #FULL} (optional, true for a sync
 * of everything rather than of the changes since the checkpoint), optionally {@link #PROGRESS}; the result body is
 * the run. From when it begins, the run is also exchange property {@link #RUN}, so a caller can say how far a run
 * stopped by a failure came.
 */
public interface SyncRun {

    /** Exchange property: the resource to sync (customers, orders, ...). */
    String RESOURCE = "tajoSyncResource";
    /** Exchange property: true for a full sync. */
    String FULL = "tajoSyncFull";
    /** Exchange property: an optional {@code Consumer<SyncRun>} told as the run moves on (after each committed page). */
    String PROGRESS = "tajoSyncProgress";
    /** Exchange property set by the sync when it begins: this run, its records those committed so far. */
    String RUN = "tajoSyncRun";

    String connector();

    String resource();

    /** Records committed to the outbox so far. */
    long records();

    /** How many records the run will see, when the platform says; null otherwise. */
    Long total();

    double elapsedSeconds();

    /** One line: connector, resource, records, rate and where the next run resumes. */
    String summary();

    /** {@code 1200 records in 3.4 s (353/s)}: the middle of every summary. */
    default String progress() {
        double seconds = elapsedSeconds();
        return String.format(Locale.ROOT, "%d records in %.1f s (%.0f/s)", records(), seconds, records() / Math.max(seconds, 0.001));
    }

    /** {@code checkpoint 2026-01-02T10:00:00Z/7001}, or {@code no checkpoint yet}: where the next run resumes. */
    static String where(SyncCheckpoint checkpoint) {
        return checkpoint == null ? "no checkpoint yet"
                : "checkpoint " + checkpoint.watermark() + (checkpoint.lastId() == null ? "" : "/" + checkpoint.lastId());
    }
}
