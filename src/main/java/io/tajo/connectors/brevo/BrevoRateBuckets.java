package io.tajo.connectors.brevo;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import io.tajo.connectors.brevo.BrevoOp.RateBucket;
import io.tajo.connectors.store.SharedRateSlots;
import io.tajo.connectors.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brevo's rate limits, one bucket per group Brevo publishes, shared by every connector using this API key.
 * Calls in a bucket are spaced evenly at the published rate (never a burst over the limit), and a bucket pauses until
 * Brevo's {@code x-sib-ratelimit-reset} when Brevo says its window is spent ({@code x-sib-ratelimit-remaining: 0})
 * or answers 429. On PostgreSQL, which several nodes share, the slots are taken from the store ({@link SharedRateSlots}),
 * since Brevo's limits are per API key, not per node.
 */
public class BrevoRateBuckets {

    private static final Logger LOG = LoggerFactory.getLogger(BrevoRateBuckets.class);

    private final Map<RateBucket, Bucket> buckets = new EnumMap<>(RateBucket.class);
    private Duration maxReset = Duration.ofHours(1);
    /** On PostgreSQL, which several nodes share: the slots every node takes from; null on the embedded store. */
    private SharedRateSlots shared;

    public BrevoRateBuckets() {
        setContacts("10/s");
        setEvents("10/s");
        setOrders("5/s");
        setProducts("2/s");
        setEmails("1000/s");
        setOther("100/h");
    }

    public void setContacts(String rate) { buckets.put(RateBucket.CONTACTS, new Bucket(rate)); }
    public void setEvents(String rate) { buckets.put(RateBucket.EVENTS, new Bucket(rate)); }
    public void setOrders(String rate) { buckets.put(RateBucket.ORDERS, new Bucket(rate)); }
    public void setProducts(String rate) { buckets.put(RateBucket.PRODUCTS, new Bucket(rate)); }
    /** POST /smtp/email (transactional and template emails): 1000/s, not the 100/h of unlisted endpoints. */
    public void setEmails(String rate) { buckets.put(RateBucket.EMAILS, new Bucket(rate)); }
    public void setOther(String rate) { buckets.put(RateBucket.OTHER, new Bucket(rate)); }

    /** The state store: on PostgreSQL the nodes sharing it share the buckets too (Brevo's limits are per API key). */
    public void setStore(StateStore store) {
        this.shared = store.isPostgres() ? new SharedRateSlots(store) : null;
    }

    /** Longest pause a reset value may impose: a larger or unreadable one is capped here. */
    public void setMaxReset(String maxReset) { this.maxReset = Duration.parse(maxReset); }

    /** Waits until the request's bucket may send one more call. */
    public void acquire(BrevoRequest request) throws InterruptedException {
        Bucket bucket = buckets.get(request.bucket());
        long wait = shared == null ? bucket.reserve(System.nanoTime()) : shared.reserve(request.bucket().name(), bucket.intervalNanos);
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /**
     * The request goes out now: the bucket's next slot is at least one interval from now, so a call delayed after
     * its slot (an overrun sleep, a slow lease renewal on a busy machine) does not bring the next one closer.
     */
    public void sending(BrevoRequest request) {
        Bucket bucket = buckets.get(request.bucket());
        if (shared == null) {
            bucket.startedAt(System.nanoTime());
        } else {
            shared.sending(request.bucket().name(), bucket.intervalNanos);
        }
    }

    /**
     * Reads Brevo's rate-limit headers off an answer. Brevo counts calls per fixed window: {@code remaining} is
     * what is left of the current window after this call, {@code reset} the seconds until its counter resets. So
     * {@code remaining: 0} means this call was the window's last one and the next waits for the reset; a 429 means
     * the call was refused and waits for the reset too. The pause starts when the answer is read, later than Brevo
     * measured it, so it never ends before Brevo's window does. The next call goes at the later of the reset and
     * its evenly spaced slot: neither is added to the other. Returns the pause imposed, in milliseconds (0 when none).
     */
    public long observe(RateBucket bucket, int status, Object remaining, Object reset) {
        boolean refused = status == 429;
        if (!refused && !"0".equals(String.valueOf(remaining).trim())) {
            return 0;
        }
        long pauseMillis = resetMillis(reset);
        buckets.get(bucket).pauseFor(pauseMillis, System.nanoTime());
        if (shared != null) {
            shared.pauseFor(bucket.name(), pauseMillis);
        }
        if (refused) {
            LOG.info("Brevo answered 429 for {}: pausing {} ms", bucket.name().toLowerCase(Locale.ROOT), pauseMillis);
        } else {
            LOG.debug("Brevo's {} window is spent: next call in {} ms", bucket.name().toLowerCase(Locale.ROOT), pauseMillis);
        }
        return pauseMillis;
    }

    /**
     * Brevo sends the reset as seconds to wait (fractions allowed); read it defensively: a missing or unreadable value
     * waits one second (Brevo's shortest window), an epoch timestamp is turned into a wait, a negative one waits
     * nothing, and nothing waits longer than {@code maxReset}.
     */
    long resetMillis(Object reset) {
        double seconds;
        try {
            seconds = Double.parseDouble(String.valueOf(reset).trim());
        } catch (NumberFormatException e) {
            seconds = 1;
        }
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            seconds = 1;
        }
        if (seconds > 1_000_000_000d) {
            seconds = seconds - System.currentTimeMillis() / 1000d;
        }
        long millis = (long) Math.ceil(seconds * 1000);
        return Math.max(0, Math.min(millis, maxReset.toMillis()));
    }

    /** How long a call of this bucket made now would wait for its slot (nothing is reserved). */
    long delayMillis(RateBucket bucket) {
        return buckets.get(bucket).delay(System.nanoTime()) / 1_000_000;
    }

    /** Evenly spaced slots: a call takes the next free slot, at least one interval after the previous. */
    private static final class Bucket {
        private final long intervalNanos;
        private long nextFree;

        Bucket(String rate) {
            this.intervalNanos = parse(rate);
            this.nextFree = System.nanoTime();
        }

        synchronized long reserve(long now) {
            long slot = Math.max(now, nextFree);
            nextFree = slot + intervalNanos;
            return slot - now;
        }

        synchronized void startedAt(long now) {
            nextFree = Math.max(nextFree, now + intervalNanos);
        }

        synchronized long delay(long now) {
            return Math.max(0, nextFree - now);
        }

        synchronized void pauseFor(long millis, long now) {
            nextFree = Math.max(nextFree, now + millis * 1_000_000);
        }

        /** "10/s", "100/h", "300/m": calls per second, minute or hour. */
        private static long parse(String rate) {
            String[] parts = rate.trim().split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException("Rate '" + rate + "' must look like 10/s, 300/m or 100/h");
            }
            long calls = Long.parseLong(parts[0].trim());
            Duration period = switch (parts[1].trim()) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                case "h" -> Duration.ofHours(1);
                default -> throw new IllegalArgumentException("Rate '" + rate + "' must be per s, m or h");
            };
            if (calls <= 0) {
                throw new IllegalArgumentException("Rate '" + rate + "' must allow at least one call");
            }
            return period.toNanos() / calls;
        }
    }
}
