package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.JarProcess;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A whole run of target/tajo.jar with every connector configured, its output captured to a file, at INFO and at
 * DEBUG: signed deliveries carrying emails and phone numbers from every platform, bad signatures and broken bodies,
 * a Brevo 400 whose message names the email (dead letter), a Brevo 429, and a HubSpot sync through the CLI. Then the
 * captured output is scanned: no email address, no phone number, no secret, token or API key may appear in it.
 */
class LogHygieneIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** An email address, also percent-encoded as in a URL path. */
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", Pattern.CASE_INSENSITIVE);
    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{7,14}");
    /** The fixtures' and this test's phone numbers as the platforms write them. */
    private static final List<String> RAW_PHONES = List.of("555-555-5555", "(613) 555-0134", "613-555-0134", "6135550134",
            "415-555-0199", "4155550199", "(212) 555-0147", "2125550147", "20 7946 0958");

    private static final String WOOCOMMERCE_SECRET = WooCommerceWebhooksTest.SECRET;
    private static final String BREVO_WEBHOOK_TOKEN = "brevo-consent-token-7f3a9c";
    private static final String MASTER_KEY = "log hygiene master key 51c2";
    private static final String REFUSED = "refused.person@example.com";
    private static final String SLOWED = "slowed.person@example.com";

    @TempDir
    Path dataDir;

    @ParameterizedTest(name = "TAJO_LOG_LEVEL={0}")
    @ValueSource(strings = {"INFO", "DEBUG"})
    void aWholeRunLogsNoEmailPhoneNumberOrSecret(String level) throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            brevoRefusesOneContactNamingItsEmailAndRateLimitsAnother(brevo);
            hubspot.answerBatchRead(List.of(HubSpotStub.contact(101, "ada.lovelace@example.com", "Ada", "Lovelace", "613-555-0134",
                    "2026-01-02T10:00:00Z")));
            hubspot.server().stubFor(HubSpotStub.search(Instant.EPOCH, null).willReturn(HubSpotStub.json(HubSpotStub.searchPage(List.of(
                    HubSpotStub.contact(201, "grace.hopper@example.com", "Grace", "Hopper", "(212) 555-0147", "2026-01-03T10:00:00Z"),
                    HubSpotStub.contact(202, "alan.turing@example.com", "Alan", "Turing", "+442079460958", "2026-01-03T11:00:00Z")),
                    null, 2))));
            Map<String, String> env = environment(brevo, hubspot, level);
            List<String> secrets = List.of(env.get("SHOPIFY_API_SECRET"), env.get("STRIPE_WEBHOOK_SECRET"),
                    env.get("HUBSPOT_CLIENT_SECRET"), env.get("HUBSPOT_ACCESS_TOKEN"), env.get("WOOCOMMERCE_WEBHOOK_SECRET"),
                    env.get("TAJO_BREVO_WEBHOOK_TOKEN"), env.get("BREVO_API_KEY"), env.get("TAJO_MASTER_KEY"));

            Path log = dataDir.resolve("tajo.log");
            StringBuilder output = new StringBuilder();
            try (JarProcess tajo = JarProcess.start(env, log)) {
                tajo.awaitHealthy(Duration.ofSeconds(90));
                deliverEverything(tajo);
                Cli.Run sync = JarProcess.run(env, "connectors", "sync", "hubspot", "--resource", "contacts");
                output.append(sync.out()).append(sync.err());
                assertThat(sync.exit()).as(sync.out() + sync.err()).isZero();

                List<String> expected = List.of("bob@biller.com", "jenny.rosen@example.com", "ada.lovelace@example.com",
                        "john.doe@example.com", "grace.hopper@example.com", "alan.turing@example.com", REFUSED, SLOWED);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(brevo.requests("POST", "/v3/contacts"))
                        .extracting(r -> BrevoStub.body(r).path("email").asText()).containsAll(expected));
                Thread.sleep(1000);  // the dead letter's and the 429's log lines
                assertThat(tajo.terminate(Duration.ofSeconds(30))).isZero();
            }
            output.append(Files.readString(log));
            brevo.assertAllRequestsValid();

            String text = output.toString();
            // kept for reading after a failure
            Files.writeString(Path.of("target", "log-hygiene-" + level + ".log"), text);
            assertThat(text).as("the run's output").contains("Brevo delivery enabled").contains("dead-lettered");
            assertThat(matches(EMAIL, text)).as("email addresses in the log").isEmpty();
            assertThat(matches(E164, text)).as("E.164 phone numbers in the log").isEmpty();
            assertThat(RAW_PHONES).as("phone numbers as the platforms write them").noneMatch(text::contains);
            assertThat(secrets).as("secrets, tokens and API keys in the log").noneMatch(text::contains);
        }
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> lines = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            int start = text.lastIndexOf('\n', matcher.start()) + 1;
            int end = text.indexOf('\n', matcher.end());
            lines.add(matcher.group() + "  in: " + text.substring(start, end < 0 ? text.length() : end));
        }
        return lines;
    }

    private Map<String, String> environment(BrevoStub brevo, HubSpotStub hubspot, String level) {
        Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
        env.put("TAJO_LOG_LEVEL", level);
        env.put("TAJO_MASTER_KEY", MASTER_KEY);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
        env.put("STRIPE_WEBHOOK_SECRET", StripeWebhooksTest.SECRET);
        env.put("WOOCOMMERCE_WEBHOOK_SECRET", WOOCOMMERCE_SECRET);
        env.put("TAJO_BREVO_WEBHOOK_TOKEN", BREVO_WEBHOOK_TOKEN);
        env.put("TAJO_CONSENT_TARGETS", "hubspot");
        env.put("TAJO_CONSENT_PUSH_INTERVAL_MS", "200");
        return env;
    }

    /** A 400 naming the email (dead-lettered), and one 429 before a contact goes through. */
    private static void brevoRefusesOneContactNamingItsEmailAndRateLimitsAnother(BrevoStub brevo) {
        brevo.server().stubFor(WireMock.post("/v3/contacts").atPriority(1)
                .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo(REFUSED)))
                .willReturn(BrevoStub.json(400, "{\"code\":\"invalid_parameter\",\"message\":\"Invalid email address "
                        + REFUSED + " (SMS +14155550199)\"}")));
        brevo.server().stubFor(WireMock.post("/v3/contacts").atPriority(1).inScenario("slowed").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo(SLOWED)))
                .willReturn(BrevoStub.json(429, "{\"code\":\"too_many_requests\",\"message\":\"Too many requests for " + SLOWED + "\"}")
                        .withHeader("x-sib-ratelimit-limit", "10").withHeader("x-sib-ratelimit-remaining", "0")
                        .withHeader("x-sib-ratelimit-reset", "1"))
                .willSetStateTo("answered"));
    }

    private static void deliverEverything(JarProcess tajo) throws Exception {
        // Shopify: a customer with an address phone, the refused one, the rate-limited one; a bad signature; not JSON
        ShopifyWebhookSender shopify = new ShopifyWebhookSender(tajo.url("/webhooks/shopify"));
        ObjectNode customer = ShopifyWebhookSender.fixture("customers-create");
        assertThat(shopify.deliver("customers/create", customer)).isEqualTo(200);
        assertThat(shopify.deliver("customers/create", customer.deepCopy().put("id", 2).put("email", REFUSED).put("phone", "+14155550199")))
                .isEqualTo(200);
        assertThat(shopify.deliver("customers/create", customer.deepCopy().put("id", 3).put("email", SLOWED))).isEqualTo(200);
        assertThat(shopify.deliver("customers/create", customer, h -> h.put("X-Shopify-Hmac-Sha256", "bm90IGl0"))).isEqualTo(401);
        byte[] broken = "{\"email\":\"broken.json@example.com\",".getBytes(StandardCharsets.UTF_8);
        assertThat(shopify.send(broken, ShopifyWebhookSender.headers("customers/create", broken))).isEqualTo(400);

        // Stripe: a customer with an email and a phone; a bad signature
        ObjectNode event = JSON.createObjectNode().put("id", "evt_log_1").put("object", "event")
                .put("created", Instant.now().getEpochSecond()).put("type", "customer.created");
        event.putObject("data").set("object", StripeWebhooksTest.fixture("customer").put("email", "jenny.rosen@example.com")
                .put("name", "Jenny Rosen").put("phone", "415-555-0199"));
        byte[] stripeBody = StripeWebhooksTest.compact(event);
        assertThat(post(tajo.url("/webhooks/stripe"), stripeBody, Map.of("Content-Type", "application/json",
                "Stripe-Signature", StripeWebhooksTest.header(stripeBody, StripeWebhooksTest.SECRET)))).isEqualTo(200);
        assertThat(post(tajo.url("/webhooks/stripe"), stripeBody, Map.of("Content-Type", "application/json",
                "Stripe-Signature", StripeWebhooksTest.header(stripeBody, "whsec_not_the_secret")))).isEqualTo(401);

        // HubSpot: a contact creation (the contact is read from HubSpot); a bad signature
        byte[] hubspotBody = HubSpotStub.body(List.of(HubSpotStub.event(1, "contact.creation", 101, System.currentTimeMillis())));
        String hubspotUrl = HubSpotStub.PUBLIC_URL + "/webhooks/hubspot";
        assertThat(post(tajo.url("/webhooks/hubspot"), hubspotBody,
                HubSpotStub.headers(hubspotUrl, hubspotBody, HubSpotStub.CLIENT_SECRET, System.currentTimeMillis()))).isEqualTo(200);
        assertThat(post(tajo.url("/webhooks/hubspot"), hubspotBody,
                HubSpotStub.headers(hubspotUrl, hubspotBody, "not-the-secret", System.currentTimeMillis()))).isEqualTo(401);

        // WooCommerce: a customer with a billing phone; a bad signature
        byte[] wooBody = ShopifyWebhookSender.compact(WooCommerceWebhooksTest.customer());
        assertThat(post(tajo.url("/webhooks/woocommerce"), wooBody, WooCommerceWebhooksTest.headers("customer.created", wooBody,
                WOOCOMMERCE_SECRET))).isEqualTo(200);
        assertThat(post(tajo.url("/webhooks/woocommerce"), wooBody, WooCommerceWebhooksTest.headers("customer.created", wooBody,
                "not-the-secret"))).isEqualTo(401);

        // Brevo's consent webhook: an unsubscribe (pushed to HubSpot, whose stub does not know the call: retried); a wrong token
        long ts = Instant.now().getEpochSecond();
        byte[] unsubscribe = ShopifyWebhookSender.compact(JSON.createObjectNode().put("id", 99).put("camp_id", 12)
                .put("email", "unsubscribed.person@example.com").put("event", "unsubscribe").put("ts_event", ts).put("ts", ts)
                .put("date_event", "2026-11-20 10:05:00"));
        assertThat(post(tajo.url("/webhooks/brevo"), unsubscribe, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + BREVO_WEBHOOK_TOKEN))).isEqualTo(200);
        assertThat(post(tajo.url("/webhooks/brevo"), unsubscribe, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer wrong-" + BREVO_WEBHOOK_TOKEN))).isEqualTo(401);
    }

    private static int post(String url, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
