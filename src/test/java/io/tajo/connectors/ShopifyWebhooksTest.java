package io.tajo.connectors;

import static io.tajo.connectors.testing.ShopifyWebhookSender.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.ShopifyStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ServiceUnderTest;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** Signed Shopify deliveries into POST /webhooks/shopify, and exactly what reaches the Brevo stub. */
class ShopifyWebhooksTest {

    @TempDir
    Path dataDir;
    @RegisterExtension
    final ServiceUnderTest tajo = new ServiceUnderTest();
    final BrevoStub brevo = tajo.brevo();
    RunningService service;
    ShopifyWebhookSender shopify;

    private void start(String mappingFile) throws Exception {
        start(mappingFile, Map.of());
    }

    private void start(String mappingFile, Map<String, String> settings) throws Exception {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.putAll(settings);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
        if (mappingFile != null) {
            Path mappings = Files.createDirectories(dataDir.resolve("mappings"));
            Files.writeString(mappings.resolve("shopify.yaml"), mappingFile);
            env.put("TAJO_MAPPINGS_DIR", mappings.toString());
        }
        service = tajo.start(env);
        shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
    }

    private List<LoggedRequest> brevoRequests() throws InterruptedException {
        service.awaitOutboxEmpty();
        return brevo.requests();
    }

    private static JsonNode json(String json) {
        return BrevoStub.json(json);
    }

    @Test
    void customerCreateAndUpdateUpsertTheMappedContact() throws Exception {
        start(null);
        assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
        brevoRequests();  // delivered before the update comes; had both waited, only the newer would go out
        ObjectNode update = fixture("customers-update");
        update.put("updated_at", "2022-01-05T10:00:00-05:00").put("first_name", "Robert");
        assertThat(shopify.deliver("customers/update", update)).isEqualTo(200);

        List<LoggedRequest> requests = brevoRequests();
        assertThat(requests).extracting(LoggedRequest::getUrl).containsExactly("/v3/contacts", "/v3/contacts");
        assertThat(BrevoStub.body(requests.get(0))).isEqualTo(json(
                "{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Bob\",\"LASTNAME\":\"Biller\",\"SHOPIFY_CUSTOMER_ID\":\"706405506930370084\"},\"updateEnabled\":true}"));
        assertThat(BrevoStub.body(requests.get(1)).at("/attributes/FIRSTNAME").asText()).isEqualTo("Robert");
    }

