package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One person, one contact: the same email seen by Shopify, Stripe and HubSpot becomes one Brevo contact, each platform
 * keeps its id in its own attribute, and no platform blanks what another one set. Brevo upserts by email and
 * merges the attributes a request names (updateEnabled), so the contact Brevo ends with is the requests folded
 * in order; the test folds them the same way.
 */
class OnePersonOneContactTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    @Test
    void theSameEmailFromShopifyStripeAndHubSpotIsOneContactWithEachPlatformsId() throws Exception {
        String stripeCustomerId = StripeWebhooksTest.CUSTOMER_ID;
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
            env.put("STRIPE_WEBHOOK_SECRET", StripeWebhooksTest.SECRET);
            try (RunningService service = RunningService.start(env)) {
                // Shopify: bob@biller.com, first and last name, no phone
                ObjectNode shopifyCustomer = ShopifyWebhookSender.fixture("customers-create");
                shopifyCustomer.putNull("phone");
                assertThat(new ShopifyWebhookSender(service.url("/webhooks/shopify")).deliver("customers/create", shopifyCustomer))
                        .isEqualTo(200);
                service.awaitOutboxEmpty();

                // Stripe: the same person, the email typed in another case, a full name, no phone
                ObjectNode stripeCustomer = StripeWebhooksTest.fixture("customer")
                        .put("email", " Bob@Biller.com").put("name", "Bob Biller").put("id", stripeCustomerId).putNull("phone");
                assertThat(sendStripe(service, "customer.created", stripeCustomer)).isEqualTo(200);
                ObjectNode charge = StripeWebhooksTest.fixture("charge").put("customer", stripeCustomerId)
                        .put("receipt_email", "BOB@biller.com").put("amount", 4200);
                assertThat(sendStripe(service, "charge.succeeded", charge)).isEqualTo(200);
                service.awaitOutboxEmpty();

                // HubSpot: the same person as a CRM contact, with a first name and no last name or phone
                hubspot.answerBatchRead(List.of(HubSpotStub.contact(9001, "bob@BILLER.com", "Bobby", null, null,
                        "2026-01-05T10:00:00Z")));
                byte[] body = HubSpotStub.body(List.of(HubSpotStub.event(1, "contact.creation", 9001, System.currentTimeMillis())));
                assertThat(post(service.url("/webhooks/hubspot"), body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + "/webhooks/hubspot",
                        body, HubSpotStub.CLIENT_SECRET, System.currentTimeMillis()))).isEqualTo(200);
                service.awaitOutboxEmpty();
            }
            brevo.assertAllRequestsValid();

            List<LoggedRequest> contactWrites = brevo.requests().stream()
                    .filter(r -> r.getUrl().startsWith("/v3/contacts")).toList();
            assertThat(contactWrites).extracting(r -> r.getMethod().getName() + " " + r.getUrl())
                    .containsOnly("POST /v3/contacts");
            // every write names the same contact, and none sends an empty value over another platform's
            assertThat(contactWrites).allSatisfy(r -> {
                JsonNode body = BrevoStub.body(r);
                assertThat(body.path("email").asText()).isEqualTo("bob@biller.com");
                assertThat(body.path("updateEnabled").asBoolean()).isTrue();
                body.path("attributes").fields().forEachRemaining(attribute -> assertThat(attribute.getValue().asText())
                        .as(attribute.getKey()).isNotBlank().isNotEqualTo("null"));
            });
            Map<String, JsonNode> contact = fold(contactWrites);
            assertThat(contact).containsEntry("SHOPIFY_CUSTOMER_ID", JSON.getNodeFactory().textNode("706405506930370084"))
                    .containsEntry("STRIPE_CUSTOMER_ID", JSON.getNodeFactory().textNode(stripeCustomerId))
                    .containsEntry("HUBSPOT_CONTACT_ID", JSON.getNodeFactory().textNode("9001"))
                    .containsEntry("FIRSTNAME", JSON.getNodeFactory().textNode("Bobby"))
                    .containsEntry("LASTNAME", JSON.getNodeFactory().textNode("Biller"))
                    .containsEntry("FULLNAME", JSON.getNodeFactory().textNode("Bob Biller"))
                    .containsKey("LAST_PAYMENT_DATE")
                    .containsKey("LIFETIME_VALUE");
            // each platform writes its own id and never another's
            Map<String, String> ids = Map.of("SHOPIFY_CUSTOMER_ID", "shopify", "STRIPE_CUSTOMER_ID", "stripe", "HUBSPOT_CONTACT_ID", "hubspot");
            assertThat(contactWrites).allSatisfy(r -> assertThat(ids.keySet().stream()
                    .filter(id -> BrevoStub.body(r).path("attributes").has(id)).count()).isLessThanOrEqualTo(1));
            assertThat(contactWrites).filteredOn(r -> BrevoStub.body(r).path("attributes").has("HUBSPOT_CONTACT_ID")).singleElement()
                    .satisfies(r -> assertThat(BrevoStub.body(r).path("attributes").has("LASTNAME")).as("HubSpot has no last name")
                            .isFalse());
        }
    }

    /** The contact Brevo ends with: each upsert's attributes merged over the ones before, in order. */
    private static Map<String, JsonNode> fold(List<LoggedRequest> upserts) {
        Map<String, JsonNode> attributes = new LinkedHashMap<>();
        upserts.forEach(r -> BrevoStub.body(r).path("attributes").fields()
                .forEachRemaining(attribute -> attributes.put(attribute.getKey(), attribute.getValue())));
        return attributes;
    }

    private static int post(String url, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int sendStripe(RunningService service, String type, JsonNode object) throws Exception {
        ObjectNode event = JSON.createObjectNode().put("id", "evt_" + type + "_" + System.nanoTime()).put("object", "event")
                .put("created", Instant.now().getEpochSecond()).put("type", type);
        event.putObject("data").set("object", object);
        byte[] body = StripeWebhooksTest.compact(event);
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url("/webhooks/stripe")))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Stripe-Signature", StripeWebhooksTest.header(body, StripeWebhooksTest.SECRET))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
