package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static io.tajo.connectors.testing.Commands.versioned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.brevo.EnqueueResult;
import io.tajo.connectors.cli.TajoCli;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.store.SourceContacts;
import io.tajo.connectors.store.SourceVersions;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands into direct:brevo, out to the Brevo stub: delivery, retries, dead letters and versions. */
class BrevoSinkTest {

    @TempDir
    Path dataDir;
    BrevoStub brevo;
    RunningService service;

    @BeforeEach
    void start() throws Exception {
        brevo = new BrevoStub();
        service = RunningService.start(RunningService.environment(dataDir, brevo));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        brevo.assertAllRequestsValid();
        brevo.close();
    }

    @Test
    void aCommandReachesBrevoAsOneValidRequestExactlyOnce() throws Exception {
        EnqueueResult result = (EnqueueResult) service.send(
                upsertContact("ada@example.com", Map.of("FIRSTNAME", "Ada", "TOTAL_SPENT", 12.5)));
        assertThat(result.rows()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests().size() == 1);
        Thread.sleep(500);  // a second delivery would arrive within a few polls
        List<LoggedRequest> requests = brevo.requests();
        assertThat(requests).hasSize(1);
        LoggedRequest request = requests.get(0);
        assertThat(request.getMethod().value()).isEqualTo("POST");
        assertThat(request.getUrl()).isEqualTo("/v3/contacts");
        assertThat(request.getHeader("api-key")).isEqualTo(BrevoStub.API_KEY);
        assertThat(BrevoStub.body(request)).isEqualTo(BrevoStub.json(
                "{\"email\":\"ada@example.com\",\"attributes\":{\"FIRSTNAME\":\"Ada\",\"TOTAL_SPENT\":12.5},\"updateEnabled\":true}"));
        assertThat(service.outbox().pending()).isZero();
    }

    @Test
    void rateLimitedThenFailingBrevoGetsEverythingOnceAfterTheWaits() throws Exception {
        String path = "/v3/contacts";
        brevo.server().resetAll();
        brevo.server().stubFor(WireMock.post(path).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(BrevoStub.json(429, "{\"code\":\"too_many_requests\",\"message\":\"slow down\"}")
                        .withHeader("x-sib-ratelimit-limit", "10").withHeader("x-sib-ratelimit-remaining", "0")
                        .withHeader("x-sib-ratelimit-reset", "2"))
                .willSetStateTo("500-1"));
        brevo.server().stubFor(WireMock.post(path).inScenario("flaky").whenScenarioStateIs("500-1")
                .willReturn(BrevoStub.json(500, "{\"code\":\"internal_error\",\"message\":\"oops\"}")).willSetStateTo("500-2"));
        brevo.server().stubFor(WireMock.post(path).inScenario("flaky").whenScenarioStateIs("500-2")
                .willReturn(WireMock.aResponse().withStatus(502)).willSetStateTo("ok"));
        brevo.server().stubFor(WireMock.post(path).inScenario("flaky").whenScenarioStateIs("ok")
                .willReturn(BrevoStub.json(201, "{\"id\":7}")));

        service.send(upsertContact("grace@example.com", Map.of("FIRSTNAME", "Grace")));

        await().atMost(Duration.ofSeconds(20)).until(() -> brevo.requests().size() == 4);
        Thread.sleep(1000);
        List<LoggedRequest> requests = brevo.requests();
        assertThat(requests).hasSize(4);
        long waitAfter429 = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertThat(waitAfter429).as("wait after 429 with x-sib-ratelimit-reset: 2").isGreaterThanOrEqualTo(2000);
        long waitAfter500 = requests.get(2).getLoggedDate().getTime() - requests.get(1).getLoggedDate().getTime();
        assertThat(waitAfter500).as("backoff after the first 500 (initial delay 100 ms, half of it fixed)").isGreaterThanOrEqualTo(50);
        assertThat(requests).allSatisfy(r -> assertThat(BrevoStub.body(r).path("email").asText()).isEqualTo("grace@example.com"));
        assertThat(new DeadLetters(service.store()).count()).isZero();
    }

