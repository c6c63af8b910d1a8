package io.tajo.connectors.brevo;

import java.util.List;

/** A claimed outbox row: one or more commands of one op that share a batch key. */
public record OutboxRow(long id, BrevoOp op, String batchKey, List<BrevoCommand> commands, int attempts, boolean solo) {
}
