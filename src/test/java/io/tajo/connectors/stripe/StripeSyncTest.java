package io.tajo.connectors.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.StripeWebhooksTest;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.StripeStub;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The Stripe sync against a WireMock Stripe: the scheduled listing, a run stopped by a 401 and by 5xx resumed after
 * its last committed page, the events since the last run applied oldest first, a 429 waited out under the pace,
 * an event both delivered by webhook and pulled applied once, and a checkpoint older than Stripe's events. Every
 * assertion is on what reached the Brevo stub, request by request.
 */
class StripeSyncTest {

    private final long now = Instant.now().getEpochSecond();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    static StripeSyncRun sync(RunningService service, String resource) {
        Exchange exchange = new DefaultExchange(service.context());
        exchange.setProperty(SyncRun.RESOURCE, resource);
        Exchange done = service.context().createProducerTemplate().send("direct:stripe-sync", exchange);
        if (done.getException() != null) {
            throw new RuntimeException(done.getException().getMessage(), done.getException());
        }
        return done.getMessage().getBody(StripeSyncRun.class);
    }

    private static String contact(String email, String name, String customerId) {
        return "{\"email\":\"" + email + "\",\"attributes\":{\"FULLNAME\":\"" + name + "\",\"STRIPE_CUSTOMER_ID\":\"" + customerId
                + "\"},\"updateEnabled\":true}";
    }

    private static List<String> contactsSent(BrevoStub brevo) {
        return brevo.requests("POST", "/v3/contacts").stream().map(r -> BrevoStub.body(r).path("email").asText()).toList();
    }

    private static Optional<SyncCheckpoint> checkpoint(RunningService service, String resource) {
        return SyncCheckpoint.load(service.store(), "stripe", resource);
    }

