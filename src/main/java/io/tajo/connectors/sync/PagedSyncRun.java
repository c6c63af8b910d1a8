package io.tajo.connectors.sync;

import io.tajo.connectors.store.SyncCheckpoint;

/**
 * A sync run that reads a platform page by page: what a page read moves the run to (records, cursor, more pages,
 * checkpoint) waits until the page is committed with its checkpoint, so a page whose commit failed is read again.
 */
public abstract class PagedSyncRun implements SyncRun {

    private final String resource;
    private final boolean full;
    private final long startedNanos = System.nanoTime();

    private String cursor;
    private boolean morePages = true;
    private volatile long records;
    private volatile long pages;
    private volatile SyncCheckpoint checkpoint;

    private int pendingRecords;
    private boolean pendingMorePages;
    private String pendingCursor;
    private SyncCheckpoint pendingCheckpoint;

    protected PagedSyncRun(String resource, boolean full) {
        this.resource = resource;
        this.full = full;
    }

    /** A page is read: where committing it moves the run ({@code pageCheckpoint} null keeps the checkpoint). */
    public void pageRead(int recordCount, boolean hasNextPage, String nextCursor, SyncCheckpoint pageCheckpoint) {
        pendingRecords = recordCount;
        pendingMorePages = hasNextPage;
        pendingCursor = nextCursor;
        pendingCheckpoint = pageCheckpoint;
    }

    /** The page read last is committed with its checkpoint: move past it. */
    public void pageCommitted() {
        records += pendingRecords;
        pages++;
        morePages = pendingMorePages;
        cursor = pendingCursor;
        if (pendingCheckpoint != null) {
            checkpoint = pendingCheckpoint;
        }
        pendingRecords = 0;
        pendingCheckpoint = null;
        committed();
    }

    /** Called after the run moved past a committed page. */
    protected void committed() {
    }

    /** Starts from a stored checkpoint, the next page at {@code from}. */
    protected void resumeAt(SyncCheckpoint stored, String from) {
        checkpoint = stored;
        cursor = from;
    }

    /** A page passed over without committing anything: the next one is at {@code next}. */
    protected void pageSkipped(String next) {
        pages++;
        cursor = next;
    }

    /** One record committed by itself (not in a page), with the checkpoint after it. */
    protected void recordCommitted(SyncCheckpoint after) {
        records++;
        checkpoint = after;
    }

    protected void moveCheckpoint(SyncCheckpoint moved) {
        checkpoint = moved;
    }

    /** Nothing more to read; {@code last} is where the next run starts. */
    protected void finishedAt(SyncCheckpoint last) {
        checkpoint = last;
        morePages = false;
    }

    @Override public String resource() { return resource; }
    public boolean full() { return full; }
    /** Where the next page starts, in the platform's terms (a cursor, an object id, a search's after). */
    public String cursor() { return cursor; }
    public boolean hasMorePages() { return morePages; }
    @Override public long records() { return records; }
    public long pages() { return pages; }
    public SyncCheckpoint checkpoint() { return checkpoint; }
    @Override public Long total() { return null; }

    @Override
    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
