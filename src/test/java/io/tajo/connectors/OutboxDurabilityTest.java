package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pending outbox rows outlive the CamelContext that accepted them. */
class OutboxDurabilityTest {

    @TempDir
    Path dataDir;

    @Test
    void pendingRowsSurviveARestartAndAreDeliveredAfterIt() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            brevo.refuseEverything(503);
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            try (RunningService first = RunningService.start(env)) {
                for (int i = 0; i < 20; i++) {
                    first.send(upsertContact("r" + i + "@example.com", Map.of("FIRSTNAME", "R" + i)));
                }
                assertThat(first.outbox().pending()).isEqualTo(20);
            }
            brevo.answerLikeBrevo();
            try (RunningService second = RunningService.start(env)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> second.outbox().pending() == 0);
            }
            assertThat(brevo.requests("POST", "/v3/contacts")).extracting(r -> BrevoStub.body(r).get("email").asText())
                    .hasSize(20).doesNotHaveDuplicates();
            brevo.assertAllRequestsValid();
        }
    }
}