    @Test
    void theScheduledSyncListsEveryCustomerPageByPageThenFollowsTheEvents() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            for (int i = 1; i <= 5; i++) {
                stripe.addCustomer("cus_" + i, "c" + i + "@example.com", "Customer " + i, now - 1000 + i);
            }
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, brevo));
            env.put("STRIPE_SYNC_PAGE_SIZE", "2");
            env.put("STRIPE_SYNC_CUSTOMERS_CRON", "0/1+*+*+*+*+?");
            try (RunningService service = RunningService.start(env)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> stripe.urls().stream().anyMatch(u -> u.startsWith("/v1/events")));
                service.awaitOutboxEmpty();
            }
            List<String> urls = stripe.urls();
            assertThat(urls.subList(0, 3)).containsExactly("/v1/customers?limit=2", "/v1/customers?limit=2&starting_after=cus_4",
                    "/v1/customers?limit=2&starting_after=cus_2");
            assertThat(urls.subList(3, urls.size())).allMatch(u -> u.startsWith("/v1/events?limit=2&types[]=customer.created&"));
            assertThat(stripe.requests()).allMatch(r -> ("Bearer " + StripeStub.API_KEY).equals(r.getHeader("Authorization")));

            List<LoggedRequest> sent = brevo.requests();
            assertThat(sent).hasSize(5).allMatch(r -> r.getMethod().value().equals("POST") && r.getUrl().equals("/v3/contacts"));
            for (int i = 0; i < 5; i++) {
                int n = 5 - i;
                assertThat(BrevoStub.body(sent.get(i))).isEqualTo(BrevoStub.json(contact("c" + n + "@example.com", "Customer " + n, "cus_" + n)));
            }
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void aRunStoppedBy401OrBy5xxResumesAfterItsLastCommittedPageAndSendsNothingTwice() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            for (int i = 1; i <= 7; i++) {
                stripe.addCustomer("cus_" + i, "c" + i + "@example.com", "Customer " + i, now - 1000 + i);
            }
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, brevo));
            env.put("STRIPE_SYNC_PAGE_SIZE", "2");
            env.put("STRIPE_RETRY_MAX_ATTEMPTS", "3");
            var server = stripe.server();
            // page 3: the key is refused
            StubMapping refused = server.stubFor(StripeStub.request("customers", "starting_after", "cus_4")
                    .willReturn(aResponse().withStatus(401).withBody("{\"error\":{\"message\":\"Invalid API Key provided\"}}")));
            try (RunningService service = RunningService.start(env)) {
                assertThatThrownBy(() -> sync(service, "customers"))
                        .hasMessage("Stripe refused STRIPE_API_KEY (401): set a valid secret or restricted key");
                assertThat(checkpoint(service, "customers")).hasValueSatisfying(c -> {
                    assertThat(c.lastId()).isEqualTo("cus_4");
                    assertThat(c.cursor()).startsWith("list:");
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> contactsSent(brevo).size() == 4);

                // page 3 served, page 4 failing for good (5xx asked again, 3 attempts)
                server.removeStub(refused);
                StubMapping unavailable = server.stubFor(StripeStub.request("customers", "starting_after", "cus_2")
                        .willReturn(aResponse().withStatus(503)));
                assertThatThrownBy(() -> sync(service, "customers")).hasMessageContaining("with 503 3 times");
                assertThat(checkpoint(service, "customers")).hasValueSatisfying(c -> assertThat(c.lastId()).isEqualTo("cus_2"));
                service.awaitOutboxEmpty();
                server.removeStub(unavailable);
            }
            try (RunningService service = RunningService.start(env)) {
                StripeSyncRun run = sync(service, "customers");
                assertThat(run.records()).isEqualTo(1);
                assertThat(run.summary()).startsWith("stripe customers (list): 1 records in ");
                assertThat(checkpoint(service, "customers")).hasValueSatisfying(c -> {
                    assertThat(c.cursor()).isEqualTo("events");
                    assertThat(c.lastId()).isNull();
                });
                service.awaitOutboxEmpty();
            }
            assertThat(stripe.urls()).containsExactly(
                    "/v1/customers?limit=2", "/v1/customers?limit=2&starting_after=cus_6", "/v1/customers?limit=2&starting_after=cus_4",
                    "/v1/customers?limit=2&starting_after=cus_4", "/v1/customers?limit=2&starting_after=cus_2",
                    "/v1/customers?limit=2&starting_after=cus_2", "/v1/customers?limit=2&starting_after=cus_2",
                    "/v1/customers?limit=2&starting_after=cus_2");
            assertThat(contactsSent(brevo)).containsExactly("c7@example.com", "c6@example.com", "c5@example.com", "c4@example.com",
                    "c3@example.com", "c2@example.com", "c1@example.com");
            assertThat(brevo.requests()).hasSize(7);
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void laterRunsApplyTheEventsSinceTheLastOneOldestFirst() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            ObjectNode ada = stripe.addCustomer("cus_1", "ada@example.com", "Ada", now - 5000);
            ObjectNode bob = stripe.addCustomer("cus_2", "bob@example.com", "Bob", now - 4000);
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, brevo));
            env.put("STRIPE_SYNC_PAGE_SIZE", "2");
            try (RunningService service = RunningService.start(env)) {
                assertThat(sync(service, "customers").records()).isEqualTo(2);
                service.awaitOutboxEmpty();
                assertThat(contactsSent(brevo)).containsExactly("bob@example.com", "ada@example.com");
                brevo.answerLikeBrevo();
                String watermark = checkpoint(service, "customers").orElseThrow().watermark();
                stripe.server().resetRequests();

                long t = Instant.now().getEpochSecond() + 1;  // after the listing: the events are newer than what it read
                ObjectNode cee = ada.deepCopy().put("id", "cus_3").put("email", "cee@example.com").put("name", "Cee");
                stripe.addEvent("evt_1", "customer.created", cee, t + 1);
                stripe.addEvent("evt_2", "customer.updated", ada.deepCopy().put("name", "Ada L."), t + 2);
                stripe.addEvent("evt_3", "charge.succeeded", stripe.addCharge("ch_1", "cus_1", 100, 0, "succeeded", t + 3), t + 3);
                stripe.addEvent("evt_4", "customer.subscription.created",
                        StripeWebhooksTest.fixture("subscription").put("customer", "cus_1").put("status", "trialing"), t + 4);
                stripe.addEvent("evt_5", "customer.deleted", bob.deepCopy().put("deleted", true), t + 5);

                StripeSyncRun run = sync(service, "customers");
                assertThat(run.fromEvents()).isTrue();
                assertThat(run.records()).isEqualTo(4);
                assertThat(checkpoint(service, "customers")).contains(new SyncCheckpoint("stripe", "customers",
                        Instant.ofEpochSecond(t + 5).toString(), "evt_5", "events"));
                service.awaitOutboxEmpty();

                String types = "types[]=customer.created&types[]=customer.updated&types[]=customer.deleted"
                        + "&types[]=customer.subscription.created&types[]=customer.subscription.updated&types[]=customer.subscription.deleted";
                long since = Instant.parse(watermark).getEpochSecond();
                assertThat(stripe.urls()).containsExactly(
                        "/v1/events?limit=2&" + types + "&created[gte]=" + since,
                        "/v1/events?limit=2&" + types + "&created[gte]=" + since + "&starting_after=evt_4",
                        "/v1/events?limit=2&" + types + "&ending_before=evt_2");

                List<LoggedRequest> sent = brevo.requests();
                assertThat(sent).extracting(r -> r.getMethod().value() + " " + r.getUrl()).containsExactly(
                        "POST /v3/contacts", "POST /v3/contacts", "POST /v3/contacts",
                        "DELETE /v3/contacts/bob%40example.com?identifierType=email_id");
                assertThat(BrevoStub.body(sent.get(0))).isEqualTo(BrevoStub.json(contact("cee@example.com", "Cee", "cus_3")));
                assertThat(BrevoStub.body(sent.get(1))).isEqualTo(BrevoStub.json(contact("ada@example.com", "Ada L.", "cus_1")));
                assertThat(BrevoStub.body(sent.get(2))).isEqualTo(BrevoStub.json("{\"email\":\"ada@example.com\",\"attributes\":"
                        + "{\"SUBSCRIPTION_STATUS\":\"trialing\",\"PLAN\":\"price_1PgafmB7WZ01zgkW6dKueIc5\"},\"updateEnabled\":true}"));

                // nothing new: one request after the newest event applied, nothing sent
                brevo.answerLikeBrevo();
                stripe.server().resetRequests();
                assertThat(sync(service, "customers").records()).isZero();
                assertThat(stripe.urls()).containsExactly("/v1/events?limit=2&" + types + "&ending_before=evt_5");
                service.awaitOutboxEmpty();
                assertThat(brevo.requests()).isEmpty();
            }
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void a429IsWaitedOutUnderThePaceAndNothingIsLost() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            for (int i = 1; i <= 5; i++) {
                stripe.addCustomer("cus_" + i, "c" + i + "@example.com", "Customer " + i, now - 1000 + i);
            }
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, brevo));
            env.put("STRIPE_SYNC_PAGE_SIZE", "2");
            env.put("STRIPE_SYNC_RATE", "5/s");
            stripe.server().stubFor(StripeStub.request("customers", "starting_after", "cus_4").inScenario("limited")
                    .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("served")
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                            .withBody("{\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Too many requests\"}}")));
            try (RunningService service = RunningService.start(env)) {
                assertThat(sync(service, "customers").records()).isEqualTo(5);
                service.awaitOutboxEmpty();
            }
            List<LoggedRequest> requests = stripe.requests();
            assertThat(stripe.urls()).containsExactly("/v1/customers?limit=2", "/v1/customers?limit=2&starting_after=cus_4",
                    "/v1/customers?limit=2&starting_after=cus_4", "/v1/customers?limit=2&starting_after=cus_2");
            long[] gaps = new long[3];
            for (int i = 0; i < 3; i++) {
                gaps[i] = requests.get(i + 1).getLoggedDate().getTime() - requests.get(i).getLoggedDate().getTime();
            }
            // the stub logs a request once read, a little after it was sent: 200 ms apart when sent, 150+ when logged,
            // and the run's very first request also opens the connection first, so it is logged later still
            // (unpaced, at the 100/s of the other tests, they are about 10 ms apart)
            assertThat(gaps[0]).as("paced at 5/s").isGreaterThanOrEqualTo(100);
            assertThat(gaps[1]).as("Retry-After: 1").isGreaterThanOrEqualTo(950);
            assertThat(gaps[2]).as("paced at 5/s").isGreaterThanOrEqualTo(150);
            assertThat(contactsSent(brevo)).containsExactly("c5@example.com", "c4@example.com", "c3@example.com", "c2@example.com",
                    "c1@example.com");
            assertThat(brevo.requests()).hasSize(5);
            brevo.assertAllRequestsValid();
        }
    }

    private static int deliver(RunningService service, JsonNode event) throws Exception {
        byte[] body = StripeWebhooksTest.compact(event);
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url("/webhooks/stripe"))).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Stripe-Signature", StripeWebhooksTest.header(body, StripeWebhooksTest.SECRET))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String day(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).atZone(ZoneOffset.UTC).toLocalDate().toString();
    }

    @Test
    void listedChargesSetTheirAttributesAndAnEventBothDeliveredAndPulledIsAppliedOnce() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            stripe.addCustomer("cus_1", "jenny@example.com", "Jenny", now - 9000);
            stripe.addCharge("ch_1", "cus_1", 1000, 400, "succeeded", now - 8000);
            stripe.addCharge("ch_2", "cus_1", 2550, 0, "succeeded", now - 7000);
            stripe.addCharge("ch_3", "cus_1", 999, 0, "failed", now - 6000);
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, brevo));
            env.put("STRIPE_WEBHOOK_SECRET", StripeWebhooksTest.SECRET);
            try (RunningService service = RunningService.start(env)) {
                sync(service, "customers");
                service.awaitOutboxEmpty();
                brevo.answerLikeBrevo();
                assertThat(sync(service, "charges").records()).isEqualTo(3);
                service.awaitOutboxEmpty();
                assertThat(stripe.urls()).contains("/v1/charges?limit=100&expand[]=data.customer");
                // history: the attributes, no Brevo event
                assertThat(brevo.requests()).extracting(r -> BrevoStub.body(r)).containsExactly(
                        BrevoStub.json("{\"email\":\"jenny@example.com\",\"attributes\":{\"LAST_PAYMENT_DATE\":\"" + day(now - 7000)
                                + "\"},\"updateEnabled\":true}"),
                        BrevoStub.json("{\"email\":\"jenny@example.com\",\"attributes\":{\"LIFETIME_VALUE\":31.5},\"updateEnabled\":true}"));
                brevo.assertAllRequestsValid();
                brevo.answerLikeBrevo();

                // evt_B is only in /v1/events; evt_A, newer, reaches the service by webhook and is in /v1/events too
                long t = Instant.now().getEpochSecond();
                stripe.addEvent("evt_B", "payment_intent.succeeded", StripeWebhooksTest.fixture("payment-intent")
                        .put("status", "succeeded").put("amount_received", 1500).put("customer", "cus_1"), t + 1);
                ObjectNode charge = stripe.addCharge("ch_4", "cus_1", 500, 0, "succeeded", t + 2).put("receipt_email", "jenny@example.com");
                ObjectNode delivered = stripe.addEvent("evt_A", "charge.succeeded", charge, t + 2);
                assertThat(deliver(service, delivered)).isEqualTo(200);
                service.awaitOutboxEmpty();
                assertThat(brevo.requests()).hasSize(3);  // charge_succeeded, LAST_PAYMENT_DATE, LIFETIME_VALUE 36.5
                brevo.answerLikeBrevo();

                StripeSyncRun run = sync(service, "charges");
                assertThat(run.records()).isEqualTo(1);
                assertThat(run.summary()).contains("1 events seen before");
                // the run moved past the event it had seen before, to the newest one
                assertThat(checkpoint(service, "charges")).contains(new SyncCheckpoint("stripe", "charges",
                        Instant.ofEpochSecond(t + 2).toString(), "evt_A", "events"));
                service.awaitOutboxEmpty();
                // evt_B's payment is older than evt_A's: its LAST_PAYMENT_DATE does not go out, its event does
                assertThat(brevo.requests()).singleElement().satisfies(r -> {
                    assertThat(r.getUrl()).isEqualTo("/v3/events");
                    assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json("{\"event_name\":\"payment_succeeded\",\"event_date\":\""
                            + Instant.ofEpochSecond(t + 1) + "\",\"identifiers\":{\"email_id\":\"jenny@example.com\"},\"event_properties\":"
                            + "{\"id\":\"pi_1PgafyB7WZ01zgkWSjxsAJo3\",\"amount\":1500,\"currency\":\"usd\",\"customer_id\":\"cus_1\"}}"));
                });
            }
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void inRealtimeModeOrWithoutAKeyNothingIsPulledAndInBatchModeWebhooksAreLeftToTheSync() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(StripeApi.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            stripe.addCustomer("cus_1", "ada@example.com", "Ada", now - 9000);
            Map<String, String> realtime = stripe.connect(RunningService.environment(dataDir, brevo));
            realtime.put("TAJO_STRIPE_MODE", "realtime");
            realtime.put("STRIPE_SYNC_CUSTOMERS_CRON", "0/1+*+*+*+*+?");
            Map<String, String> noKey = new java.util.HashMap<>(realtime);
            noKey.put("TAJO_STRIPE_MODE", "hybrid");
            noKey.remove("STRIPE_API_KEY");
            for (Map<String, String> env : List.of(realtime, noKey)) {
                try (RunningService service = RunningService.start(env)) {
                    Thread.sleep(2500);  // two or three schedule ticks
                }
            }
            assertThat(stripe.requests()).isEmpty();

            Map<String, String> batch = stripe.connect(RunningService.environment(dataDir, brevo));
            batch.put("TAJO_STRIPE_MODE", "batch");
            batch.put("STRIPE_WEBHOOK_SECRET", StripeWebhooksTest.SECRET);
            try (RunningService service = RunningService.start(batch)) {
                JsonNode created = StripeStub.event("evt_1", "customer.created", stripe.addCustomer("cus_2", "bo@example.com", "Bo", now), now);
                assertThat(deliver(service, created)).isEqualTo(200);
                service.awaitOutboxEmpty();
            }
            assertThat(brevo.requests()).isEmpty();
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Stripe sync: mode realtime, no scheduled sync", "Stripe sync not connected: STRIPE_API_KEY is not set",
                "Stripe sync scheduled (batch mode)");
    }

    @Test
    void aQuietAccountsWatermarkIsKeptADayOldSoItNeverAgesPastStripesEvents() throws Exception {
        try (StripeStub stripe = new StripeStub()) {
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, null));
            try (RunningService service = RunningService.start(env)) {
                String twoDaysAgo = Instant.ofEpochSecond(now).minus(Duration.ofDays(2)).toString();
                service.store().inTransaction(connection -> {
                    new SyncCheckpoint("stripe", "customers", twoDaysAgo, null, "events").save(connection, System.currentTimeMillis());
                    return null;
                });
                assertThat(sync(service, "customers").records()).isZero();
                SyncCheckpoint moved = checkpoint(service, "customers").orElseThrow();
                assertThat(Duration.between(Instant.parse(moved.watermark()), Instant.now().minus(Duration.ofDays(1))).abs())
                        .isLessThan(Duration.ofMinutes(1));
                assertThat(moved.lastId()).isNull();
                assertThat(moved.cursor()).isEqualTo("events");
            }
            assertThat(stripe.urls()).singleElement().satisfies(u -> assertThat(u).startsWith("/v1/events?").endsWith(
                    "&created[gte]=" + Instant.ofEpochSecond(now).minus(Duration.ofDays(2)).getEpochSecond()));
        }
    }

    @Test
    void aCheckpointOlderThanStripesEventsIsSaidInAWarnAndTheResourceIsListedAgain() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(StripeSync.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            stripe.addCustomer("cus_1", "ada@example.com", "Ada", now - 9000);
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, brevo));
            String old = Instant.ofEpochSecond(now).minus(Duration.ofDays(31)).toString();
            try (RunningService service = RunningService.start(env)) {
                service.store().inTransaction(connection -> {
                    new SyncCheckpoint("stripe", "customers", old, "evt_old", "events").save(connection, System.currentTimeMillis());
                    return null;
                });
                StripeSyncRun run = sync(service, "customers");
                assertThat(run.fromEvents()).isFalse();
                service.awaitOutboxEmpty();
            }
            assertThat(stripe.urls()).containsExactly("/v1/customers?limit=100");
            assertThat(contactsSent(brevo)).containsExactly("ada@example.com");
            brevo.assertAllRequestsValid();
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage).containsExactly("Stripe customers last synced up to "
                        + Instant.ofEpochSecond(now).minus(Duration.ofDays(31)) + ", but Stripe keeps events only 30 days: listing every customers again instead");
    }
}
