package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While Brevo is down the circuit breaker holds the outbox: rows keep their attempts and nothing is dead-lettered. */
class BrevoOutageTest {

    @TempDir
    Path dataDir;

    @Test
    void aLongOutageHoldsTheOutboxAndEverythingGoesOutOnceWhenBrevoIsBack() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            brevo.refuseEverything(503);
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            // without the circuit breaker 5 attempts at 0.1 s..1 s backoff are spent in under 2 s
            env.put("BREVO_RETRY_MAX_ATTEMPTS", "5");
            env.put("BREVO_RATE_CONTACTS", "1000/s");
            try (RunningService service = RunningService.start(env)) {
                for (int i = 0; i < 30; i++) {
                    service.send(upsertContact("o" + i + "@example.com", Map.of("FIRSTNAME", "O" + i)));
                }
                Thread.sleep(4000);
                int callsDuringOutage = brevo.requests().size();
                assertThat(new DeadLetters(service.store()).count()).as("dead letters during the outage").isZero();
                assertThat(callsDuringOutage).as("calls while Brevo was down: the open circuit stops most")
                        .isLessThan(30 * 3);

                brevo.answerLikeBrevo();
                await().atMost(Duration.ofSeconds(20)).until(() -> service.outbox().pending() == 0);
                Set<String> emails = new HashSet<>();
                brevo.requests().forEach(r -> assertThat(emails.add(BrevoStub.body(r).get("email").asText())).isTrue());
                assertThat(emails).hasSize(30);
                assertThat(new DeadLetters(service.store()).count()).isZero();
                brevo.assertAllRequestsValid();
            }
        }
    }
}
