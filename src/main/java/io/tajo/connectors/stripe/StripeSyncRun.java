package io.tajo.connectors.stripe;

import java.time.Instant;
import java.util.Locale;

import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.PagedSyncRun;
import io.tajo.connectors.sync.SyncRun;

/**
 * One run of a Stripe resource sync, carried through the route as an exchange property: whether it lists the
 * objects (first run, full, or events too old) or applies the events since the last run, where the next request
 * starts, and what was sent.
 */
public class StripeSyncRun extends PagedSyncRun {

    public static final String PROPERTY = "stripeSyncRun";

    private final boolean fromEvents;
    private final Instant since;

    private boolean walking;
    private long duplicates;

    /**
     * @param since list: when the listing started (events from then on follow it); events: the watermark, the
     *              creation time of the newest event applied
     * @param cursor list: the last object listed (starting_after); events: the newest event applied (ending_before),
     *               or null to find the oldest event since the watermark first
     */
    StripeSyncRun(String resource, boolean full, boolean fromEvents, Instant since, String cursor, SyncCheckpoint checkpoint) {
        super(resource, full);
        this.fromEvents = fromEvents;
        this.since = since;
        this.walking = fromEvents && cursor == null;
        resumeAt(checkpoint, cursor);
    }

    /** Walking back to the oldest event since the watermark: this page is not the oldest, ask for the one after it. */
    void walkedPast(String lastId) {
        pageSkipped(lastId);
    }

    /** The oldest page is reached: from here on, pages of newer events (ending_before). */
    void walkEnded() {
        walking = false;
    }

    void eventApplied(boolean duplicate, SyncCheckpoint after) {
        if (duplicate) {
            duplicates++;
            moveCheckpoint(after);
        } else {
            recordCommitted(after);
        }
    }

    void checkpointMoved(SyncCheckpoint moved) {
        moveCheckpoint(moved);
    }

    @Override public String connector() { return StripeSync.CONNECTOR; }
    /** True when this run applies /v1/events; false when it lists the objects. */
    public boolean fromEvents() { return fromEvents; }
    public Instant since() { return since; }
    public boolean walking() { return walking; }

    /** One line: {@code stripe customers (events): 12 records in 0.4 s (30/s), 3 seen before, checkpoint 2026-...Z/evt_1}. */
    @Override
    public String summary() {
        return String.format(Locale.ROOT, "stripe %s (%s): %s%s, %s", resource(), fromEvents ? "events" : full() ? "full list" : "list",
                progress(), duplicates > 0 ? ", " + duplicates + " events seen before" : "", SyncRun.where(checkpoint()));
    }
}
