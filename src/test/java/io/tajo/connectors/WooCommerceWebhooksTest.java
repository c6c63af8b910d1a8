package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ServiceUnderTest;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * WooCommerce, added with a templatedRoute of signed-webhook and mappings/woocommerce.yaml only: signed
 * deliveries into POST /webhooks/woocommerce, and exactly what reaches the Brevo stub.
 */
public class WooCommerceWebhooksTest {

    public static final String SECRET = "wc_test_secret";
    static final String PREVIOUS_SECRET = "wc_previous_secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    @RegisterExtension
    final ServiceUnderTest tajo = new ServiceUnderTest();
    final BrevoStub brevo = tajo.brevo();
    RunningService service;
    ShopifyWebhookSender http;

    private void start() throws Exception {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("WOOCOMMERCE_WEBHOOK_SECRET", SECRET);
        env.put("WOOCOMMERCE_WEBHOOK_SECRET_PREVIOUS", PREVIOUS_SECRET);
        service = tajo.start(env);
        // sends raw bytes with the given headers; nothing Shopify-specific in send()
        http = new ShopifyWebhookSender(service.url("/webhooks/woocommerce"));
    }

    public static ObjectNode customer() {
        try (InputStream in = WooCommerceWebhooksTest.class.getResourceAsStream("/fixtures/woocommerce/customer.json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The headers WooCommerce sends: base64 HMAC-SHA256 of the body, topic, delivery id. */
    public static Map<String, String> headers(String topic, byte[] body, String secret) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-WC-Webhook-Source", "https://shop.example.com/");
        headers.put("X-WC-Webhook-Topic", topic);
        headers.put("X-WC-Webhook-Resource", "customer");
        headers.put("X-WC-Webhook-Event", topic.substring(topic.indexOf('.') + 1));
        headers.put("X-WC-Webhook-Signature", ShopifyWebhookSender.sign(body, secret));
        headers.put("X-WC-Webhook-ID", "7");
        headers.put("X-WC-Webhook-Delivery-ID", UUID.randomUUID().toString());
        return headers;
    }

    private int deliver(String topic, Object json) {
        byte[] body = ShopifyWebhookSender.compact(json);
        return http.send(body, headers(topic, body, SECRET));
    }

    private List<LoggedRequest> brevoRequests() throws InterruptedException {
        service.awaitOutboxEmpty();
        return brevo.requests();
    }

    @Test
    void aSignedCustomerCreatedUpsertsTheMappedContact() throws Exception {
        start();
        assertThat(deliver("customer.created", customer())).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod().value()).isEqualTo("POST");
            assertThat(r.getUrl()).isEqualTo("/v3/contacts");
            assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json("{\"email\":\"john.doe@example.com\",\"attributes\":"
                    + "{\"FIRSTNAME\":\"John\",\"LASTNAME\":\"Doe\",\"SMS\":\"+16135550134\"},\"updateEnabled\":true}"));
        });
    }

    @Test
    void aBadSignatureIs401AndNothingIsSent() throws Exception {
        start();
        byte[] body = ShopifyWebhookSender.compact(customer());
        assertThat(http.send(body, headers("customer.created", body, "not-the-secret"))).isEqualTo(401);
        Map<String, String> unsigned = headers("customer.created", body, SECRET);
        unsigned.remove("X-WC-Webhook-Signature");
        assertThat(http.send(body, unsigned)).isEqualTo(401);
        byte[] tampered = ShopifyWebhookSender.compact(customer().put("email", "mallory@example.com"));
        assertThat(http.send(tampered, headers("customer.created", body, SECRET))).isEqualTo(401);
        assertThat(brevoRequests()).isEmpty();
    }

    @Test
    void theUnsignedPingOfANewWebhookIs200AndAnythingElseUnsignedIs401() throws Exception {
        start();
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        assertThat(http.send("webhook_id=7".getBytes(java.nio.charset.StandardCharsets.UTF_8), form)).isEqualTo(200);
        assertThat(http.send("customer_id=7".getBytes(java.nio.charset.StandardCharsets.UTF_8), form)).isEqualTo(401);
        byte[] body = ShopifyWebhookSender.compact(customer());
        Map<String, String> unsigned = headers("customer.created", body, SECRET);
        unsigned.remove("X-WC-Webhook-Signature");
        assertThat(http.send(body, unsigned)).isEqualTo(401);
        assertThat(brevoRequests()).isEmpty();
    }

    @Test
    void thePreviousSecretIsAcceptedDuringARotation() throws Exception {
        start();
        byte[] body = ShopifyWebhookSender.compact(customer());
        assertThat(http.send(body, headers("customer.created", body, PREVIOUS_SECRET))).isEqualTo(200);
        assertThat(brevoRequests()).hasSize(1);
    }

    @Test
    void theSameDeliveryIdTwiceIsWrittenOnce() throws Exception {
        start();
        byte[] body = ShopifyWebhookSender.compact(customer());
        Map<String, String> headers = headers("customer.updated", body, SECRET);
        assertThat(http.send(body, headers)).isEqualTo(200);
        assertThat(http.send(body, headers)).isEqualTo(200);
        assertThat(brevoRequests()).hasSize(1);
    }

    @Test
    void anUnknownTopicIsAcknowledgedAndIgnored() throws Exception {
        start();
        assertThat(deliver("order.created", JSON.createObjectNode().put("id", 727).put("status", "processing")))
                .isEqualTo(200);
        assertThat(deliver("customer.deleted", JSON.createObjectNode().put("id", 25))).isEqualTo(200);
        assertThat(brevoRequests()).isEmpty();
    }

    @Test
    void anOlderDateModifiedAfterANewerIsNotApplied() throws Exception {
        start();
        ObjectNode newer = customer().put("date_modified_gmt", "2026-02-01T10:00:00").put("first_name", "Newer");
        assertThat(deliver("customer.updated", newer)).isEqualTo(200);
        brevoRequests();
        ObjectNode older = customer().put("date_modified_gmt", "2026-01-15T10:00:00").put("first_name", "Older");
        assertThat(deliver("customer.updated", older)).isEqualTo(200);
        assertThat(brevoRequests()).singleElement()
                .satisfies(r -> assertThat(BrevoStub.body(r).at("/attributes/FIRSTNAME").asText()).isEqualTo("Newer"));
    }

    @Test
    void theShippedMappingFilePassesTheCheck() {
        Map<String, String> env = RunningService.environment(dataDir, null);
        Cli.Run check = Cli.tajo(env, "mappings", "check", "woocommerce");
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.out()).isEqualTo("Mappings OK for woocommerce.\n");
    }
}
