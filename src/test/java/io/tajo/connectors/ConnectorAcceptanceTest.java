package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every connector honours, run for each (STYLE.md, the Airbyte habit): a signed delivery is
 * accepted and sends exactly its golden Brevo request, a bad signature is 401, a repeated delivery is dropped,
 * an unknown topic is ignored, and the shipped mapping file passes the check. A new connector gets the suite by
 * adding one entry to {@link #connectors()}; a platform whose webhooks carry only ids (HubSpot) also starts its API
 * stub per test, answering with the record. Resumable syncs: ShopifyIncrementalSyncTest, StripeSyncTest and
 * HubSpotSyncTest.
 */
class ConnectorAcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    /** One delivery: body and headers, as the platform sends it. */
    record Delivery(byte[] body, Map<String, String> headers) {
    }

    /**
     * A connector under test: its webhook path and environment, how it signs a delivery of a body under a
     * topic with a delivery id, which header carries the signature, a contact topic and an ignored one, the
     * contact record, the golden POST /v3/contacts body that record becomes, and the platform's API stub when the
     * connector reads records from it.
     */
    record Connector(String name, Map<String, String> env, Signer signer, String signatureHeader,
                     String contactTopic, String unknownTopic, JsonNode record, String golden, PlatformStub platform) {

        Connector(String name, Map<String, String> env, Signer signer, String signatureHeader,
                  String contactTopic, String unknownTopic, JsonNode record, String golden) {
            this(name, env, signer, signatureHeader, contactTopic, unknownTopic, record, golden, anyRecord -> Platform.NONE);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A platform API stub started for one test, answering with the record; its settings go into the environment. */
    interface Platform extends AutoCloseable {
        Platform NONE = Map::of;

        Map<String, String> env();

        @Override
        default void close() {
        }
    }

    @FunctionalInterface
    interface PlatformStub {
        Platform start(JsonNode record);
    }

    @FunctionalInterface
    interface Signer {
        Delivery sign(String topic, JsonNode record, String deliveryId);
    }

    static Stream<Connector> connectors() {
        return Stream.of(
                new Connector("shopify", Map.of("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET),
                        (topic, record, id) -> {
                            byte[] body = ShopifyWebhookSender.compact(record);
                            Map<String, String> headers = ShopifyWebhookSender.headers(topic, body);
                            headers.put("X-Shopify-Webhook-Id", id);
                            return new Delivery(body, headers);
                        },
                        "X-Shopify-Hmac-Sha256", "customers/create", "app/uninstalled",
                        ShopifyWebhookSender.fixture("customers-create"),
                        "{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Bob\",\"LASTNAME\":\"Biller\",\"SHOPIFY_CUSTOMER_ID\":\"706405506930370084\"},\"updateEnabled\":true}"),
                new Connector("stripe", Map.of("STRIPE_WEBHOOK_SECRET", StripeWebhooksTest.SECRET),
                        (type, object, id) -> {
                            ObjectNode event = JSON.createObjectNode().put("id", id).put("object", "event")
                                    .put("created", java.time.Instant.now().getEpochSecond()).put("type", type);
                            event.putObject("data").set("object", object);
                            byte[] body = StripeWebhooksTest.compact(event);
                            Map<String, String> headers = new LinkedHashMap<>();
                            headers.put("Content-Type", "application/json");
                            headers.put("Stripe-Signature", StripeWebhooksTest.header(body, StripeWebhooksTest.SECRET));
                            return new Delivery(body, headers);
                        },
                        "Stripe-Signature", "customer.created", "plan.created",
                        StripeWebhooksTest.fixture("customer").put("email", StripeWebhooksTest.EMAIL).put("name", "Jenny Rosen"),
                        "{\"email\":\"" + StripeWebhooksTest.EMAIL + "\",\"attributes\":{\"FULLNAME\":\"Jenny Rosen\","
                                + "\"STRIPE_CUSTOMER_ID\":\"" + StripeWebhooksTest.CUSTOMER_ID + "\"},\"updateEnabled\":true}"),
                new Connector("woocommerce", Map.of("WOOCOMMERCE_WEBHOOK_SECRET", WooCommerceWebhooksTest.SECRET),
                        (topic, record, id) -> {
                            byte[] body = ShopifyWebhookSender.compact(record);
                            Map<String, String> headers = WooCommerceWebhooksTest.headers(topic, body, WooCommerceWebhooksTest.SECRET);
                            headers.put("X-WC-Webhook-Delivery-ID", id);
                            return new Delivery(body, headers);
                        },
                        "X-WC-Webhook-Signature", "customer.created", "order.created",
                        WooCommerceWebhooksTest.customer(),
                        "{\"email\":\"john.doe@example.com\",\"attributes\":{\"FIRSTNAME\":\"John\",\"LASTNAME\":\"Doe\","
                                + "\"SMS\":\"+16135550134\"},\"updateEnabled\":true}"),
                new Connector("hubspot", Map.of("HUBSPOT_CLIENT_SECRET", HubSpotStub.CLIENT_SECRET, "TAJO_PUBLIC_URL", HubSpotStub.PUBLIC_URL),
                        (type, contact, id) -> {
                            // a delivery carries the contact's id only; the service reads the contact from HubSpot
                            byte[] body = HubSpotStub.body(List.of(HubSpotStub.event(id.hashCode() & 0x7fffffffL, type,
                                    contact.path("id").asLong(), System.currentTimeMillis())));
                            return new Delivery(body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + "/webhooks/hubspot", body,
                                    HubSpotStub.CLIENT_SECRET, System.currentTimeMillis()));
                        },
                        "X-HubSpot-Signature-v3", "contact.creation", "contact.associationChange",
                        HubSpotStub.contact(101, "ada@example.com", "Ada", "Lovelace", "613-555-0134", "2026-01-02T10:00:00Z"),
                        "{\"email\":\"ada@example.com\",\"attributes\":{\"FIRSTNAME\":\"Ada\",\"LASTNAME\":\"Lovelace\","
                                + "\"SMS\":\"+16135550134\",\"HUBSPOT_CONTACT_ID\":\"101\"},\"updateEnabled\":true}",
                        contact -> {
                            HubSpotStub hubspot = new HubSpotStub();
                            hubspot.answerBatchRead(List.of(contact));
                            return new Platform() {
                                @Override
                                public Map<String, String> env() {
                                    return hubspot.connect(new HashMap<>());
                                }

                                @Override
                                public void close() {
                                    hubspot.close();
                                }
                            };
                        }));
    }

    private <T> T withService(Connector connector, Function<RunningService, T> test) throws Exception {
        try (BrevoStub brevo = new BrevoStub(); Platform platform = connector.platform().start(connector.record())) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.putAll(platform.env());
            env.putAll(connector.env());
            T result;
            try (RunningService service = RunningService.start(env)) {
                result = test.apply(service);
                service.awaitOutboxEmpty();
            }
            brevo.assertAllRequestsValid();
            lastRequests = brevo.requests().stream().map(r -> r.getUrl() + " " + BrevoStub.body(r)).toList();
            return result;
        }
    }

    private List<String> lastRequests;

    private static int send(RunningService service, Connector connector, Delivery delivery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.url("/webhooks/" + connector.name())))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
        delivery.headers().forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectors")
    void aSignedDeliveryIsAcceptedAndSendsExactlyItsGoldenRequest(Connector connector) throws Exception {
        int status = withService(connector, service ->
                send(service, connector, connector.signer().sign(connector.contactTopic(), connector.record(), "delivery-1")));
        assertThat(status).isEqualTo(200);
        assertThat(lastRequests).containsExactly("/v3/contacts " + JSON.readTree(connector.golden()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectors")
    void aBadSignatureIs401AndSendsNothing(Connector connector) throws Exception {
        int status = withService(connector, service -> {
            Delivery delivery = connector.signer().sign(connector.contactTopic(), connector.record(), "delivery-1");
            Map<String, String> headers = new LinkedHashMap<>(delivery.headers());
            headers.put(connector.signatureHeader(), "t=1,v1=00,bm90IGl0");
            return send(service, connector, new Delivery(delivery.body(), headers));
        });
        assertThat(status).isEqualTo(401);
        assertThat(lastRequests).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectors")
    void aRepeatedDeliveryIsDropped(Connector connector) throws Exception {
        List<Integer> statuses = withService(connector, service -> {
            Delivery delivery = connector.signer().sign(connector.contactTopic(), connector.record(), "delivery-1");
            return List.of(send(service, connector, delivery), send(service, connector, delivery));
        });
        assertThat(statuses).containsExactly(200, 200);
        assertThat(lastRequests).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectors")
    void anUnknownTopicIsAcknowledgedAndIgnored(Connector connector) throws Exception {
        int status = withService(connector, service ->
                send(service, connector, connector.signer().sign(connector.unknownTopic(), connector.record(), "delivery-2")));
        assertThat(status).isEqualTo(200);
        assertThat(lastRequests).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectors")
    void theShippedMappingFilePassesTheCheck(Connector connector) {
        Cli.Run check = Cli.tajo(Map.of("TAJO_DATA_DIR", dataDir.toString()), "mappings", "check", connector.name());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
    }
}
