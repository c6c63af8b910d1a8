package io.tajo.connectors.consent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyStub;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * consent-sync through its real entry points: Brevo's marketing webhook posted to /webhooks/brevo with the bearer
 * token, and Shopify's own consent webhook; WireMock stands in for Shopify's GraphQL Admin API and for Brevo.
 */
class ConsentSyncTest {

    private static final String TOKEN = "brevo-webhook-token-1";
    private static final String CUSTOMER_GID = "gid://shopify/Customer/706405506930370084";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    private BrevoStub brevo;
    private WireMockServer shopify;
    private RunningService service;
    private ShopifyWebhookSender shopifyWebhooks;
    private long ts = 1_790_000_000L;

    @BeforeEach
    void start() throws Exception {
        brevo = new BrevoStub();
        shopify = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        shopify.start();
        answerConsentUpdates();
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
        env.put("SHOPIFY_ACCESS_TOKEN", "shpat_consent_test");
        env.put("SHOPIFY_BASE_URL", "http://127.0.0.1:" + shopify.port());
        env.put("TAJO_SHOPIFY_MODE", "realtime");
        env.put("TAJO_BREVO_WEBHOOK_TOKEN", TOKEN);
        env.put("TAJO_CONSENT_PUSH_INTERVAL_MS", "100");
        env.put("TAJO_CONSENT_RETRY_INITIAL_DELAY", "PT0.5S");
        service = RunningService.start(env);
        shopifyWebhooks = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        shopify.stop();
        brevo.assertAllRequestsValid();
        brevo.close();
    }

    @Test
    void aBrevoUnsubscribeSetsTheShopifyCustomersEmailConsentOnceAndTheEchoesStopThere() throws Exception {
        assertThat(shopifyWebhooks.deliver("customers/create", ShopifyWebhookSender.fixture("customers-create"))).isEqualTo(200);
        service.awaitOutboxEmpty();

        assertThat(brevoEvent(unsubscribe("Bob@Biller.com"), TOKEN)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> mutations().size() == 1);
        JsonNode input = body(mutations().get(0)).at("/variables/input");
        assertThat(input.path("customerId").asText()).isEqualTo(CUSTOMER_GID);
        assertThat(input.at("/emailMarketingConsent/marketingState").asText()).isEqualTo("UNSUBSCRIBED");
        assertThat(body(mutations().get(0)).path("query").asText()).contains("customerEmailMarketingConsentUpdate");
        // the customer was known from its webhook: no search by email
        assertThat(customerSearches()).isEmpty();

        // Shopify tells us of the change we made; Brevo is told (it already has it), and Brevo's own answer to
        // that, another unsubscribe, goes nowhere
        ObjectNode echo = ShopifyWebhookSender.fixture("customers-email-marketing-consent-update");
        ((ObjectNode) echo.path("email_marketing_consent")).put("state", "unsubscribed").put("consent_updated_at", "2026-01-02T10:00:05Z");
        assertThat(shopifyWebhooks.deliver("customers_email_marketing_consent/update", echo)).isEqualTo(200);
        service.awaitOutboxEmpty();
        assertThat(brevoEvent(unsubscribe("bob@biller.com"), TOKEN)).isEqualTo(200);
        assertThat(brevoEvent(hardBounce("bob@biller.com"), TOKEN)).isEqualTo(200);
        Thread.sleep(1000);  // several push intervals: nothing more may reach Shopify
        assertThat(mutations()).hasSize(1);
        assertThat(brevo.requests()).extracting(r -> r.getUrl() + " " + BrevoStub.body(r)).containsExactly(
                "/v3/contacts " + BrevoStub.json("{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Bob\","
                        + "\"LASTNAME\":\"Biller\",\"SHOPIFY_CUSTOMER_ID\":\"706405506930370084\"},\"updateEnabled\":true}"),
                "/v3/contacts " + BrevoStub.json("{\"email\":\"bob@biller.com\",\"emailBlacklisted\":true,\"updateEnabled\":true}"));
    }

    @Test
    void aResubscribeInShopifyLetsTheNextBrevoUnsubscribeThroughAgain() throws Exception {
        assertThat(brevoEvent(unsubscribe("ann@example.com"), TOKEN)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> mutations().size() == 1);

        ObjectNode resubscribed = JSON.createObjectNode().put("customer_id", 42).put("email_address", "ann@example.com");
        resubscribed.putObject("email_marketing_consent").put("state", "subscribed").put("consent_updated_at", "2026-01-03T10:00:00Z");
        assertThat(shopifyWebhooks.deliver("customers_email_marketing_consent/update", resubscribed)).isEqualTo(200);
        assertThat(brevoEvent(spam("ann@example.com"), TOKEN)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> mutations().size() == 2);
    }

