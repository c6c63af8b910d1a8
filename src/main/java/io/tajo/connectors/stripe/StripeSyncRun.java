package io.tajo.connectors.stripe;

import java.time.Instant;
import java.util.Locale;

import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;

/**
 * One run of a Stripe resource sync, carried through the route as an exchange property: whether it lists the
 * objects (first run, full, or events too old) or applies the events since the last run, where the next request
 * starts, and what was sent.
 */
public class StripeSyncRun implements SyncRun {

    public static final String PROPERTY = "stripeSyncRun";

    private final String resource;
    private final boolean full;
    private final boolean fromEvents;
    private final Instant since;
    private final long startedNanos = System.nanoTime();

    private String cursor;
    private boolean walking;
    private boolean morePages = true;
    private long records;
    private long duplicates;
    private long pages;
    private SyncCheckpoint checkpoint;

    private int pendingRecords;
    private boolean pendingMorePages;
    private String pendingCursor;
    private SyncCheckpoint pendingCheckpoint;

    /**
     * @param since list: when the listing started (events from then on follow it); events: the watermark, the
     *              creation time of the newest event applied
     * @param cursor list: the last object listed (starting_after); events: the newest event applied (ending_before),
     *               or null to find the oldest event since the watermark first
     */
    StripeSyncRun(String resource, boolean full, boolean fromEvents, Instant since, String cursor, SyncCheckpoint checkpoint) {
        this.resource = resource;
        this.full = full;
        this.fromEvents = fromEvents;
        this.since = since;
        this.cursor = cursor;
        this.walking = fromEvents && cursor == null;
        this.checkpoint = checkpoint;
    }

    void pageRead(int recordCount, boolean hasNextPage, String nextCursor, SyncCheckpoint pageCheckpoint) {
        pendingRecords = recordCount;
        pendingMorePages = hasNextPage;
        pendingCursor = nextCursor;
        pendingCheckpoint = pageCheckpoint;
    }

    /** The page read last is committed with its checkpoint: move past it. */
    void pageCommitted() {
        pages++;
        records += pendingRecords;
        morePages = pendingMorePages;
        cursor = pendingCursor;
        if (pendingCheckpoint != null) {
            checkpoint = pendingCheckpoint;
        }
        pendingRecords = 0;
        pendingCheckpoint = null;
    }

    /** Walking back to the oldest event since the watermark: this page is not the oldest, ask for the one after it. */
    void walkedPast(String lastId) {
        pages++;
        cursor = lastId;
    }

    /** The oldest page is reached: from here on, pages of newer events (ending_before). */
    void walkEnded() {
        walking = false;
    }

    void eventApplied(boolean duplicate, SyncCheckpoint after) {
        if (duplicate) {
            duplicates++;
        } else {
            records++;
        }
        checkpoint = after;
    }

    void checkpointMoved(SyncCheckpoint moved) {
        checkpoint = moved;
    }

    @Override public String connector() { return StripeSync.CONNECTOR; }
    @Override public String resource() { return resource; }
    public boolean full() { return full; }
    /** True when this run applies /v1/events; false when it lists the objects. */
    public boolean fromEvents() { return fromEvents; }
    public Instant since() { return since; }
    public String cursor() { return cursor; }
    public boolean walking() { return walking; }
    public boolean hasMorePages() { return morePages; }
    @Override public long records() { return records; }
    @Override public Long total() { return null; }
    public long pages() { return pages; }
    public SyncCheckpoint checkpoint() { return checkpoint; }

    @Override
    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** One line: {@code stripe customers (events): 12 records in 0.4 s (30/s), 3 seen before, checkpoint 2026-...Z/evt_1}. */
    @Override
    public String summary() {
        return String.format(Locale.ROOT, "stripe %s (%s): %s%s, %s", resource, fromEvents ? "events" : full ? "full list" : "list",
                progress(), duplicates > 0 ? ", " + duplicates + " events seen before" : "", SyncRun.where(checkpoint));
    }
}
