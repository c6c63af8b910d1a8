package io.tajo.connectors.status;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an operator asks first: which connectors there are and how they are set up, where each sync stands,
 * what waits for Brevo and what Brevo refused. The shape of `tajo connectors status --json` and of
 * GET /status.json; its field names are a contract for scripts.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceStatus(String generatedAt, Brevo brevo, Outbox outbox, long deadLetters, List<Connector> connectors) {

    /** The Brevo side: the circuit breaker as the running service last saw it, and whether it sends at all. */
    public record Brevo(String circuit, boolean dryRun) {
    }

    /** Outbox rows still to deliver, and how long the oldest has waited (null when none waits). */
    public record Outbox(long pending, Long oldestPendingSeconds) {
    }

    /**
     * One connector. {@code mode}: realtime, batch or hybrid. {@code webhook} and {@code sync} say whether its
     * routes are loaded and whether they have what they need (a signing secret; credentials).
     */
    public record Connector(String name, String mode, Part webhook, Part sync, List<Resource> resources, Outbox outbox,
                            long deadLetters) {
    }

    /** A connector's webhook or sync: its route (null when it has none), and whether it can run, or why not. */
    public record Part(String route, boolean configured, String detail) {
    }

    /**
     * A resource the connector handles; {@code synced} when a batch sync pulls it (else webhooks only). For a
     * synced one: when its last page was committed, where it resumes, and how long ago that was.
     */
    public record Resource(String name, boolean synced, String lastSyncAt, Checkpoint checkpoint, Long lagSeconds) {

        /** Where it resumes, for people: watermark/last id, or the cursor of a full export. */
        @JsonIgnore
        public String resumesAt() {
            if (checkpoint.watermark() != null) {
                return checkpoint.watermark() + (checkpoint.lastId() == null ? "" : "/" + checkpoint.lastId());
            }
            return checkpoint.cursor() == null ? "-" : "cursor " + checkpoint.cursor();
        }
    }

    public record Checkpoint(String watermark, String lastId, String cursor) {
    }

    /** "42 s ago", "5 min ago", "3 h ago", "2 days ago". */
    public static String ago(Long seconds) {
        if (seconds == null) {
            return "-";
        }
        return seconds < 120 ? seconds + " s ago" : seconds < 7200 ? seconds / 60 + " min ago"
                : seconds < 172800 ? seconds / 3600 + " h ago" : seconds / 86400 + " days ago";
    }

    public Connector connector(String name) {
        return connectors.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }
}
