package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/** Delivery ids accepted once (DESIGN §2): an insert-if-absent, never select-then-insert, which races. */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    /** True when the key is new (and is now kept for {@code retention}); false when it was accepted before. */
    public static boolean accept(Connection connection, String key, long now, Duration retention) throws SQLException {
        return Sql.update(connection, "INSERT INTO idempotency_key (idem_key, created_at, expires_at) VALUES (?, ?, ?) "
                + "ON CONFLICT DO NOTHING", key, now, now + retention.toMillis()) == 1;
    }
}
