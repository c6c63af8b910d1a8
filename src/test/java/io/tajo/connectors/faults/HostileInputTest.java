package io.tajo.connectors.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.StripeWebhooksTest;
import io.tajo.connectors.WooCommerceWebhooksTest;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and broken deliveries into every webhook endpoint of one service that has every connector configured:
 * each is answered the status code the README documents, and none of them reaches the Brevo stub. The table is
 * {@link #cases()}; the unavailable store, which needs a service of its own, is the last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int ONE_MIB = 1024 * 1024;
    private static final String BREVO_TOKEN = "brevo-webhook-token-hostile";

    private BrevoStub brevo;
    private HubSpotStub hubspot;
    private RunningService service;

    /** One delivery: bytes and headers. */
    record Delivery(byte[] body, Map<String, String> headers) {

        Delivery withHeader(String name, String value) {
            Map<String, String> changed = new LinkedHashMap<>(headers);
            changed.put(name, value);
            return new Delivery(body, changed);
        }
    }

    /**
     * A webhook endpoint: how its platform signs a body for a topic (a header for Shopify and WooCommerce; Stripe,
     * HubSpot and Brevo name the event in the body), a contact delivery, and a delivery of a topic nobody handles.
     */
    record Endpoint(String name, String topicHeader, BiFunction<byte[], String, Map<String, String>> signer, Delivery contact,
                    Delivery unknownTopic) {

        Delivery signed(byte[] body) {
            return new Delivery(body, signer.apply(body, null));
        }

        /** {@code delivery}'s JSON followed by spaces up to {@code length} bytes, signed again under its topic. */
        Delivery paddedTo(Delivery delivery, int length) {
            byte[] body = Arrays.copyOf(delivery.body(), length);
            Arrays.fill(body, delivery.body().length, length, (byte) ' ');
            return new Delivery(body, signer.apply(body, topicHeader == null ? null : delivery.headers().get(topicHeader)));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Endpoint shopify() {
        BiFunction<byte[], String, Map<String, String>> sign = (body, topic) ->
                ShopifyWebhookSender.headers(topic == null ? "customers/create" : topic, body);
        byte[] customer = ShopifyWebhookSender.compact(ShopifyWebhookSender.fixture("customers-create"));
        return new Endpoint("shopify", "X-Shopify-Topic", sign, new Delivery(customer, sign.apply(customer, "customers/create")),
                new Delivery(customer, sign.apply(customer, "app/uninstalled")));
    }

    static Endpoint stripe() {
        BiFunction<byte[], String, Map<String, String>> sign = (body, topic) -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json; charset=utf-8");
            headers.put("Stripe-Signature", StripeWebhooksTest.header(body, StripeWebhooksTest.SECRET));
            return headers;
        };
        byte[] created = stripeEvent("customer.created");
        byte[] unknown = stripeEvent("plan.created");
        return new Endpoint("stripe", null, sign, new Delivery(created, sign.apply(created, null)), new Delivery(unknown, sign.apply(unknown, null)));
    }

    private static byte[] stripeEvent(String type) {
        ObjectNode event = JSON.createObjectNode().put("id", "evt_" + UUID.randomUUID().toString().replace("-", ""))
                .put("object", "event").put("created", Instant.now().getEpochSecond()).put("type", type);
        event.putObject("data").set("object", StripeWebhooksTest.fixture("customer").put("email", "jenny.rosen@example.com"));
        return StripeWebhooksTest.compact(event);
    }

    static Endpoint hubspot() {
        BiFunction<byte[], String, Map<String, String>> sign = (body, topic) ->
                HubSpotStub.headers(HubSpotStub.PUBLIC_URL + "/webhooks/hubspot", body, HubSpotStub.CLIENT_SECRET, System.currentTimeMillis());
        byte[] creation = HubSpotStub.body(List.of(HubSpotStub.event(1, "contact.creation", 101, System.currentTimeMillis())));
        byte[] unknown = HubSpotStub.body(List.of(HubSpotStub.event(2, "contact.associationChange", 101, System.currentTimeMillis())));
        return new Endpoint("hubspot", null, sign, new Delivery(creation, sign.apply(creation, null)), new Delivery(unknown, sign.apply(unknown, null)));
    }

    static Endpoint woocommerce() {
        BiFunction<byte[], String, Map<String, String>> sign = (body, topic) ->
                WooCommerceWebhooksTest.headers(topic == null ? "customer.created" : topic, body, WooCommerceWebhooksTest.SECRET);
        byte[] customer = ShopifyWebhookSender.compact(WooCommerceWebhooksTest.customer());
        return new Endpoint("woocommerce", "X-WC-Webhook-Topic", sign, new Delivery(customer, sign.apply(customer, "customer.created")),
                new Delivery(customer, sign.apply(customer, "order.created")));
    }

    static Endpoint brevo() {
        BiFunction<byte[], String, Map<String, String>> sign = (body, topic) -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("Authorization", "Bearer " + BREVO_TOKEN);
            return headers;
        };
        byte[] unsubscribe = brevoEvent("unsubscribe");
        byte[] unknown = brevoEvent("opened");
        return new Endpoint("brevo", null, sign, new Delivery(unsubscribe, sign.apply(unsubscribe, null)), new Delivery(unknown, sign.apply(unknown, null)));
    }

    private static byte[] brevoEvent(String event) {
        long ts = Instant.now().getEpochSecond();
        return ShopifyWebhookSender.compact(JSON.createObjectNode().put("id", 1_234_567).put("camp_id", 12)
                .put("email", "ann@example.com").put("event", event).put("ts_sent", ts).put("ts_event", ts).put("ts", ts)
                .put("date_event", "2026-11-20 10:05:00"));
    }

    static Stream<Endpoint> endpoints() {
        return Stream.of(shopify(), stripe(), hubspot(), woocommerce(), brevo());
    }

    /** A record cut short: not JSON. */
    private static final byte[] NOT_JSON = "{\"id\": 1, \"email\": ".getBytes(StandardCharsets.UTF_8);

    /** endpoint, case, the delivery, and the status the README documents for it. */
    static Stream<Arguments> cases() {
        return endpoints().flatMap(endpoint -> Stream.of(
                Arguments.of(endpoint, "malformed JSON, correctly signed", endpoint.signed(NOT_JSON), 400),
                Arguments.of(endpoint, "an empty body, correctly signed", endpoint.signed(new byte[0]), 400),
                Arguments.of(endpoint, "wrong content type (text/plain), correctly signed",
                        endpoint.contact().withHeader("Content-Type", "text/plain"), 415),
                // WooCommerce takes form posts for its unsigned ping; the form parser leaves no raw bytes to verify
                Arguments.of(endpoint, "a form post, correctly signed",
                        endpoint.contact().withHeader("Content-Type", "application/x-www-form-urlencoded"),
                        endpoint.name().equals("woocommerce") ? 401 : 415),
                Arguments.of(endpoint, "GET", null, 405),
                Arguments.of(endpoint, "exactly 1 MiB + 1 byte, correctly signed", endpoint.paddedTo(endpoint.contact(), ONE_MIB + 1), 413),
                // the limit itself is allowed: an unknown topic padded to exactly 1 MiB is read and ignored
                Arguments.of(endpoint, "an unknown topic of exactly 1 MiB", endpoint.paddedTo(endpoint.unknownTopic(), ONE_MIB), 200),
                Arguments.of(endpoint, "unknown topic", endpoint.unknownTopic(), 200)));
    }

    @BeforeAll
    void start(@TempDir Path dataDir) throws Exception {
        brevo = new BrevoStub();
        hubspot = new HubSpotStub();
        hubspot.answerBatchRead(List.of(HubSpotStub.contact(101, "ada@example.com", "Ada", "Lovelace", "613-555-0134", "2026-01-02T10:00:00Z")));
        service = RunningService.start(configured(RunningService.environment(dataDir, brevo)));
    }

    /** Every connector's webhook configured. */
    private Map<String, String> configured(Map<String, String> env) {
        hubspot.connect(env);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("STRIPE_WEBHOOK_SECRET", StripeWebhooksTest.SECRET);
        env.put("WOOCOMMERCE_WEBHOOK_SECRET", WooCommerceWebhooksTest.SECRET);
        env.put("TAJO_BREVO_WEBHOOK_TOKEN", BREVO_TOKEN);
        return env;
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        hubspot.close();
        brevo.close();
    }

    private int send(RunningService to, Endpoint endpoint, Delivery delivery) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(to.url("/webhooks/" + endpoint.name())))
                .timeout(Duration.ofSeconds(20));
        if (delivery == null) {
            request.GET();
        } else {
            request.POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
            delivery.headers().forEach(request::header);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void assertNothingReachedBrevo() throws InterruptedException {
        service.awaitOutboxEmpty();
        assertThat(brevo.requests()).extracting(r -> r.getMethod() + " " + r.getUrl()).isEmpty();
        assertThat(new DeadLetters(service.store()).count()).as("dead letters").isZero();
    }

    @ParameterizedTest(name = "{0}: {1} -> {3}")
    @MethodSource("cases")
    void aHostileDeliveryIsAnsweredItsDocumentedStatusAndNothingReachesBrevo(Endpoint endpoint, String kind, Delivery delivery,
                                                                           int documented) throws Exception {
        brevo.server().resetRequests();
        assertThat(send(service, endpoint, delivery)).as(endpoint + ": " + kind).isEqualTo(documented);
        assertNothingReachedBrevo();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aDeliveryReplayedWithinItsToleranceIsAcknowledgedAndSendsNothingMore(Endpoint endpoint) throws Exception {
        Delivery delivery = endpoint.contact();
        assertThat(send(service, endpoint, delivery)).isEqualTo(200);
        service.awaitOutboxEmpty();
        brevo.server().resetRequests();
        assertThat(send(service, endpoint, delivery)).as("the same delivery again").isEqualTo(200);
        assertNothingReachedBrevo();
    }

    @Test
    void aStripeEventSignedOutsideItsToleranceIs401AndSendsNothing() throws Exception {
        brevo.server().resetRequests();
        byte[] body = stripeEvent("customer.created");
        for (long skew : List.of(-301L, 301L)) {
            long t = Instant.now().getEpochSecond() + skew;
            Delivery replayed = new Delivery(body, Map.of("Content-Type", "application/json",
                    "Stripe-Signature", "t=" + t + ",v1=" + StripeWebhooksTest.sign(t, body, StripeWebhooksTest.SECRET)));
            assertThat(send(service, stripe(), replayed)).as("signed %+d s from now", skew).isEqualTo(401);
        }
        assertNothingReachedBrevo();
    }

    @Test
    void aHubSpotDeliverySignedLongerAgoThanItsToleranceIs401AndSendsNothing() throws Exception {
        brevo.server().resetRequests();
        Endpoint hubspot = hubspot();
        byte[] body = hubspot.contact().body();
        long sixMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(6).toMillis();
        Delivery replayed = new Delivery(body,
                HubSpotStub.headers(HubSpotStub.PUBLIC_URL + "/webhooks/hubspot", body, HubSpotStub.CLIENT_SECRET, sixMinutesAgo));
        assertThat(send(service, hubspot, replayed)).isEqualTo(401);
        assertNothingReachedBrevo();
    }

    @Test
    void withTheStoreUnavailableEveryEndpointAnswers503SoThePlatformRetries(@TempDir Path otherDataDir) throws Exception {
        try (BrevoStub otherBrevo = new BrevoStub();
             RunningService down = RunningService.start(configured(RunningService.environment(otherDataDir, otherBrevo)))) {
            down.store().close();
            for (Endpoint endpoint : endpoints().toList()) {
                assertThat(send(down, endpoint, endpoint.contact())).as(endpoint.name()).isEqualTo(503);
            }
            Thread.sleep(500);
            assertThat(otherBrevo.requests()).isEmpty();
        }
    }
}
