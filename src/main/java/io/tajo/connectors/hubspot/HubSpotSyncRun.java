package io.tajo.connectors.hubspot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;

/**
 * One run of the HubSpot contacts sync, carried through the route as an exchange property. A search query asks for
 * the contacts with {@code lastmodifieddate >= watermark}, ascending, page by page ({@code after}); HubSpot ends a
 * query at 10,000 results, so before that the run starts a new query from the last record's time, skipping the
 * records of that exact time it already sent (by id).
 *
 * <p>Checkpoint: watermark = the query's lower bound, lastId = the ids already sent at exactly that time
 * (comma-separated, as many as fit; a repeat beyond them is dropped by the outbox's version check), cursor =
 * {@code <results read in this query>:<after>} while the query has more pages, else none.
 */
public class HubSpotSyncRun implements SyncRun {

    public static final String PROPERTY = "hubspotSyncRun";
    static final int LAST_ID_CAPACITY = 200;

    private final String resource;
    private final boolean full;
    private final int pageSize;
    private final int queryCap;
    private final long startedNanos = System.nanoTime();

    private Instant queryWatermark = Instant.EPOCH;
    private Set<String> sentAtWatermark = new HashSet<>();
    private String after;
    private int readInQuery;
    private boolean morePages = true;
    private Instant lastTime;
    private Set<String> idsAtLastTime = new HashSet<>();
    private long records;
    private long pages;
    private long queries = 1;
    private SyncCheckpoint checkpoint;
    private SyncCheckpoint pending;
    private int pendingRecords;
    private boolean morePagesNext;
    private boolean restart;
    private String afterNext;

    HubSpotSyncRun(String resource, boolean full, int pageSize, int queryCap) {
        this.resource = resource;
        this.full = full;
        this.pageSize = pageSize;
        this.queryCap = queryCap;
    }

    void resumeFrom(SyncCheckpoint from) {
        checkpoint = from;
        queryWatermark = Instant.parse(from.watermark());
        sentAtWatermark = from.lastId() == null || from.lastId().isBlank() ? new HashSet<>()
                : new HashSet<>(List.of(from.lastId().split(",")));
        if (from.cursor() != null && from.cursor().contains(":")) {
            String[] position = from.cursor().split(":", 2);
            readInQuery = Integer.parseInt(position[0]);
            after = position[1];
        }
        lastTime = queryWatermark;
        idsAtLastTime = new HashSet<>(sentAtWatermark);
    }

    /** True when the record was sent by an earlier query of this sync (it is at the watermark, and known). */
    boolean alreadySent(Instant modified, String id) {
        return modified.equals(queryWatermark) && sentAtWatermark.contains(id);
    }

    /** A record of the page goes out: remember the ids at the newest time seen. */
    void sending(Instant modified, String id) {
        if (lastTime == null || modified.isAfter(lastTime)) {
            lastTime = modified;
            idsAtLastTime = new HashSet<>();
        }
        if (modified.equals(lastTime)) {
            idsAtLastTime.add(id);
        }
    }

    /**
     * The page is read: where the sync goes on from. Returns the checkpoint to commit with the page. A query about to
     * reach the cap gives way to a new one from the last record's time.
     */
    SyncCheckpoint pageRead(int resultCount, int freshCount, String nextAfter) {
        readInQuery += resultCount;
        pendingRecords = freshCount;
        boolean capReached = nextAfter != null && readInQuery + pageSize > queryCap;
        if (nextAfter == null || capReached) {
            if (capReached && (lastTime == null || !lastTime.isAfter(queryWatermark))) {
                throw new HubSpotApiException("More than " + queryCap + " HubSpot contacts were modified at " + queryWatermark
                        + ": the search cannot page past them", 0);
            }
            Instant next = lastTime == null ? queryWatermark : lastTime;
            Set<String> sent = lastTime == null ? sentAtWatermark : idsAtLastTime;
            pending = new SyncCheckpoint(HubSpotApi.CONNECTOR, resource, next.toString(), joined(sent), null);
            morePagesNext = capReached;
            restart = capReached;
        } else {
            pending = new SyncCheckpoint(HubSpotApi.CONNECTOR, resource, queryWatermark.toString(), joined(sentAtWatermark),
                    readInQuery + ":" + nextAfter);
            morePagesNext = true;
            restart = false;
            afterNext = nextAfter;
        }
        return pending;
    }

    /** The page read last is committed with its checkpoint: move past it. */
    void pageCommitted() {
        records += pendingRecords;
        pages++;
        checkpoint = pending;
        morePages = morePagesNext;
        if (restart) {
            queryWatermark = Instant.parse(pending.watermark());
            sentAtWatermark = new HashSet<>(idsAtLastTime);
            after = null;
            readInQuery = 0;
            queries++;
        } else if (morePages) {
            after = afterNext;
        }
        pendingRecords = 0;
    }

    private static String joined(Set<String> ids) {
        List<String> kept = new ArrayList<>();
        int length = 0;
        for (String id : ids.stream().sorted().toList()) {
            if (length + id.length() + 1 > LAST_ID_CAPACITY) {
                break;
            }
            kept.add(id);
            length += id.length() + 1;
        }
        return kept.isEmpty() ? null : String.join(",", kept);
    }

    @Override public String connector() { return HubSpotApi.CONNECTOR; }
    @Override public String resource() { return resource; }
    public boolean full() { return full; }
    public int pageSize() { return pageSize; }
    public Instant queryWatermark() { return queryWatermark; }
    public String after() { return after; }
    public boolean hasMorePages() { return morePages; }
    @Override public long records() { return records; }
    @Override public Long total() { return null; }
    public long pages() { return pages; }
    public long queries() { return queries; }
    public SyncCheckpoint checkpoint() { return checkpoint; }

    @Override
    public double elapsedSeconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** One line: {@code hubspot contacts: 1200 records in 3.4 s (353/s), 2 queries, checkpoint 2026-01-02T10:00:00Z}. */
    @Override
    public String summary() {
        // the checkpoint's last ids are the contacts sent at its watermark, not a position worth printing
        return String.format(Locale.ROOT, "hubspot %s%s: %s, %d %s, %s", resource, full ? " (full)" : "", progress(), queries,
                queries == 1 ? "query" : "queries", checkpoint == null ? "no checkpoint yet" : "checkpoint " + checkpoint.watermark());
    }
}
