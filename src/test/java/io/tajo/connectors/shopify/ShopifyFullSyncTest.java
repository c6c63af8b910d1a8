package io.tajo.connectors.shopify;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full customer sync: a bulk export, its JSONL streamed in pages through the mapping, contacts imported into Brevo. */
public class ShopifyFullSyncTest {

    public static final String OPERATION = "gid://shopify/BulkOperation/720918";
    static final String CREATED_AT = "2026-01-05T08:00:00Z";

    @TempDir
    Path dataDir;

    /** One JSONL line per customer, as Shopify's bulk export writes it. */
    public static String customersJsonl(int count) {
        StringBuilder jsonl = new StringBuilder(count * 260);
        for (int i = 1; i <= count; i++) {
            jsonl.append(ShopifySyncStub.customer(100_000 + i, "c" + i + "@example.com", "2026-01-01T00:00:00Z")).append('\n');
        }
        return jsonl.toString();
    }

    /** Shopify's bulk operation API: started once, RUNNING on the first poll, then COMPLETED with the file's URL. */
    public static void stubBulkExport(ShopifySyncStub shopify, String jsonl, int count) {
        var server = shopify.server();
        server.stubFor(post(urlPathEqualTo(ShopifySyncStub.GRAPHQL_PATH)).withRequestBody(containing("bulkOperationRunQuery"))
                .willReturn(json("{\"data\":{\"bulkOperationRunQuery\":{\"bulkOperation\":{\"id\":\"" + OPERATION
                        + "\",\"status\":\"CREATED\",\"createdAt\":\"" + CREATED_AT + "\"},\"userErrors\":[]}},"
                        + "\"extensions\":{\"cost\":{\"requestedQueryCost\":10,\"throttleStatus\":{\"maximumAvailable\":2000.0,"
                        + "\"currentlyAvailable\":1990,\"restoreRate\":100.0}}}}")));
        String status = "{\"data\":{\"node\":{\"id\":\"" + OPERATION + "\",\"status\":\"%s\",\"errorCode\":null,\"createdAt\":\""
                + CREATED_AT + "\",\"objectCount\":\"%d\",\"rootObjectCount\":\"%d\",\"url\":%s}}}";
        server.stubFor(post(urlPathEqualTo(ShopifySyncStub.GRAPHQL_PATH)).withRequestBody(containing("BulkStatus"))
                .inScenario("bulk").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(String.format(status, "RUNNING", count / 2, count / 2, "null"))).willSetStateTo("done"));
        server.stubFor(post(urlPathEqualTo(ShopifySyncStub.GRAPHQL_PATH)).withRequestBody(containing("BulkStatus"))
                .inScenario("bulk").whenScenarioStateIs("done")
                .willReturn(json(String.format(status, "COMPLETED", count, count,
                        "\"" + shopify.baseUrl() + "/bulk/customers.jsonl?X-Goog-Signature=a%2Fb&X-Goog-Expires=604800\""))));
        server.stubFor(get(urlPathEqualTo("/bulk/customers.jsonl")).withQueryParam("X-Goog-Signature", WireMock.equalTo("a/b"))
                .willReturn(WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/jsonl").withBody(jsonl)));
    }

    public static ShopifySyncRun fullSync(RunningService service) {
        Exchange exchange = new DefaultExchange(service.context());
        exchange.setProperty(SyncRun.RESOURCE, "customers");
        exchange.setProperty(SyncRun.FULL, true);
        Exchange done = service.context().createProducerTemplate().send("direct:shopify-sync", exchange);
        if (done.getException() != null) {
            throw new RuntimeException(done.getException());
        }
        return done.getMessage().getBody(ShopifySyncRun.class);
    }

    public static Set<String> importedEmails(BrevoStub brevo) {
        Set<String> emails = new HashSet<>();
        brevo.requests("POST", "/v3/contacts/import")
                .forEach(request -> BrevoStub.body(request).path("jsonBody").forEach(c -> emails.add(c.path("email").asText())));
        return emails;
    }

    static Map<String, String> environment(Path dataDir, BrevoStub brevo, ShopifySyncStub shopify) {
        Map<String, String> env = shopify.connect(RunningService.environment(dataDir, brevo));
        env.put("SHOPIFY_CUSTOMERS_LIST_ID", "7");
        env.put("BREVO_RATE_CONTACTS", "1000/s");
        return env;
    }

    @Test
    void aHundredThousandCustomersStreamFromTheBulkExportToBrevoImports() throws Exception {
        int count = 100_000;
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            stubBulkExport(shopify, customersJsonl(count), count);
            try (RunningService service = RunningService.start(environment(dataDir, brevo, shopify))) {
                ShopifySyncRun run = fullSync(service);
                assertThat(run.records()).isEqualTo(count);
                assertThat(run.total()).isEqualTo(count);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> service.outbox().pending() == 0);
                assertThat(importedEmails(brevo)).hasSize(count);
                assertThat(brevo.requests("POST", "/v3/contacts")).isEmpty();
                // incremental syncs go on from the moment the export was taken; the export is done
                assertThat(SyncCheckpoint.load(service.store(), "shopify", "customers"))
                        .contains(new SyncCheckpoint("shopify", "customers", CREATED_AT, null, null));
                assertThat(SyncCheckpoint.load(service.store(), "shopify", "customers-bulk").orElseThrow().cursor()).isNull();
            }
            var first = BrevoStub.body(brevo.requests("POST", "/v3/contacts/import").get(0));
            assertThat(first.path("listIds").toString()).isEqualTo("[7]");
            assertThat(first.path("updateExistingContacts").asBoolean()).isTrue();
            long validated = System.nanoTime();
            brevo.assertAllRequestsValid();
            System.out.printf("validated %d Brevo requests in %.1f s%n", brevo.requests().size(), (System.nanoTime() - validated) / 1e9);
        }
    }

    @Test
    void anInterruptedFullSyncResumesAfterTheLastCommittedLineOfTheSameExport() throws Exception {
        int count = 30;
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            stubBulkExport(shopify, customersJsonl(count), count);
            try (RunningService service = RunningService.start(environment(dataDir, brevo, shopify))) {
                // a previous run committed the export's first 25 lines before it stopped
                service.store().inTransaction(connection -> {
                    new SyncCheckpoint("shopify", "customers-bulk", CREATED_AT, "100025", OPERATION + "#25")
                            .save(connection, System.currentTimeMillis());
                    return null;
                });
                ShopifySyncRun run = fullSync(service);
                assertThat(run.records()).isEqualTo(5);
                await().atMost(Duration.ofSeconds(10)).until(() -> service.outbox().pending() == 0 && !brevo.requests().isEmpty());
            }
            assertThat(shopify.graphqlRequests()).noneSatisfy(r -> assertThat(r.path("query").asText()).contains("bulkOperationRunQuery"));
            assertThat(importedEmails(brevo)).containsExactlyInAnyOrder("c26@example.com", "c27@example.com", "c28@example.com", "c29@example.com", "c30@example.com");
            brevo.assertAllRequestsValid();
        }
    }
}
