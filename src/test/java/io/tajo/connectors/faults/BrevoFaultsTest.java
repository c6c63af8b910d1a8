package io.tajo.connectors.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.tajo.connectors.testing.Commands.upsertContact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.brevo.BrevoCircuitState;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brevo refusing connections, or timing out, for a while and then back: the outbox holds the backlog, the circuit
 * breaker opens and closes again, and every command reaches Brevo once, none dead-lettered. A command Brevo keeps
 * failing is dead-lettered only after the configured number of attempts, spaced by the backoff. (BrevoOutageTest
 * covers a 503 outage, BrevoSinkTest 429/5xx then success and 4xx dead letters.)
 */
class BrevoFaultsTest {

    private static final int BACKLOG = 30;

    @TempDir
    Path dataDir;

    private static List<String> emails() {
        return IntStream.range(0, BACKLOG).mapToObj(i -> "backlog" + i + "@example.com").toList();
    }

    /** Records each circuit state the running dispatcher reports (the brevo_circuit row), in order, while it runs. */
    private static final class CircuitWatch implements AutoCloseable {

        private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        CircuitWatch(RunningService service) {
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    String state = BrevoCircuitState.current(service.store());
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                        seen.add(state);
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "circuit-watch");
            thread.start();
        }

        List<String> seen() {
            synchronized (seen) {
                return List.copyOf(seen);
            }
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
        }
    }

    private static Map<String, String> environment(Path dataDir, String brevoBaseUrl) {
        Map<String, String> env = RunningService.environment(dataDir, null);
        env.put("BREVO_API_KEY", BrevoStub.API_KEY);
        env.put("BREVO_BASE_URL", brevoBaseUrl);
        env.put("BREVO_RATE_CONTACTS", "1000/s");
        return env;
    }

    private static void sendBacklog(RunningService service) {
        emails().forEach(email -> service.send(upsertContact(email, Map.of("FIRSTNAME", "B"))));
    }

    /** Every email of the backlog in exactly one request Brevo answered, and nothing dead-lettered. */
    private static void assertDeliveredOnceEach(BrevoStub brevo, RunningService service) throws InterruptedException {
        service.awaitOutboxEmpty();
        assertThat(brevo.requests("POST", "/v3/contacts")).extracting(r -> BrevoStub.body(r).path("email").asText())
                .containsExactlyInAnyOrderElementsOf(emails());
        assertThat(new DeadLetters(service.store()).count()).as("dead letters").isZero();
        brevo.assertAllRequestsValid();
    }

    @Test
    void brevoRefusingConnectionsForAWhileThenBackGetsTheWholeBacklogOnceAndTheCircuitOpensAndCloses() throws Exception {
        int port = RunningService.freePort();  // nothing listens there yet: every call is refused
        try (RunningService service = RunningService.start(environment(dataDir, "http://127.0.0.1:" + port + "/v3"));
             CircuitWatch circuit = new CircuitWatch(service)) {
            sendBacklog(service);
            await().atMost(Duration.ofSeconds(20)).until(() -> circuit.seen().contains("OPEN"));
            Thread.sleep(3000);  // the outage goes on past several open periods (BREVO_CIRCUIT_OPEN_SECONDS=1)
            assertThat(service.outbox().pending()).as("the backlog waits in the outbox").isEqualTo(BACKLOG);
            assertThat(new DeadLetters(service.store()).count()).as("dead letters during the outage").isZero();

            try (BrevoStub brevo = new BrevoStub(port)) {
                assertDeliveredOnceEach(brevo, service);
                await().atMost(Duration.ofSeconds(10)).until(() -> circuit.seen().get(circuit.seen().size() - 1).equals("CLOSED"));
                assertThat(circuit.seen()).as("circuit states seen").containsSubsequence("CLOSED", "OPEN", "HALF_OPEN", "CLOSED");
            }
        }
    }

    @Test
    void brevoTimingOutForAWhileThenBackGetsTheWholeBacklogOnceAndTheCircuitOpensAndCloses() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            brevo.server().resetAll();
            // answers, but only after the client has given up (BREVO_RESPONSE_TIMEOUT_MS)
            brevo.server().stubFor(any(urlPathMatching("/v3/.*")).willReturn(aResponse().withStatus(201).withFixedDelay(1500)));
            Map<String, String> env = environment(dataDir, brevo.baseUrl());
            env.put("BREVO_RESPONSE_TIMEOUT_MS", "300");
            try (RunningService service = RunningService.start(env); CircuitWatch circuit = new CircuitWatch(service)) {
                sendBacklog(service);
                await().atMost(Duration.ofSeconds(30)).until(() -> circuit.seen().contains("OPEN"));
                Thread.sleep(2000);
                assertThat(service.outbox().pending()).as("the backlog waits in the outbox").isEqualTo(BACKLOG);
                assertThat(new DeadLetters(service.store()).count()).as("dead letters during the outage").isZero();

                brevo.answerLikeBrevo();  // back, and the requests that timed out are forgotten
                assertDeliveredOnceEach(brevo, service);
                await().atMost(Duration.ofSeconds(10)).until(() -> circuit.seen().get(circuit.seen().size() - 1).equals("CLOSED"));
                assertThat(circuit.seen()).as("circuit states seen").containsSubsequence("CLOSED", "OPEN", "HALF_OPEN", "CLOSED");
            }
        }
    }

    @Test
    void aCommandBrevoKeepsFailingIsDeadLetteredOnlyAfterItsAttemptsSpacedByTheBackoff() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            brevo.refuseEverything(503);
            Map<String, String> env = environment(dataDir, brevo.baseUrl());
            env.put("BREVO_RETRY_MAX_ATTEMPTS", "4");
            env.put("BREVO_RETRY_INITIAL_DELAY", "PT0.4S");
            env.put("BREVO_RETRY_MAX_DELAY", "PT2S");
            env.put("BREVO_CIRCUIT_MINIMUM_CALLS", "100");  // four failures alone do not open the circuit
            try (RunningService service = RunningService.start(env)) {
                DeadLetters deadLetters = new DeadLetters(service.store());
                service.send(upsertContact("failing@example.com", Map.of("FIRSTNAME", "F")));

                await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests().size() >= 3);
                assertThat(deadLetters.count()).as("dead letters after three attempts").isZero();
                await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count() == 1);
                Thread.sleep(1500);  // longer than any backoff: a fifth attempt would show

                List<LoggedRequest> attempts = brevo.requests();
                assertThat(attempts).as("attempts").hasSize(4);
                // the wait before attempt n+1 is 0.4 s * 2^(n-1), capped at 2 s, of which half is fixed
                long[] atLeast = {200, 400, 800};
                for (int n = 1; n < attempts.size(); n++) {
                    long gap = attempts.get(n).getLoggedDate().getTime() - attempts.get(n - 1).getLoggedDate().getTime();
                    assertThat(gap).as("wait before attempt %d", n + 1).isGreaterThanOrEqualTo(atLeast[n - 1]);
                }
                DeadLetters.DeadLetter letter = deadLetters.list(DeadLetters.Filter.all()).get(0);
                assertThat(letter.errorCode()).isEqualTo("retries_exhausted");
                assertThat(letter.attempts()).isEqualTo(4);
                assertThat(letter.createdAt()).as("dead-lettered after the last attempt")
                        .isGreaterThanOrEqualTo(attempts.get(3).getLoggedDate().getTime());
                assertThat(service.outbox().pending()).isZero();
                brevo.assertAllRequestsValid();
            }
        }
    }
}
