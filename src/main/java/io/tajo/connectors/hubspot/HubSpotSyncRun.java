package io.tajo.connectors.hubspot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.tajo.connectors.PlatformApiException;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.PagedSyncRun;

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
public class HubSpotSyncRun extends PagedSyncRun {

    public static final String PROPERTY = "hubspotSyncRun";
    static final int LAST_ID_CAPACITY = 200;

    private final int pageSize;
    private final int queryCap;

    private Instant queryWatermark = Instant.EPOCH;
    private Set<String> sentAtWatermark = new HashSet<>();
    private int readInQuery;
    private Instant lastTime;
    private Set<String> idsAtLastTime = new HashSet<>();
    private long queries = 1;
    private boolean restart;

    HubSpotSyncRun(String resource, boolean full, int pageSize, int queryCap) {
        super(resource, full);
        this.pageSize = pageSize;
        this.queryCap = queryCap;
    }

    void resumeFrom(SyncCheckpoint from) {
        queryWatermark = Instant.parse(from.watermark());
        sentAtWatermark = from.lastId() == null || from.lastId().isBlank() ? new HashSet<>()
                : new HashSet<>(List.of(from.lastId().split(",")));
        String after = null;
        if (from.cursor() != null && from.cursor().contains(":")) {
            String[] position = from.cursor().split(":", 2);
            readInQuery = Integer.parseInt(position[0]);
            after = position[1];
        }
        resumeAt(from, after);
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
        boolean capReached = nextAfter != null && readInQuery + pageSize > queryCap;
        if (nextAfter == null || capReached) {
            if (capReached && (lastTime == null || !lastTime.isAfter(queryWatermark))) {
                throw new PlatformApiException("More than " + queryCap + " HubSpot contacts were modified at " + queryWatermark
                        + ": the search cannot page past them", 0);
            }
            Instant next = lastTime == null ? queryWatermark : lastTime;
            Set<String> sent = lastTime == null ? sentAtWatermark : idsAtLastTime;
            SyncCheckpoint checkpoint = new SyncCheckpoint(HubSpotApi.CONNECTOR, resource(), next.toString(), joined(sent), null);
            restart = capReached;
            pageRead(freshCount, capReached, null, checkpoint);
            return checkpoint;
        }
        SyncCheckpoint checkpoint = new SyncCheckpoint(HubSpotApi.CONNECTOR, resource(), queryWatermark.toString(),
                joined(sentAtWatermark), readInQuery + ":" + nextAfter);
        restart = false;
        pageRead(freshCount, true, nextAfter, checkpoint);
        return checkpoint;
    }

    /** A page that ended its query at the cap: the next query starts from its checkpoint, at no cursor. */
    @Override
    protected void committed() {
        if (restart) {
            queryWatermark = Instant.parse(checkpoint().watermark());
            sentAtWatermark = new HashSet<>(idsAtLastTime);
            readInQuery = 0;
            queries++;
        }
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
    public int pageSize() { return pageSize; }
    public Instant queryWatermark() { return queryWatermark; }
    public long queries() { return queries; }

    /** One line: {@code hubspot contacts: 1200 records in 3.4 s (353/s), 2 queries, checkpoint 2026-01-02T10:00:00Z}. */
    @Override
    public String summary() {
        // the checkpoint's last ids are the contacts sent at its watermark, not a position worth printing
        return String.format(Locale.ROOT, "hubspot %s%s: %s, %d %s, %s", resource(), full() ? " (full)" : "", progress(), queries,
                queries == 1 ? "query" : "queries", checkpoint() == null ? "no checkpoint yet" : "checkpoint " + checkpoint().watermark());
    }
}
