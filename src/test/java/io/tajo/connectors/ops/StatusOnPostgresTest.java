package io.tajo.connectors.ops;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.RunningService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `tajo connectors status --json` on a PostgreSQL store (TAJO_STATE_URL): the same queries, the circuit row, its removal. */
class StatusOnPostgresTest {

    @TempDir
    Path dataDir;

    @Test
    void statusReadsDeadLettersPerConnectorAndTheCircuitFromPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start(); BrevoStub brevo = new BrevoStub()) {
            brevo.server().stubFor(WireMock.post("/v3/contacts").atPriority(1)
                    .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo("bad@example.com")))
                    .willReturn(BrevoStub.json(400, "{\"code\":\"invalid_parameter\",\"message\":\"Invalid email\"}")));
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("TAJO_STATE_URL", postgres.getJdbcUrl("postgres", "postgres"));
            env.put("TAJO_STATE_USER", "postgres");
            try (RunningService service = RunningService.start(env)) {
                service.send(upsertContact("bad@example.com", Map.of("FIRSTNAME", "Bad")));
                await().atMost(Duration.ofSeconds(10)).until(() -> new DeadLetters(service.store()).count() == 1);
                brevo.assertAllRequestsValid();

                JsonNode status = BrevoStub.json(Cli.tajo(env, "connectors", "status", "--json").out());
                assertThat(status.at("/brevo/circuit").asText()).isEqualTo("CLOSED");
                assertThat(status.at("/deadLetters").asLong()).isEqualTo(1);
                assertThat(status.at("/outbox/pending").asLong()).isZero();
                JsonNode test = BrevoStub.json(Cli.tajo(env, "connectors", "status", "test", "--json").out());
                assertThat(test.get("name").asText()).isEqualTo("test");
                assertThat(test.get("deadLetters").asLong()).isEqualTo(1);
            }
            JsonNode stopped = BrevoStub.json(Cli.tajo(env, "connectors", "status", "--json").out());
            assertThat(stopped.at("/brevo/circuit").asText()).isEqualTo("unknown (service not running)");
        }
    }
}