    @Test
    void aCustomerNotSeenYetIsFoundByEmailAndOneUnknownToShopifyChangesNothing() throws Exception {
        assertThat(brevoEvent(hardBounce("ann@example.com"), TOKEN)).isEqualTo(200);
        assertThat(brevoEvent(unsubscribe("nobody@example.com"), TOKEN)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> customerSearches().size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> mutations().size() == 1);
        assertThat(customerSearches()).extracting(r -> body(r).at("/variables/query").asText())
                .containsExactly("email:\"ann@example.com\"", "email:\"nobody@example.com\"");
        assertThat(body(mutations().get(0)).at("/variables/input/customerId").asText()).isEqualTo("gid://shopify/Customer/42");
        Thread.sleep(500);
        assertThat(mutations()).hasSize(1);
    }

    @Test
    void aShopifyFailureIsTriedAgainUntilItIsAccepted() throws Exception {
        shopify.resetAll();
        shopify.stubFor(post(urlPathEqualTo(ShopifyStub.GRAPHQL)).atPriority(1).inScenario("down").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        answerConsentUpdates();
        assertThat(brevoEvent(unsubscribe("ann@example.com"), TOKEN)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> mutations().size() == 1);
        assertThat(shopify.getAllServeEvents()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aMissingOrWrongBearerTokenIs401AndChangesNothing() throws Exception {
        assertThat(brevoEvent(unsubscribe("ann@example.com"), null)).isEqualTo(401);
        assertThat(brevoEvent(unsubscribe("ann@example.com"), "not-the-token")).isEqualTo(401);
        assertThat(brevoEvent("{not json".getBytes(), TOKEN)).isEqualTo(400);
        Thread.sleep(600);
        assertThat(shopify.getAllServeEvents()).isEmpty();
    }

    @Test
    void aRepeatedDeliveryAndAContactDeletionChangeNothingMore() throws Exception {
        byte[] event = unsubscribe("ann@example.com");
        assertThat(brevoEvent(event, TOKEN)).isEqualTo(200);
        assertThat(brevoEvent(event, TOKEN)).isEqualTo(200);
        ObjectNode deleted = JSON.createObjectNode().put("event", "contact_deleted").put("email", "zed@example.com")
                .put("id", 7).put("ts_event", ++ts);
        assertThat(brevoEvent(JSON.writeValueAsBytes(deleted), TOKEN)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> mutations().size() == 1);
        Thread.sleep(600);
        assertThat(shopify.getAllServeEvents()).hasSize(2);  // one search for ann, one update
    }

    private void answerConsentUpdates() {
        shopify.stubFor(post(urlPathEqualTo(ShopifyStub.GRAPHQL)).withRequestBody(containing("customerEmailMarketingConsentUpdate"))
                .willReturn(ShopifyStub.json(200, "{\"data\":{\"customerEmailMarketingConsentUpdate\":{\"customer\":"
                        + "{\"id\":\"gid://shopify/Customer/1\"},\"userErrors\":[]}}}")));
        shopify.stubFor(post(urlPathEqualTo(ShopifyStub.GRAPHQL)).withRequestBody(containing("customers(first"))
                .willReturn(ShopifyStub.json(200, "{\"data\":{\"customers\":{\"nodes\":[]}}}")));
        shopify.stubFor(post(urlPathEqualTo(ShopifyStub.GRAPHQL)).withRequestBody(containing("ann@example.com"))
                .withRequestBody(containing("customers(first"))
                .willReturn(ShopifyStub.json(200, "{\"data\":{\"customers\":{\"nodes\":[{\"id\":\"gid://shopify/Customer/42\"}]}}}")));
    }

    private List<LoggedRequest> mutations() {
        return shopifyRequests("customerEmailMarketingConsentUpdate");
    }

    private List<LoggedRequest> customerSearches() {
        return shopifyRequests("customers(first");
    }

    private List<LoggedRequest> shopifyRequests(String containing) {
        return shopify.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getBodyAsString().contains(containing) && r.getHeader("X-Shopify-Access-Token").equals("shpat_consent_test"))
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A marketing webhook body as Brevo posts it. */
    private byte[] event(String name, String email) {
        ObjectNode event = JSON.createObjectNode().put("id", 1_234_567).put("camp_id", 12).put("email", email)
                .put("campaign name", "Spring sale").put("date_sent", "2026-11-20 10:00:00").put("date_event", "2026-11-20 10:05:00")
                .put("event", name).put("tag", "").put("ts_sent", ts).put("ts_event", ++ts).put("ts", ts);
        try {
            return JSON.writeValueAsBytes(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] unsubscribe(String email) {
        return event("unsubscribe", email);
    }

    private byte[] hardBounce(String email) {
        return event("hard_bounce", email);
    }

    private byte[] spam(String email) {
        return event("spam", email);
    }

    private int brevoEvent(byte[] body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.url("/webhooks/brevo")))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
