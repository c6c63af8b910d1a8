package io.tajo.connectors.hubspot;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import io.tajo.connectors.store.SharedRateSlots;
import io.tajo.connectors.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one budget of calls to HubSpot every part of the connector shares (webhook reads, syncs, token refreshes):
 * at most {@code limit} calls in any {@code window} (HubSpot's 100 per 10 s for apps), and after a 429 nobody
 * calls until HubSpot's wait is over. On PostgreSQL, which several nodes share, the nodes share the budget too
 * (HubSpot's limit is per app, not per node): each call takes its slot from the store ({@link SharedRateSlots}),
 * one every {@code window / limit}, and a 429 holds every node's calls.
 */
public class HubSpotRateLimiter {

    /** The budget's row among the store's shared rate slots. */
    static final String SHARED_BUCKET = "HUBSPOT";

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotRateLimiter.class);

    private int limit = 100;
    private Duration window = Duration.ofSeconds(10);
    private final Deque<Long> calls = new ArrayDeque<>();
    private long blockedUntil;
    /** On PostgreSQL: the slots every node takes from; null on the embedded store. */
    private SharedRateSlots shared;

    public void setLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("HUBSPOT_RATE_LIMIT must be at least 1, not " + limit);
        }
        this.limit = limit;
    }

    public void setWindow(String window) { this.window = Duration.parse(window.trim()); }

    /** The state store: on PostgreSQL the nodes sharing it share the budget. */
    public void setStore(StateStore store) {
        this.shared = store.isPostgres() ? new SharedRateSlots(store) : null;
    }

    /** Waits until a call fits in the budget (and any 429 pause is over), then counts it. */
    public void acquire() throws InterruptedException {
        if (shared == null) {
            acquireHere();
            return;
        }
        long wait = shared.reserve(SHARED_BUCKET, window.toNanos() / limit);
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private synchronized void acquireHere() throws InterruptedException {
        while (true) {
            long now = System.currentTimeMillis();
            while (!calls.isEmpty() && calls.peekFirst() <= now - window.toMillis()) {
                calls.pollFirst();
            }
            long wait = Math.max(blockedUntil - now, calls.size() < limit ? 0 : calls.peekFirst() + window.toMillis() - now);
            if (wait <= 0) {
                calls.addLast(now);
                return;
            }
            wait(wait);
        }
    }

    /** HubSpot answered 429: every caller holds off for {@code wait}. */
    public void pause(Duration wait) {
        LOG.info("HubSpot rate limit reached: holding calls for {} ms", wait.toMillis());
        synchronized (this) {
            blockedUntil = Math.max(blockedUntil, System.currentTimeMillis() + wait.toMillis());
        }
        if (shared != null) {
            shared.pauseFor(SHARED_BUCKET, wait.toMillis());
        }
    }
}
