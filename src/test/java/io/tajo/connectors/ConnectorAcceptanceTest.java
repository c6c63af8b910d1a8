package io.tajo.connectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import io.tajo.connectors.testing.StripeStub;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every connector honours, run for each (STYLE.md, the Airbyte habit): a signed delivery is
 * accepted and sends exactly its golden Brevo request, a bad signature is 401, a repeated delivery is dropped,
 * an unknown topic is ignored, the shipped mapping file passes the check, and, for a connector with a batch sync,
 * a sync stopped by the platform resumes after its last committed page and sends nothing twice (run through
 * {@code tajo connectors sync}, the {@link io.tajo.connectors.sync.SyncRun} contract). A new connector gets the suite
 * by adding one entry to {@link #connectors()}; a platform whose webhooks carry only ids (HubSpot) also starts its
 * API stub per test, answering with the record; a connector with a sync adds {@link Connector#withSync}. The
 * per-connector sync tests (ShopifyIncrementalSyncTest, StripeSyncTest, HubSpotSyncTest) cover what is particular
 * to each: throttling, retries, query caps, events.
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
     * contact record, the golden POST /v3/contacts body that record becomes, the platform's API stub when the
     * connector reads records from it, and its batch sync when it has one (else null).
     */
    record Connector(String name, Map<String, String> env, Signer signer, String signatureHeader,
                     String contactTopic, String unknownTopic, JsonNode record, String golden, PlatformStub platform,
                     Sync sync) {

        Connector(String name, Map<String, String> env, Signer signer, String signatureHeader,
                  String contactTopic, String unknownTopic, JsonNode record, String golden, PlatformStub platform) {
            this(name, env, signer, signatureHeader, contactTopic, unknownTopic, record, golden, platform, null);
        }

        Connector(String name, Map<String, String> env, Signer signer, String signatureHeader,
                  String contactTopic, String unknownTopic, JsonNode record, String golden) {
            this(name, env, signer, signatureHeader, contactTopic, unknownTopic, record, golden, anyRecord -> Platform.NONE);
        }

        /** This connector with a batch sync of contacts from {@code resource}, served by {@code stub}. */
        Connector withSync(String resource, SyncStub stub) {
            return new Connector(name, env, signer, signatureHeader, contactTopic, unknownTopic, record, golden, platform,
                    new Sync(resource, stub));
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

    /** A connector's batch sync: the resource it reads contacts from, and the platform's API stub serving them. */
    record Sync(String resource, SyncStub stub) {
    }

    /**
     * Starts the platform's API stub serving the resource as pages of contacts, one per email, each page's records
     * in the order given; the page numbered {@code failing} (from 2) answers 5xx until {@link SyncPlatform#recover()}.
     */
    @FunctionalInterface
    interface SyncStub {
        SyncPlatform start(List<List<String>> pages, int failing);
    }

    /** The platform's API stub serving a sync; its settings go into the environment. */
    interface SyncPlatform extends Platform {

        /** The failing page answers as the others do from now on. */
        void recover();

        /** The page (from 1) each request for the resource asked for, oldest first. */
        List<Integer> pagesAsked();
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
                        "{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Bob\",\"LASTNAME\":\"Biller\",\"SHOPIFY_CUSTOMER_ID\":\"706405506930370084\"},\"updateEnabled\":true}")
                        .withSync("customers", (pages, failing) -> {
                            // GraphQL pages chained by cursors cursor-1, cursor-2, ...
                            ShopifySyncStub shopify = new ShopifySyncStub();
                            int n = 0;
                            for (int p = 1; p <= pages.size(); p++) {
                                List<JsonNode> nodes = new ArrayList<>();
                                for (String email : pages.get(p - 1)) {
                                    n++;
                                    nodes.add(ShopifySyncStub.customer(7000 + n, email, SYNC_START.plusSeconds(n).toString()));
                                }
                                shopify.server().stubFor(ShopifySyncStub.pageRequest("customers", p == 1 ? null : "cursor-" + (p - 1))
                                        .willReturn(ShopifySyncStub.json(ShopifySyncStub.page("customers", nodes,
                                                p == pages.size() ? null : "cursor-" + p, 2000))));
                            }
                            StubMapping outage = shopify.server().stubFor(ShopifySyncStub.pageRequest("customers", "cursor-" + (failing - 1))
                                    .willReturn(aResponse().withStatus(500)));
                            return syncPlatform(shopify::connect, () -> shopify.server().removeStub(outage), shopify::close,
                                    () -> shopify.graphqlRequests().stream().map(request -> request.at("/variables/after"))
                                            .map(after -> after.isTextual() ? Integer.parseInt(after.asText().substring("cursor-".length())) + 1 : 1)
                                            .toList());
                        }),
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
                                + "\"STRIPE_CUSTOMER_ID\":\"" + StripeWebhooksTest.CUSTOMER_ID + "\"},\"updateEnabled\":true}")
                        .withSync("customers", (pages, failing) -> {
                            // customers cus_1, cus_2, ... listed newest first, so created ever older; a page starts after
                            // the last customer of the one before
                            StripeStub stripe = new StripeStub();
                            int perPage = pages.get(0).size();
                            int n = 0;
                            for (List<String> page : pages) {
                                for (String email : page) {
                                    n++;
                                    stripe.addCustomer("cus_" + n, email, "Customer " + n, SYNC_START.getEpochSecond() - n);
                                }
                            }
                            StubMapping outage = stripe.server().stubFor(StripeStub.request("customers", "starting_after",
                                    "cus_" + (failing - 1) * perPage).willReturn(aResponse().withStatus(503)));
                            return syncPlatform(env -> {
                                stripe.connect(env);
                                env.put("STRIPE_SYNC_PAGE_SIZE", String.valueOf(perPage));
                                return env;
                            }, () -> stripe.server().removeStub(outage), stripe::close,
                                    () -> stripe.requests().stream().filter(request -> request.getUrl().startsWith("/v1/customers"))
                                            .map(request -> request.queryParameter("starting_after"))
                                            .map(after -> after.isPresent()
                                                    ? Integer.parseInt(after.firstValue().substring("cus_".length())) / perPage + 1 : 1)
                                            .toList());
                        }),
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
                // no sync: WooCommerce has no batch sync (tajo connectors sync woocommerce is a usage error), webhooks only
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
                        })
                        .withSync("contacts", (pages, failing) -> {
                            // search pages of one query, each after the offset HubSpot gives as the next page's cursor
                            HubSpotStub hubspot = new HubSpotStub();
                            int perPage = pages.get(0).size();
                            int total = pages.stream().mapToInt(List::size).sum();
                            int n = 0;
                            for (int p = 1; p <= pages.size(); p++) {
                                List<JsonNode> contacts = new ArrayList<>();
                                for (String email : pages.get(p - 1)) {
                                    n++;
                                    contacts.add(HubSpotStub.contact(n, email, "P" + n, null, null, SYNC_START.plusSeconds(n).toString()));
                                }
                                hubspot.server().stubFor(HubSpotStub.search(Instant.EPOCH, p == 1 ? null : String.valueOf((p - 1) * perPage))
                                        .willReturn(HubSpotStub.json(HubSpotStub.searchPage(contacts,
                                                p == pages.size() ? null : String.valueOf(p * perPage), total))));
                            }
                            StubMapping outage = hubspot.server().stubFor(HubSpotStub.search(Instant.EPOCH,
                                    String.valueOf((failing - 1) * perPage)).willReturn(aResponse().withStatus(502)));
                            return syncPlatform(env -> {
                                hubspot.connect(env);
                                env.put("HUBSPOT_SYNC_PAGE_SIZE", String.valueOf(perPage));
                                return env;
                            }, () -> hubspot.server().removeStub(outage), hubspot::close,
                                    () -> hubspot.bodies(HubSpotStub.SEARCH).stream().map(body -> body.path("after"))
                                            .map(after -> after.isMissingNode() ? 1 : Integer.parseInt(after.asText()) / perPage + 1)
                                            .toList());
                        }));
    }

    private static final Instant SYNC_START = Instant.parse("2026-01-02T10:00:00Z");

    static Stream<Connector> connectorsWithASync() {
        return connectors().filter(connector -> connector.sync() != null);
    }

    private static SyncPlatform syncPlatform(UnaryOperator<Map<String, String>> connect, Runnable recover, Runnable close,
                                             Supplier<List<Integer>> pagesAsked) {
        return new SyncPlatform() {
            @Override
            public Map<String, String> env() {
                return connect.apply(new HashMap<>());
            }

            @Override
            public void recover() {
                recover.run();
            }

            @Override
            public List<Integer> pagesAsked() {
                return pagesAsked.get();
            }

            @Override
            public void close() {
                close.run();
            }
        };
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectorsWithASync")
    void aStoppedSyncResumesAfterItsLastCommittedPageAndSendsNothingTwice(Connector connector) throws Exception {
        List<List<String>> pages = List.of(List.of("s1@example.com", "s2@example.com"), List.of("s3@example.com", "s4@example.com"),
                List.of("s5@example.com", "s6@example.com"), List.of("s7@example.com", "s8@example.com"));
        String resource = connector.sync().resource();
        try (BrevoStub brevo = new BrevoStub(); SyncPlatform platform = connector.sync().stub().start(pages, 3)) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.putAll(platform.env());
            env.putAll(connector.env());

            Cli.Run stopped = Cli.tajo(env, "connectors", "sync", connector.name(), "--resource", resource);
            assertThat(stopped.exit()).as(stopped.out() + stopped.err()).isEqualTo(1);
            assertThat(stopped.err()).startsWith("tajo: " + connector.name() + " " + resource + " sync stopped after 4 records; "
                    + "the next sync resumes after the last committed page");
            List<Integer> firstRun = platform.pagesAsked();
            assertThat(firstRun.stream().distinct()).as("pages asked by the first run").containsExactly(1, 2, 3);

            platform.recover();
            Cli.Run resumed = Cli.tajo(env, "connectors", "sync", connector.name(), "--resource", resource);
            assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
            assertThat(resumed.out().lines()).satisfiesExactly(
                    summary -> assertThat(summary).startsWith(connector.name() + " " + resource).contains(": 4 records in "),
                    delivered -> assertThat(delivered).isEqualTo("Everything synced is delivered to Brevo."));
            List<Integer> asked = platform.pagesAsked();
            assertThat(asked.subList(firstRun.size(), asked.size())).as("pages asked by the resumed run").containsExactly(3, 4);

            assertThat(brevo.requests()).extracting(r -> r.getMethod().value() + " " + r.getUrl() + " " + BrevoStub.body(r).path("email").asText())
                    .containsExactlyInAnyOrderElementsOf(pages.stream().flatMap(List::stream).map(email -> "POST /v3/contacts " + email).toList());
            brevo.assertAllRequestsValid();
        }
    }
}
