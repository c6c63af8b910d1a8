package io.tajo.connectors.brevo;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** One HTTP call to Brevo and the outbox rows whose fate it decides. {@code body} is null for a DELETE. */
public record BrevoRequest(BrevoOp.RateBucket bucket, String method, String path, String query, JsonNode body,
                           List<OutboxRow> rows) {

    public int commandCount() {
        return rows.stream().mapToInt(row -> row.commands().size()).sum();
    }
}
