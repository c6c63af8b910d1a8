package io.tajo.connectors.brevo;

import java.util.List;

import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;

/**
 * The Brevo circuit breaker's state as the running dispatchers last saw it (table brevo_circuit, one row per
 * process), so that `tajo connectors status`, run in another process, can tell it.
 */
public final class BrevoCircuitState {

    public static final String CLOSED = "CLOSED";
    public static final String DRY_RUN = "DRY_RUN";
    /** No running service has told its state (none runs, or it was stopped). */
    public static final String UNKNOWN = "unknown (service not running)";

    private BrevoCircuitState() {
    }

    public static void save(StateStore store, String node, String state) {
        long now = System.currentTimeMillis();
        store.inTransaction(connection -> {
            if (Sql.update(connection, "UPDATE brevo_circuit SET state = ?, updated_at = ? WHERE node = ?", state, now, node) == 0) {
                Sql.update(connection, "INSERT INTO brevo_circuit (node, state, updated_at) VALUES (?, ?, ?)", node, state, now);
            }
            return null;
        });
    }

    public static void remove(StateStore store, String node) {
        store.inTransaction(connection -> Sql.update(connection, "DELETE FROM brevo_circuit WHERE node = ?", node));
    }

    /**
     * The state to report: the worst one of the running dispatchers (OPEN before HALF_OPEN before CLOSED), or
     * {@link #UNKNOWN}. On the embedded store, rows of processes that are gone (killed) do not count.
     */
    public static String current(StateStore store) {
        List<String[]> rows = store.inTransaction(connection -> Sql.list(connection,
                "SELECT node, state FROM brevo_circuit", rs -> new String[] {rs.getString(1), rs.getString(2)}));
        List<String> states = rows.stream()
                .filter(row -> !store.isEmbedded() || BrevoOutbox.isLiveProcess(row[0]))
                .map(row -> row[1]).toList();
        for (String state : List.of("FORCED_OPEN", "OPEN", "HALF_OPEN", CLOSED, DRY_RUN)) {
            if (states.contains(state)) {
                return state;
            }
        }
        return states.isEmpty() ? UNKNOWN : states.get(0);
    }
}
