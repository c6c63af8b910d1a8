package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ServiceUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Signed Stripe events into POST /webhooks/stripe, and exactly what reaches the Brevo stub. */
public class StripeWebhooksTest {

    public static final String SECRET = "whsec_test_secret";
    static final String PREVIOUS_SECRET = "whsec_previous_secret";
    static final String EMAIL = "jenny.rosen@example.com";
    static final String CUSTOMER_ID = "cus_QXg1o8vcGmoR32";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;
    @RegisterExtension
    final ServiceUnderTest tajo = new ServiceUnderTest();
    final BrevoStub brevo = tajo.brevo();
    RunningService service;
    private int events;

    private void start() throws Exception {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("STRIPE_WEBHOOK_SECRET_PREVIOUS", PREVIOUS_SECRET);
        service = tajo.start(env);
    }

    private List<LoggedRequest> brevoRequests() throws InterruptedException {
        service.awaitOutboxEmpty();
        return brevo.requests();
    }

    public static ObjectNode fixture(String name) {
        try (InputStream in = StripeWebhooksTest.class.getResourceAsStream("/fixtures/stripe/" + name + ".json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An event of {@code type} around {@code object}, created {@code created} (unix seconds). */
    private ObjectNode event(String type, JsonNode object, long created) {
        ObjectNode event = JSON.createObjectNode().put("id", "evt_test_" + (++events)).put("object", "event")
                .put("api_version", "2026-01-28").put("created", created).put("livemode", false).put("type", type);
        event.putObject("data").set("object", object);
        return event;
    }

    public static byte[] compact(JsonNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(long t, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String header(byte[] body, String secret) {
        long t = Instant.now().getEpochSecond();
        return "t=" + t + ",v1=" + sign(t, body, secret);
    }

    private int send(byte[] body, String signatureHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.url("/webhooks/stripe")))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private int deliver(JsonNode event) {
        byte[] body = compact(event);
        return send(body, header(body, SECRET));
    }

    private ObjectNode customer() {
        return fixture("customer").put("email", EMAIL).put("name", "Jenny Rosen");
    }

    /** customer.created, then a clean request log. */
    private void createCustomer() throws Exception {
        assertThat(deliver(event("customer.created", customer(), 1767340000))).isEqualTo(200);
        assertThat(brevoRequests()).hasSize(1);
        brevo.answerLikeBrevo();
    }

    @Test
    void customerCreatedUpsertsTheMappedContact() throws Exception {
        start();
        assertThat(deliver(event("customer.created", customer(), 1767340000))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod().value()).isEqualTo("POST");
            assertThat(r.getUrl()).isEqualTo("/v3/contacts");
            assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json("{\"email\":\"" + EMAIL + "\",\"attributes\":"
                    + "{\"FULLNAME\":\"Jenny Rosen\",\"STRIPE_CUSTOMER_ID\":\"" + CUSTOMER_ID + "\"},\"updateEnabled\":true}"));
        });
    }

    @Test
    void customerUpdatedInTheSameSecondStillApplies() throws Exception {
        start();
        createCustomer();
        assertThat(deliver(event("customer.updated", customer().put("name", "Jenny R."), 1767340000))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r).at("/attributes/FULLNAME").asText()).isEqualTo("Jenny R."));
    }

    @Test
    void customerDeletedDeletesTheRememberedContact() throws Exception {
        start();
        createCustomer();
        assertThat(deliver(event("customer.deleted", fixture("deleted-customer"), 1767340100))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod().value()).isEqualTo("DELETE");
            assertThat(r.getUrl()).isEqualTo("/v3/contacts/jenny.rosen%40example.com?identifierType=email_id");
        });
    }

    @Test
    void invoicePaidTracksAnEventAndSetsTheLastPaymentDate() throws Exception {
        start();
        createCustomer();
        ObjectNode invoice = fixture("invoice").put("status", "paid").put("amount_paid", 1000).put("number", "7FE1103-0001");
        assertThat(deliver(event("invoice.paid", invoice, 1767350000))).isEqualTo(200);

        assertThat(brevoRequests()).extracting(LoggedRequest::getUrl).containsExactlyInAnyOrder("/v3/events", "/v3/contacts");
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/events").get(0))).isEqualTo(BrevoStub.json(
                "{\"event_name\":\"invoice_paid\",\"event_date\":\"2026-01-02T10:33:20Z\",\"identifiers\":{\"email_id\":\"" + EMAIL
                        + "\"},\"event_properties\":{\"id\":\"in_1Pgc6tB7WZ01zgkWu9fdqL6I\",\"amount\":1000,\"currency\":\"usd\","
                        + "\"customer_id\":\"" + CUSTOMER_ID + "\",\"number\":\"7FE1103-0001\"}}"));
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/contacts").get(0))).isEqualTo(BrevoStub.json(
                "{\"email\":\"" + EMAIL + "\",\"attributes\":{\"LAST_PAYMENT_DATE\":\"2026-01-02\"},\"updateEnabled\":true}"));
    }

    private ObjectNode charge(String id, long amount, long refunded) {
        return fixture("charge").put("id", id).put("amount", amount).put("amount_refunded", refunded).put("receipt_email", EMAIL);
    }

    private List<String> lifetimeValues() throws InterruptedException {
        return brevoRequests().stream().map(BrevoStub::body).filter(b -> b.has("attributes") && b.get("attributes").has("LIFETIME_VALUE"))
                .map(b -> b.at("/attributes/LIFETIME_VALUE").decimalValue().stripTrailingZeros().toPlainString()).toList();
    }

    @Test
    void chargesAddUpToTheLifetimeValueNetOfRefundsEachChargeCountedOnce() throws Exception {
        start();
        assertThat(deliver(event("charge.succeeded", charge("ch_1", 1000, 0), 1767350000))).isEqualTo(200);
        List<LoggedRequest> first = brevoRequests();
        assertThat(first).extracting(LoggedRequest::getUrl).containsExactlyInAnyOrder("/v3/events", "/v3/contacts", "/v3/contacts");
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/events").get(0)).get("event_properties")).isEqualTo(BrevoStub.json(
                "{\"id\":\"ch_1\",\"amount\":1000,\"currency\":\"usd\"}"));
        assertThat(lifetimeValues()).containsExactly("10");

        brevo.answerLikeBrevo();
        assertThat(deliver(event("charge.succeeded", charge("ch_2", 2550, 0), 1767350100))).isEqualTo(200);
        assertThat(lifetimeValues()).containsExactly("35.5");

        brevo.answerLikeBrevo();
        assertThat(deliver(event("charge.refunded", charge("ch_1", 1000, 400), 1767350200))).isEqualTo(200);
        assertThat(brevoRequests()).extracting(LoggedRequest::getUrl).containsExactlyInAnyOrder("/v3/events", "/v3/contacts");
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/events").get(0)).at("/event_properties/amount").asLong()).isEqualTo(400);
        assertThat(lifetimeValues()).containsExactly("31.5");

        brevo.answerLikeBrevo();
        // the charge's success event again, delivered late under another event id: the refund stays counted
        assertThat(deliver(event("charge.succeeded", charge("ch_1", 1000, 0), 1767350000))).isEqualTo(200);
        assertThat(lifetimeValues()).containsExactly("31.5");
    }

    @Test
    void subscriptionUpdatedSetsStatusAndPlan() throws Exception {
        start();
        createCustomer();
        assertThat(deliver(event("customer.subscription.updated", fixture("subscription"), 1767350000))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json(
                "{\"email\":\"" + EMAIL + "\",\"attributes\":{\"SUBSCRIPTION_STATUS\":\"active\","
                        + "\"PLAN\":\"price_1PgafmB7WZ01zgkW6dKueIc5\"},\"updateEnabled\":true}")));
    }

    private static final String LAST_PAYMENT = "{\"email\":\"" + EMAIL + "\",\"attributes\":{\"LAST_PAYMENT_DATE\":\"2026-01-02\"},"
            + "\"updateEnabled\":true}";

    private ObjectNode checkoutSession(String paymentStatus) {
        ObjectNode session = fixture("checkout-session").put("status", "complete").put("payment_status", paymentStatus)
                .put("amount_total", 2000).put("currency", "usd");
        ((ObjectNode) session.get("customer_details")).put("email", EMAIL);
        return session;
    }

    @Test
    void checkoutSessionCompletedTracksAnEventAndSetsTheLastPaymentDate() throws Exception {
        start();
        assertThat(deliver(event("checkout.session.completed", checkoutSession("paid"), 1767350000))).isEqualTo(200);
        assertThat(brevoRequests()).extracting(LoggedRequest::getUrl).containsExactlyInAnyOrder("/v3/events", "/v3/contacts");
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/events").get(0))).isEqualTo(BrevoStub.json(
                "{\"event_name\":\"checkout_completed\",\"event_date\":\"2026-01-02T10:33:20Z\",\"identifiers\":{\"email_id\":\"" + EMAIL
                        + "\"},\"event_properties\":{\"id\":\"cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY\","
                        + "\"amount\":2000,\"currency\":\"usd\",\"payment_status\":\"paid\"}}"));
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/contacts").get(0))).isEqualTo(BrevoStub.json(LAST_PAYMENT));
    }

    @Test
    void aCheckoutCompletedButNotYetPaidIsAnEventButNoPayment() throws Exception {
        start();
        // a bank debit: the session completes, the money comes days later (checkout.session.async_payment_succeeded)
        assertThat(deliver(event("checkout.session.completed", checkoutSession("unpaid"), 1767350000))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getUrl()).isEqualTo("/v3/events");
            assertThat(BrevoStub.body(r).at("/event_properties/payment_status").asText()).isEqualTo("unpaid");
        });
    }

    @Test
    void paymentIntentSucceededTracksTheAmountReceivedForTheCustomersContact() throws Exception {
        start();
        createCustomer();
        ObjectNode intent = fixture("payment-intent").put("status", "succeeded").put("amount_received", 1099)
                .put("customer", CUSTOMER_ID);
        assertThat(deliver(event("payment_intent.succeeded", intent, 1767350000))).isEqualTo(200);
        assertThat(brevoRequests()).extracting(LoggedRequest::getUrl).containsExactlyInAnyOrder("/v3/events", "/v3/contacts");
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/events").get(0))).isEqualTo(BrevoStub.json(
                "{\"event_name\":\"payment_succeeded\",\"event_date\":\"2026-01-02T10:33:20Z\",\"identifiers\":{\"email_id\":\"" + EMAIL
                        + "\"},\"event_properties\":{\"id\":\"pi_1PgafyB7WZ01zgkWSjxsAJo3\",\"amount\":1099,\"currency\":\"usd\","
                        + "\"customer_id\":\"" + CUSTOMER_ID + "\"}}"));
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/contacts").get(0))).isEqualTo(BrevoStub.json(LAST_PAYMENT));
    }

    private static String subscriptionContact(String status) {
        return "{\"email\":\"" + EMAIL + "\",\"attributes\":{\"SUBSCRIPTION_STATUS\":\"" + status + "\","
                + "\"PLAN\":\"price_1PgafmB7WZ01zgkW6dKueIc5\"},\"updateEnabled\":true}";
    }

    @Test
    void subscriptionCreatedThenActivatedInTheSameSecondEndsActive() throws Exception {
        start();
        createCustomer();
        assertThat(deliver(event("customer.subscription.created", fixture("subscription").put("status", "incomplete"), 1767350000)))
                .isEqualTo(200);
        assertThat(brevoRequests()).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json(subscriptionContact("incomplete"))));
        brevo.answerLikeBrevo();
        // the first payment goes through within the second the subscription was created
        assertThat(deliver(event("customer.subscription.updated", fixture("subscription"), 1767350000))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json(subscriptionContact("active"))));
    }

    @Test
    void subscriptionDeletedSetsTheStatusCanceled() throws Exception {
        start();
        createCustomer();
        assertThat(deliver(event("customer.subscription.updated", fixture("subscription"), 1767350000))).isEqualTo(200);
        assertThat(brevoRequests()).hasSize(1);
        brevo.answerLikeBrevo();
        // Stripe sends the subscription as it was when it ended, its status canceled or not yet
        assertThat(deliver(event("customer.subscription.deleted", fixture("subscription").put("status", "active"), 1767350000)))
                .isEqualTo(200);
        assertThat(brevoRequests()).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json(subscriptionContact("canceled"))));
    }

    @Test
    void badSignaturesExpiredTimestampsAndAMissingHeaderAre401() throws Exception {
        start();
        byte[] body = compact(event("customer.created", customer(), 1767340000));
        String valid = header(body, SECRET);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("Jenny", "Eve").getBytes(StandardCharsets.UTF_8);
        assertThat(send(tampered, valid)).as("tampered body").isEqualTo(401);
        long old = Instant.now().getEpochSecond() - 301;
        assertThat(send(body, "t=" + old + ",v1=" + sign(old, body, SECRET))).as("expired timestamp").isEqualTo(401);
        assertThat(send(body, null)).as("no header").isEqualTo(401);
        assertThat(send(body, header(body, "whsec_some_other_secret"))).as("wrong secret").isEqualTo(401);
        assertThat(send(body, "v1=" + sign(Instant.now().getEpochSecond(), body, SECRET))).as("no timestamp").isEqualTo(401);
        assertThat(brevoRequests()).isEmpty();
        assertThat(service.outbox().pending()).isZero();
    }

    @Test
    void thePreviousSecretAndASecondMatchingV1AreAccepted() throws Exception {
        start();
        byte[] first = compact(event("customer.created", customer(), 1767340000));
        assertThat(send(first, header(first, PREVIOUS_SECRET))).as("previous secret").isEqualTo(200);
        brevoRequests();  // delivered before the update comes; had both waited, only the newer would go out
        byte[] second = compact(event("customer.updated", customer().put("name", "Jenny R."), 1767340100));
        long t = Instant.now().getEpochSecond();
        assertThat(send(second, "t=" + t + ",v1=" + sign(t, second, "whsec_rolled_away") + ",v1=" + sign(t, second, SECRET)))
                .as("only the second v1 matches").isEqualTo(200);
        assertThat(brevoRequests()).hasSize(2);
    }

    @Test
    void theSameEventTwiceIsWrittenOnce() throws Exception {
        start();
        byte[] body = compact(event("customer.created", customer(), 1767340000));
        assertThat(send(body, header(body, SECRET))).isEqualTo(200);
        assertThat(send(body, header(body, SECRET))).isEqualTo(200);
        assertThat(brevoRequests()).hasSize(1);
    }

    @Test
    void anUnknownTypeIsAcknowledgedAndIgnored() throws Exception {
        start();
        assertThat(deliver(event("plan.created", JSON.createObjectNode().put("id", "price_1").put("object", "plan"), 1767340000)))
                .isEqualTo(200);
        assertThat(brevoRequests()).isEmpty();
    }
}
