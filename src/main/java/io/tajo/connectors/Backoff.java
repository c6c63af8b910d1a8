package io.tajo.connectors;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, for whatever is asked again (Brevo deliveries, Stripe requests). */
public final class Backoff {

    private Backoff() {
    }

    /** The wait before attempt {@code attempts + 1}: {@code initial} doubled per attempt, capped; half fixed, half random. */
    public static long jitteredMillis(Duration initial, Duration max, int attempts) {
        long delay = initial.toMillis() << Math.min(attempts, 30);
        delay = Math.min(delay <= 0 ? Long.MAX_VALUE : delay, max.toMillis());
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }
}
