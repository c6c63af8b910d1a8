package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Delivery ids accepted once (DESIGN §2): an insert-if-absent, never select-then-insert, which races. */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /** True when the key is new (and is now kept for {@code retention}); false when it was accepted before. */
    public static boolean accept(Connection connection, String key, long now, Duration retention) throws SQLException {
        return Sql.update(connection, "INSERT INTO idempotency_key (idem_key, created_at, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT DO NOTHING", key, now, now + retention.toMillis()) == 1;
    }

    /**
     * {@link #accept} for many keys (the deliveries of one group commit) in a read and an insert batch; returns, in
     * order, whether each was new. A key listed twice is new the first time only. An insert that meets a key another
     * writer stored since the read is not new. (Where the driver does not say which inserts took, PostgreSQL's
     * reWriteBatchedInserts, a key absent at the read counts as new.)
     */
    public static boolean[] acceptAll(Connection connection, List<String> keys, long now, Duration retention) throws SQLException {
        boolean[] accepted = new boolean[keys.size()];
        if (keys.size() <= 1) {
            if (keys.size() == 1) {
                accepted[0] = accept(connection, keys.get(0), now, retention);
            }
            return accepted;
        }
        Set<String> seen = acceptedBefore(connection, keys);
        List<Integer> inserts = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (seen.add(keys.get(i))) {
                inserts.add(i);
            }
        }
        int[] inserted = Sql.batch(connection, "INSERT INTO idempotency_key (idem_key, created_at, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT DO NOTHING", inserts.stream().map(i -> new Object[] {keys.get(i), now, now + retention.toMillis()}).toList());
        for (int j = 0; j < inserts.size(); j++) {
            accepted[inserts.get(j)] = inserted[j] == 1 || inserted[j] == Statement.SUCCESS_NO_INFO;
        }
        return accepted;
    }

    /** The keys among {@code keys} accepted before (and still kept), in one read per 25 keys. */
    public static Set<String> acceptedBefore(Connection connection, Collection<String> keys) throws SQLException {
        return new HashSet<>(Sql.listIn(connection, "SELECT idem_key FROM idempotency_key WHERE (idem_key)",
                keys.stream().distinct().map(key -> new Object[] {key}).toList(), rs -> rs.getString(1)));
    }
}
