package io.tajo.connectors.brevo;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.tajo.connectors.brevo.BrevoOp.RateBucket;
import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;

/**
 * The call slots of Brevo's rate buckets kept in PostgreSQL, which every node shares: a node takes the next slot of a
 * bucket with one row update, so all nodes together keep to the rate Brevo allows the API key. Times are the
 * database's clock, the one clock all nodes read.
 */
final class SharedRateSlots {

    private static final String NOW_US = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";

    private final StateStore store;
    /** Buckets whose row this node has made sure of. */
    private final Set<RateBucket> created = ConcurrentHashMap.newKeySet();

    SharedRateSlots(StateStore store) {
        this.store = store;
    }

    /**
     * Slots of nodes are taken ahead of the calls, and a call can leave later than its slot (the other node's next one
     * then follows it closer than the interval): slots are spaced this much wider than the rate, so such a pair does not
     * put one call too many into a window of Brevo's.
     */
    private static final double MARGIN = 1.05;

    /** Takes the bucket's next slot, a little more than {@code intervalNanos} after the one before; returns nanoseconds to wait for it. */
    long reserve(RateBucket bucket, long intervalNanos) {
        long intervalMicros = Math.max(1, (long) (intervalNanos * MARGIN / 1_000));
        return store.inTransaction(connection -> {
            if (created.add(bucket)) {
                Sql.update(connection, "INSERT INTO brevo_rate_slot (bucket, next_free_us) VALUES (?, 0) ON CONFLICT DO NOTHING",
                        bucket.name());
            }
            long waitMicros = Sql.first(connection, "UPDATE brevo_rate_slot SET next_free_us = GREATEST(next_free_us, " + NOW_US
                    + ") + ? WHERE bucket = ? RETURNING next_free_us - ? - " + NOW_US, rs -> rs.getLong(1),
                    intervalMicros, bucket.name(), intervalMicros).orElse(0L);
            return Math.max(0, waitMicros) * 1_000;
        });
    }

    /** A call of the bucket goes out now: the bucket's next slot, on every node, is at least one interval from now. */
    void sending(RateBucket bucket, long intervalNanos) {
        pauseFor(bucket, intervalNanos / 1_000_000);
    }

    /** No call of the bucket before {@code millis} from now, on any node (Brevo said its window is spent). */
    void pauseFor(RateBucket bucket, long millis) {
        store.inTransaction(connection -> Sql.update(connection, "UPDATE brevo_rate_slot SET next_free_us = GREATEST(next_free_us, "
                + NOW_US + " + ?) WHERE bucket = ?", millis * 1_000, bucket.name()));
    }
}