    @Test
    void theSameDeliveryThreeTimesIsWrittenOnceAndAnOlderUpdateIsNotApplied() throws Exception {
        start(null);
        ObjectNode newer = fixture("customers-update");
        newer.put("updated_at", "2022-02-01T10:00:00-05:00").put("first_name", "Newer");
        byte[] body = ShopifyWebhookSender.compact(newer);
        Map<String, String> headers = ShopifyWebhookSender.headers("customers/update", body);
        for (int i = 0; i < 3; i++) {
            assertThat(shopify.send(body, headers)).isEqualTo(200);
        }
        ObjectNode older = fixture("customers-update");
        older.put("updated_at", "2022-01-01T10:00:00-05:00").put("first_name", "Older");
        assertThat(shopify.deliver("customers/update", older)).isEqualTo(200);

        assertThat(brevoRequests()).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r).at("/attributes/FIRSTNAME").asText()).isEqualTo("Newer"));
    }

    @Test
    void deliveriesArrivingTogetherAreEachCommittedOnceAndReachBrevoOnce() throws Exception {
        start(null, Map.of("BREVO_RATE_CONTACTS", "1000/s"));
        // 300 customers, each delivery sent twice, all from 16 connections at once: the commits are shared (group
        // commit), and neither a repeat nor a neighbour in the same commit changes what each delivery does
        List<byte[]> bodies = new ArrayList<>();
        List<Map<String, String>> headers = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            ObjectNode customer = fixture("customers-update");
            customer.put("id", 9_000_000L + n).put("email", "together" + n + "@example.com");
            byte[] body = ShopifyWebhookSender.compact(customer);
            bodies.add(body);
            headers.add(ShopifyWebhookSender.headers("customers/update", body));
        }
        List<Integer> order = new ArrayList<>();
        for (int n = 0; n < 600; n++) {
            order.add(n % 300);
        }
        Collections.shuffle(order, new Random(7));
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int n : order) {
                statuses.add(senders.submit(() -> shopify.send(bodies.get(n), headers.get(n))));
            }
            for (Future<Integer> status : statuses) {
                assertThat(status.get()).isEqualTo(200);
            }
        } finally {
            senders.shutdown();
        }

        brevoRequests();
        List<String> expected = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            expected.add("together" + n + "@example.com");
        }
        assertThat(brevo.contactEmails()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void customerDeleteTakesAKnownContactOffTheListOrDeletesItPerDeleteBehavior() throws Exception {
        start("""
                customers:
                  list_id: 12
                  delete_behavior: soft
                  field_mapping:
                    email: email
                    first_name: FIRSTNAME
                """);
        shopify.deliver("customers/create", fixture("customers-create"));
        brevoRequests();
        brevo.answerLikeBrevo();
        assertThat(shopify.deliver("customers/delete", fixture("customers-delete"))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod().value()).isEqualTo("PUT");
            assertThat(r.getUrl()).isEqualTo("/v3/contacts/bob%40biller.com?identifierType=email_id");
            assertThat(BrevoStub.body(r)).isEqualTo(json("{\"unlinkListIds\":[12]}"));
        });
    }

    @Test
    void customerDeleteWithHardBehaviorDeletesTheContact() throws Exception {
        start("""
                customers:
                  delete_behavior: hard
                  field_mapping:
                    email: email
                """);
        shopify.deliver("customers/create", fixture("customers-create"));
        brevoRequests();
        brevo.answerLikeBrevo();
        shopify.deliver("customers/delete", fixture("customers-delete"));
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod().value()).isEqualTo("DELETE");
            assertThat(r.getUrl()).isEqualTo("/v3/contacts/bob%40biller.com?identifierType=email_id");
        });
    }

    @Test
    void consentUpdatesSetTheBlacklistFlags() throws Exception {
        start(null);
        shopify.deliver("customers/create", fixture("customers-create"));
        brevoRequests();
        brevo.answerLikeBrevo();

        assertThat(shopify.deliver("customers_email_marketing_consent/update",
                fixture("customers-email-marketing-consent-update"))).isEqualTo(200);
        ObjectNode sms = fixture("customers-marketing-consent-update");
        ((ObjectNode) sms.get("sms_marketing_consent")).put("state", "subscribed");
        assertThat(shopify.deliver("customers_marketing_consent/update", sms)).isEqualTo(200);

        assertThat(brevoRequests()).extracting(BrevoStub::body).containsExactlyInAnyOrder(
                json("{\"email\":\"bob@biller.com\",\"emailBlacklisted\":true,\"updateEnabled\":true}"),
                json("{\"email\":\"bob@biller.com\",\"smsBlacklisted\":false,\"updateEnabled\":true}"));
    }

    @Test
    void anOrderBecomesABrevoOrderAnEventAndTheBuyersOrderAttributes() throws Exception {
        start(null);
        ObjectNode order = fixture("orders-create");
        order.putNull("cancelled_at");
        order.put("financial_status", "paid");
        assertThat(shopify.deliver("orders/paid", order)).isEqualTo(200);

        List<LoggedRequest> requests = brevoRequests();
        assertThat(requests).extracting(LoggedRequest::getUrl)
                .containsExactlyInAnyOrder("/v3/orders/status", "/v3/events", "/v3/contacts");
        JsonNode brevoOrder = BrevoStub.body(brevo.requests("POST", "/v3/orders/status").get(0));
        assertThat(brevoOrder.get("id").asText()).isEqualTo("820982911946154508");
        assertThat(brevoOrder.get("status").asText()).isEqualTo("paid");
        assertThat(brevoOrder.get("amount").decimalValue()).isEqualByComparingTo("404.95");
        assertThat(brevoOrder.get("createdAt").asText()).isEqualTo("2022-01-01T00:00:00Z");
        assertThat(brevoOrder.at("/identifiers/email_id").asText()).isEqualTo("jon@example.com");
        assertThat(brevoOrder.get("products")).hasSize(5);
        assertThat(brevoOrder.get("products").get(0)).isEqualTo(json(
                "{\"productId\":\"788032119674292922\",\"quantity\":1,\"price\":89.99}"));

        JsonNode event = BrevoStub.body(brevo.requests("POST", "/v3/events").get(0));
        assertThat(event.get("event_name").asText()).isEqualTo("order_paid");
        assertThat(event.at("/identifiers/email_id").asText()).isEqualTo("jon@example.com");
        assertThat(event.get("event_properties")).isEqualTo(json(
                "{\"order_id\":\"820982911946154508\",\"order_name\":\"#9999\",\"amount\":\"404.95\",\"currency\":\"USD\",\"items\":5}"));

        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/contacts").get(0))).isEqualTo(json(
                "{\"email\":\"jon@example.com\",\"attributes\":{\"ORDER_COUNT\":1,\"TOTAL_SPENT\":404.95,"
                        + "\"LAST_ORDER_DATE\":\"2022-01-01\"},\"updateEnabled\":true}"));
    }

    @Test
    void aCancelledOrderIsNoLongerCountedInTheBuyersTotals() throws Exception {
        start(null);
        ObjectNode order = fixture("orders-create");
        order.putNull("cancelled_at");
        shopify.deliver("orders/create", order);
        brevoRequests();
        brevo.answerLikeBrevo();
        ObjectNode cancelled = fixture("orders-create");
        cancelled.put("updated_at", "2022-01-02T09:00:00-05:00");
        shopify.deliver("orders/cancelled", cancelled);

        assertThat(BrevoStub.body(brevoRequests().stream().filter(r -> r.getUrl().equals("/v3/contacts")).findFirst().orElseThrow()))
                .isEqualTo(json("{\"email\":\"jon@example.com\",\"attributes\":{\"ORDER_COUNT\":0,\"TOTAL_SPENT\":0},\"updateEnabled\":true}"));
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/events").get(0)).get("event_name").asText()).isEqualTo("order_cancelled");
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/orders/status").get(0)).get("status").asText()).isEqualTo("cancelled");
    }

    @ParameterizedTest
    @CsvSource({"orders/create,order_placed,pending", "orders/fulfilled,order_fulfilled,fulfilled", "orders/updated,,pending"})
    void eachOrderTopicSendsItsEventAndStatus(String topic, String event, String status) throws Exception {
        start(null);
        ObjectNode order = fixture("orders-create");
        order.putNull("cancelled_at");
        order.putNull("financial_status");
        if ("fulfilled".equals(status)) {
            order.put("fulfillment_status", "fulfilled");
        }
        assertThat(shopify.deliver(topic, order)).isEqualTo(200);

        List<String> paths = brevoRequests().stream().map(LoggedRequest::getUrl).toList();
        assertThat(BrevoStub.body(brevo.requests("POST", "/v3/orders/status").get(0)).get("status").asText()).isEqualTo(status);
        if (event == null) {
            assertThat(paths).containsExactlyInAnyOrder("/v3/orders/status", "/v3/contacts");
        } else {
            assertThat(paths).containsExactlyInAnyOrder("/v3/orders/status", "/v3/events", "/v3/contacts");
            assertThat(BrevoStub.body(brevo.requests("POST", "/v3/events").get(0)).get("event_name").asText()).isEqualTo(event);
        }
    }

    @Test
    void aDeletedProductIsMarkedDeletedInBrevosCatalogue() throws Exception {
        start(null);
        assertThat(shopify.deliver("products/delete", Map.of("id", 788032119674292922L))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> assertThat(BrevoStub.body(r)).isEqualTo(json(
                "{\"id\":\"788032119674292922\",\"name\":\"deleted product 788032119674292922\","
                        + "\"deletedAt\":\"2026-01-02T10:00:00Z\",\"updateEnabled\":true}")));
    }

    @Test
    void aProductBecomesABrevoProduct() throws Exception {
        start(null);
        assertThat(shopify.deliver("products/create", fixture("products-create"))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getUrl()).isEqualTo("/v3/products");
            assertThat(BrevoStub.body(r)).isEqualTo(json("{\"id\":\"788032119674292922\",\"name\":\"Example T-Shirt\","
                    + "\"price\":19.99,\"sku\":\"example-shirt-s\",\"categories\":[\"Shirts\"],\"updateEnabled\":true}"));
        });
    }

    @Test
    void aCheckoutIsRememberedAndAnUnknownTopicIgnored() throws Exception {
        start(null);
        assertThat(shopify.deliver("checkouts/create", fixture("checkouts-create"))).isEqualTo(200);
        assertThat(shopify.deliver("app/uninstalled", Map.of("id", 1))).isEqualTo(200);
        assertThat(brevoRequests()).isEmpty();
        String stored = service.store().inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT email, total, recovery_url FROM checkout WHERE source = 'shopify' AND token = '123123123'");
                 ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getString(1) + " " + rs.getBigDecimal(2).stripTrailingZeros().toPlainString() + " " + rs.getString(3) : null;
            }
        });
        assertThat(stored).isEqualTo("example@email.com 421.88 https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token");
    }

    @Test
    void badSignaturesAndMissingHeadersAre401AndNothingReachesBrevo() throws Exception {
        start(null);
        ObjectNode customer = fixture("customers-create");
        assertThat(shopify.deliver("customers/create", customer, h -> h.put("X-Shopify-Hmac-Sha256", "bm90IGl0"))).isEqualTo(401);
        for (String header : List.of("X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain",
                "X-Shopify-API-Version", "X-Shopify-Webhook-Id")) {
            assertThat(shopify.deliver("customers/create", customer, h -> h.remove(header))).as("without " + header).isEqualTo(401);
        }
        byte[] body = ShopifyWebhookSender.compact(customer);
        Map<String, String> headers = ShopifyWebhookSender.headers("customers/create", body);
        byte[] tampered = new String(body, java.nio.charset.StandardCharsets.UTF_8).replace("Bob", "Eve").getBytes();
        assertThat(shopify.send(tampered, headers)).as("tampered body").isEqualTo(401);
        String hex = java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(headers.get("X-Shopify-Hmac-Sha256")));
        assertThat(shopify.deliver("customers/create", customer, h -> h.put("X-Shopify-Hmac-Sha256", hex))).as("hex digest").isEqualTo(401);
        assertThat(shopify.deliver("customers/create", customer, h -> h.put("X-Shopify-Shop-Domain", "other.myshopify.com")))
                .as("another shop").isEqualTo(401);
        assertThat(shopify.deliver("customers/create", customer, h -> h.put("X-Shopify-Hmac-Sha256",
                ShopifyWebhookSender.sign(body, "some-other-secret")))).as("wrong secret").isEqualTo(401);
        byte[] form = "email=eve%40example.com".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Map<String, String> formHeaders = ShopifyWebhookSender.headers("customers/create", form);
        formHeaders.put("Content-Type", "application/x-www-form-urlencoded");
        formHeaders.put("X-Shopify-Hmac-Sha256", "bm90IGl0");
        assertThat(shopify.send(form, formHeaders)).as("a form post: not JSON, refused before anything reads it").isEqualTo(415);
        assertThat(brevoRequests()).isEmpty();
        assertThat(service.outbox().pending()).isZero();
    }

    @Test
    void theOversizedAndTheNonPostAreRefused() throws Exception {
        start(null);
        byte[] big = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(shopify.send(big, ShopifyWebhookSender.headers("customers/create", big))).isEqualTo(413);
        HttpResponse<Void> get = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(service.url("/webhooks/shopify"))).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(brevoRequests()).isEmpty();
    }

    @Test
    void withTheStoreUnavailableADeliveryIsAnswered503SoShopifyRetries() throws Exception {
        start(null);
        service.store().close();
        assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(503);
        assertThat(brevo.requests()).isEmpty();
    }

    @Test
    void theAppSecretStoredByConnectVerifiesDeliveries() throws Exception {
        try (ShopifyStub shop = new ShopifyStub()) {
            shop.acceptToken("shpat_test_token", "Tajo Test Shop");
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("SHOPIFY_BASE_URL", shop.baseUrl());
            Cli.Run connect = Cli.tajo(env, "connectors", "connect", "shopify", "--shop-url", ShopifyWebhookSender.SHOP,
                    "--api-key", "shpat_test_token", "--api-secret", ShopifyWebhookSender.SECRET);
            assertThat(connect.exit()).as(connect.err()).isZero();
            service = tajo.start(env);
            shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
            assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
            assertThat(shopify.deliver("customers/create", fixture("customers-create"),
                    h -> h.put("X-Shopify-Shop-Domain", "other.myshopify.com"))).as("another shop than the stored one").isEqualTo(401);
            assertThat(brevoRequests()).hasSize(1);
        }
    }

    @Test
    void inBatchModeDeliveriesAreAcknowledgedAndLeftToTheScheduledSync() throws Exception {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("TAJO_SHOPIFY_MODE", "batch");
        service = tajo.start(env);
        shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
        assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
        assertThat(shopify.deliver("customers/create", fixture("customers-create"), h -> h.remove("X-Shopify-Hmac-Sha256")))
                .as("still verified").isEqualTo(401);
        assertThat(brevoRequests()).isEmpty();
    }

    @Test
    void thePreviousSecretIsAcceptedDuringARotation() throws Exception {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("SHOPIFY_API_SECRET", "shpss_new_secret");
        env.put("SHOPIFY_API_SECRET_PREVIOUS", ShopifyWebhookSender.SECRET);
        service = tajo.start(env);
        shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
        assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
        assertThat(brevoRequests()).hasSize(1);
    }
}
