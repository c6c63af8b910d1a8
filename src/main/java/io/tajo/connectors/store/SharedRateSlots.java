package io.tajo.connectors.store;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;


/**
 * The call slots of an API's rate buckets (Brevo's, per API key; HubSpot's, per app) kept in PostgreSQL, which every
 * node shares: a node takes the next slot of a bucket with one row update, so all nodes together keep to the rate the
 * API allows. Times are the database's clock, the one clock all nodes read.
 */
public final class SharedRateSlots {

    private static final String NOW_US = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)";

    private final StateStore store;
    /** Buckets whose row this node has made sure of. */
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    public SharedRateSlots(StateStore store) {
        this.store = store;
    }

    /**
     * Slots of nodes are taken ahead of the calls, and a call can leave later than its slot (the other node's next one
     * then follows it closer than the interval): slots are spaced this much wider than the rate, so such a pair does not
     * put one call too many into a window of Brevo's.
     */
    private static final double MARGIN = 1.05;

    /** Takes the bucket's next slot, a little more than {@code intervalNanos} after the one before; returns nanoseconds to wait for it. */
    public long reserve(String bucket, long intervalNanos) {
        long intervalMicros = Math.max(1, (long) (intervalNanos * MARGIN / 1_000));
        return store.inTransaction(connection -> {
            if (created.add(bucket)) {
                Sql.update(connection, "INSERT INTO rate_slot (bucket, next_free_us) VALUES (?, 0) ON CONFLICT DO NOTHING",
                        bucket);
            }
            long waitMicros = Sql.first(connection, "UPDATE rate_slot SET next_free_us = GREATEST(next_free_us, " + NOW_US
                    + ") + ? WHERE bucket = ? RETURNING next_free_us - ? - " + NOW_US, rs -> rs.getLong(1),
                    intervalMicros, bucket, intervalMicros).orElse(0L);
            return Math.max(0, waitMicros) * 1_000;
        });
    }

    /** A call of the bucket goes out now: the bucket's next slot, on every node, is at least one interval from now. */
    public void sending(String bucket, long intervalNanos) {
        pauseFor(bucket, intervalNanos / 1_000_000);
    }

    /** No call of the bucket before {@code millis} from now, on any node (Brevo said its window is spent). */
    public void pauseFor(String bucket, long millis) {
        store.inTransaction(connection -> Sql.update(connection, "UPDATE rate_slot SET next_free_us = GREATEST(next_free_us, "
                + NOW_US + " + ?) WHERE bucket = ?", millis * 1_000, bucket));
    }
}
