package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.command;
import static io.tajo.connectors.testing.Commands.upsertContact;
import static io.tajo.connectors.testing.Commands.upsertContactInList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without an API key nothing is sent; the dry-run file holds exactly the requests a live run sends. */
class DryRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path liveDir;
    @TempDir
    Path dryDir;

    /** One call, so every row is in the store before the first dispatch round plans them. */
    private static List<Object> workload() {
        List<Object> commands = new ArrayList<>();
        commands.add(upsertContact("ada@example.com", Map.of("FIRSTNAME", "Ada")));
        commands.add(command("deleteContact", "gone@example.com", Map.of()));
        commands.add(command("trackEvent", "ada@example.com",
                Map.of("event_name", "order_placed", "event_properties", Map.of("order_id", "1001", "amount_cents", 4250))));
        commands.add(command("upsertProduct", null, Map.of("id", "P9", "name", "Ice cream", "price", 4.5)));
        for (int i = 0; i < 25; i++) {
            commands.add(upsertContactInList("p" + i + "@example.com", 3, Map.of("LASTNAME", "P" + i)));
        }
        for (int i = 0; i < 3; i++) {
            commands.add(command("upsertOrder", "ada@example.com", Map.of("id", "100" + i, "createdAt", "2026-01-02T10:00:00Z",
                    "updatedAt", "2026-01-02T10:00:00Z", "status", "completed", "amount", 42.5,
                    "products", List.of(Map.of("productId", "P1", "quantity", 2, "price", 21.25)))));
        }
        for (int i = 0; i < 3; i++) {
            commands.add(command("upsertProduct", null, Map.of("id", "P" + i, "name", "Flavour " + i, "price", 4.5)));
        }
        commands.add(command("addToList", "ada@example.com", Map.of("listId", 5)));
        return commands;
    }

    @Test
    void dryRunWritesExactlyTheRequestsThatWouldHaveBeenSent() throws Exception {
        List<JsonNode> live = new ArrayList<>();
        try (BrevoStub brevo = new BrevoStub()) {
            try (RunningService service = RunningService.start(RunningService.environment(liveDir, brevo))) {
                service.send(workload());
                await().atMost(Duration.ofSeconds(20)).until(() -> service.outbox().pending() == 0);
            }
            brevo.assertAllRequestsValid();
            brevo.requests().forEach(request -> {
                ObjectNode line = JSON.createObjectNode().put("method", request.getMethod().value())
                        .put("path", request.getUrl().substring("/v3".length()));
                if (request.getBody().length > 0) {
                    line.set("body", BrevoStub.body(request));
                }
                live.add(line);
            });
        }

        Map<String, String> env = RunningService.environment(dryDir, null);
        try (RunningService service = RunningService.start(env)) {
            service.send(workload());
            await().atMost(Duration.ofSeconds(20)).until(() -> service.outbox().pending() == 0);
        }
        List<JsonNode> dry = new ArrayList<>();
        for (String line : Files.readAllLines(dryDir.resolve("brevo-dry-run.jsonl"))) {
            dry.add(JSON.readTree(line));
        }
        assertThat(live).extracting(line -> line.get("path").asText()).containsExactlyInAnyOrder(
                "/contacts", "/contacts/gone%40example.com?identifierType=email_id", "/events",
                "/contacts/import", "/orders/status/batch", "/products/batch", "/contacts/lists/5/contacts/add");
        assertThat(dry).containsExactlyInAnyOrderElementsOf(live);
    }
}