    @Test
    void aContactBrevoRefusesIsDeadLetteredTheRestGoThroughAndReplayResendsIt() throws Exception {
        brevo.server().stubFor(WireMock.post("/v3/contacts")
                .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo("bad@example.com")))
                .atPriority(1)
                .willReturn(BrevoStub.json(400, "{\"code\":\"invalid_parameter\",\"message\":\"Invalid phone number\"}")));

        service.send(List.of(
                upsertContact("one@example.com", Map.of("FIRSTNAME", "One")),
                upsertContact("bad@example.com", Map.of("SMS", "12")),
                upsertContact("two@example.com", Map.of("FIRSTNAME", "Two"))));

        DeadLetters deadLetters = new DeadLetters(service.store());
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count() == 1 && brevo.requests().size() == 3);
        DeadLetters.DeadLetter letter = deadLetters.list(DeadLetters.Filter.all()).get(0);
        assertThat(letter.errorCode()).isEqualTo("invalid_parameter");
        assertThat(letter.errorMessage()).isEqualTo("Invalid phone number");
        assertThat(letter.httpStatus()).isEqualTo(400);
        assertThat(brevo.requests()).extracting(r -> BrevoStub.body(r).path("email").asText())
                .containsExactlyInAnyOrder("one@example.com", "bad@example.com", "two@example.com");

        // the merchant fixes the attribute in Brevo; now Brevo accepts it
        brevo.answerLikeBrevo();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = TajoCli.execute(new TajoEnvironment(service.environment()), new PrintStream(out, true),
                System.err, "dlq", "replay");
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Replayed 1 dead letter into the outbox");

        await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests().size() == 1);
        assertThat(BrevoStub.body(brevo.requests().get(0)).path("email").asText()).isEqualTo("bad@example.com");
        assertThat(deadLetters.count()).isZero();
    }

    @Test
    void anOlderSourceVersionAfterANewerOneIsNotSent() throws Exception {
        brevo.refuseEverything(503);  // hold deliveries so both versions wait in the outbox together
        service.send(versioned(upsertContact("lin@example.com", Map.of("FIRSTNAME", "New")), "customer/1", "2026-01-02T10:00:00Z"));
        EnqueueResult older = (EnqueueResult) service.send(
                versioned(upsertContact("lin@example.com", Map.of("FIRSTNAME", "Old")), "customer/1", "2026-01-01T10:00:00Z"));
        assertThat(older.stale()).isEqualTo(1);
        assertThat(older.rows()).isZero();

        brevo.answerLikeBrevo();
        await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests("POST", "/v3/contacts").size() == 1);
        Thread.sleep(500);
        assertThat(brevo.requests("POST", "/v3/contacts")).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r).at("/attributes/FIRSTNAME").asText()).isEqualTo("New"));
    }

    @Test
    void anOlderVersionWaitingForRetryIsDroppedOnceANewerOneIsAccepted() throws Exception {
        brevo.refuseEverything(503);
        service.send(versioned(upsertContact("kim@example.com", Map.of("FIRSTNAME", "Old")), "customer/2", "2026-01-01T10:00:00Z"));
        await().until(() -> !brevo.requests().isEmpty());  // the old one failed once and waits for its retry
        service.send(versioned(upsertContact("kim@example.com", Map.of("FIRSTNAME", "New")), "customer/2", "2026-01-02T10:00:00Z"));
        // the old row's next claim finds the newer version and closes it: only then may Brevo answer (an attempt of the
        // old row claimed before the newer one was accepted, and sent after, would reach Brevo on a busy machine)
        await().atMost(Duration.ofSeconds(10)).until(() -> service.outbox().pending() == 1);

        brevo.answerLikeBrevo();
        await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests("POST", "/v3/contacts").size() == 1);
        Thread.sleep(1500);  // past the old row's retry time
        assertThat(brevo.requests("POST", "/v3/contacts")).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r).at("/attributes/FIRSTNAME").asText()).isEqualTo("New"));
    }

    @Test
    void aListOfCommandsKeepsOnlyTheNewestVersionOfEachRecord() throws Exception {
        sendsOnlyTheNewestVersionOfEachRecordOfAList(service, brevo);
    }

    /**
     * One enqueue (a sync page) holding several versions of the same records, some of them behind what the store
     * already has: judged one record after another as if sent one by one; the dispatcher then drops what a later
     * command of the list superseded. Also run on PostgreSQL (PostgresStoreTest).
     */
    public static void sendsOnlyTheNewestVersionOfEachRecordOfAList(RunningService service, BrevoStub brevo) throws Exception {
        service.send(versioned(upsertContact("c@example.com", Map.of("FIRSTNAME", "C5")), "customers/c", "2026-01-05T00:00:00Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> service.outbox().pending() == 0);

        EnqueueResult page = (EnqueueResult) service.send(List.of(
                versioned(upsertContact("a@example.com", Map.of("FIRSTNAME", "A2")), "customers/a", "2026-01-02T00:00:00Z"),
                versioned(upsertContact("a@example.com", Map.of("FIRSTNAME", "A1")), "customers/a", "2026-01-01T00:00:00Z"),
                versioned(upsertContact("b-old@example.com", Map.of("FIRSTNAME", "B1")), "customers/b", "2026-01-01T00:00:00Z"),
                versioned(upsertContact("b-new@example.com", Map.of("FIRSTNAME", "B3")), "customers/b", "2026-01-03T00:00:00Z"),
                versioned(upsertContact("c@example.com", Map.of("FIRSTNAME", "C4")), "customers/c", "2026-01-04T00:00:00Z"),
                versioned(upsertContact("c@example.com", Map.of("FIRSTNAME", "C5 again")), "customers/c", "2026-01-05T00:00:00Z"),
                versioned(upsertContact("d@example.com", Map.of("FIRSTNAME", "D1")), "customers/d", "2026-01-01T00:00:00Z")));
        assertThat(page.stale()).as("A1 after A2, C4 and C5 again after C5").isEqualTo(3);
        assertThat(page.commands()).as("A2, B1 then B3, D1").isEqualTo(4);

        await().atMost(Duration.ofSeconds(10)).until(() -> service.outbox().pending() == 0);
        assertThat(brevo.requests("POST", "/v3/contacts")).map(r -> BrevoStub.body(r).at("/attributes/FIRSTNAME").asText())
                .as("B1 was superseded by B3 before it was sent").containsExactlyInAnyOrder("C5", "A2", "B3", "D1");
        Map<String, Long> versions = service.store().inTransaction(c -> SourceVersions.newest(c, List.of(
                new String[] {"test", "customers/a"}, new String[] {"test", "customers/b"}, new String[] {"test", "customers/c"},
                new String[] {"test", "customers/d"})));
        assertThat(versions).containsExactlyInAnyOrderEntriesOf(Map.of(
                SourceVersions.key("test", "customers/a"), java.time.Instant.parse("2026-01-02T00:00:00Z").toEpochMilli(),
                SourceVersions.key("test", "customers/b"), java.time.Instant.parse("2026-01-03T00:00:00Z").toEpochMilli(),
                SourceVersions.key("test", "customers/c"), java.time.Instant.parse("2026-01-05T00:00:00Z").toEpochMilli(),
                SourceVersions.key("test", "customers/d"), java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()));
        assertThat(SourceContacts.emailOf(service.store(), "test", "customers/b")).as("the last accepted email of B").hasValue("b-new@example.com");
    }
}
