package io.tajo.connectors.hubspot;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one budget of calls to HubSpot every part of the connector shares (webhook reads, syncs, token refreshes):
 * at most {@code limit} calls in any {@code window} (HubSpot's 100 per 10 s for apps), and after a 429 nobody
 * calls until HubSpot's wait is over.
 */
public class HubSpotRateLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotRateLimiter.class);

    private int limit = 100;
    private Duration window = Duration.ofSeconds(10);
    private final Deque<Long> calls = new ArrayDeque<>();
    private long blockedUntil;

    public void setLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("HUBSPOT_RATE_LIMIT must be at least 1, not " + limit);
        }
        this.limit = limit;
    }

    public void setWindow(String window) { this.window = Duration.parse(window.trim()); }

    /** Waits until a call fits in the window (and any 429 pause is over), then counts it. */
    public synchronized void acquire() throws InterruptedException {
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
    public synchronized void pause(Duration wait) {
        LOG.info("HubSpot rate limit reached: holding calls for {} ms", wait.toMillis());
        blockedUntil = Math.max(blockedUntil, System.currentTimeMillis() + wait.toMillis());
    }
}
