package io.tajo.connectors.cli;

import static io.tajo.connectors.testing.ShopifySyncStub.customer;
import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static io.tajo.connectors.testing.ShopifySyncStub.page;
import static io.tajo.connectors.testing.ShopifySyncStub.pageRequest;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.TajoEnvironment;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.StripeStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tajo connectors sync shopify} as a user types it: the summary line and exit codes 0 / 1 / 2. */
class ConnectorsCommandTest {

    @TempDir
    Path dataDir;

    record Run(int exit, String out, String err) {
    }

    private Run tajo(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = TajoCli.execute(new TajoEnvironment(env), new PrintStream(out, true), new PrintStream(err, true), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void syncShopifyPrintsOneSummaryLineAndExitsZero() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            shopify.server().stubFor(pageRequest("customers", null).willReturn(json(page("customers", List.of(
                    customer(7001, "a1@example.com", "2026-01-02T10:00:00Z"),
                    customer(7002, "a2@example.com", "2026-01-02T10:00:00Z"),
                    customer(7003, "a3@example.com", "2026-01-02T10:00:01Z")), null, 2000))));
            shopify.server().stubFor(pageRequest("orders", null).willReturn(json(page("orders", List.of(), null, 2000))));
            shopify.server().stubFor(pageRequest("products", null).willReturn(json(page("products", List.of(), null, 2000))));
            Map<String, String> env = shopify.connect(RunningService.environment(dataDir, brevo));

            Run all = tajo(env, "connectors", "sync", "shopify");

            assertThat(all.err()).isEmpty();
            assertThat(all.exit()).isZero();
            assertThat(all.out().lines()).satisfiesExactly(
                    customers -> assertThat(customers).matches(
                            "shopify customers: 3 records in \\d+\\.\\d s \\(\\d+/s\\), checkpoint 2026-01-02T10:00:01Z/7003"),
                    orders -> assertThat(orders).startsWith("shopify orders: 0 records in ").endsWith(", no checkpoint yet"),
                    products -> assertThat(products).startsWith("shopify products: 0 records in "),
                    delivered -> assertThat(delivered).isEqualTo("Everything synced is delivered to Brevo."));
            assertThat(brevo.requests("POST", "/v3/contacts")).extracting(r -> BrevoStub.body(r).get("email").asText())
                    .containsExactlyInAnyOrder("a1@example.com", "a2@example.com", "a3@example.com");

            Run customersOnly = tajo(env, "connectors", "sync", "shopify", "--resource", "customers");
            assertThat(customersOnly.exit()).isZero();
            assertThat(customersOnly.out().lines()).first().asString()
                    .matches("shopify customers: 0 records in \\d+\\.\\d s \\(\\d+/s\\), checkpoint 2026-01-02T10:00:01Z/7003");
            try (StateStore store = new StateStore()) {
                store.setDataDir(dataDir.toString());
                store.start();
                assertThat(SyncCheckpoint.load(store, "shopify", "customers")).contains(
                        new SyncCheckpoint("shopify", "customers", "2026-01-02T10:00:01Z", "7003", null));
            }
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void syncHubSpotRunsTheSameContractAndPrintsItsSummary() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            hubspot.server().stubFor(post(urlPathEqualTo(HubSpotStub.SEARCH)).willReturn(HubSpotStub.json(HubSpotStub.searchPage(List.of(
                    HubSpotStub.contact(51, "h51@example.com", "Hana", null, null, "2026-01-02T10:00:00Z"),
                    HubSpotStub.contact(52, "h52@example.com", "Hugo", null, null, "2026-01-02T10:00:01Z")), null, 2))));
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));

            Run run = tajo(env, "connectors", "sync", "hubspot");

            assertThat(run.err()).isEmpty();
            assertThat(run.exit()).isZero();
            assertThat(run.out().lines()).satisfiesExactly(
                    contacts -> assertThat(contacts).matches("hubspot contacts: 2 records in \\d+\\.\\d s \\(\\d+/s\\), 1 query, "
                            + "checkpoint 2026-01-02T10:00:01Z"),
                    delivered -> assertThat(delivered).isEqualTo("Everything synced is delivered to Brevo."));
            assertThat(brevo.requests("POST", "/v3/contacts")).extracting(r -> BrevoStub.body(r).get("email").asText())
                    .containsExactlyInAnyOrder("h51@example.com", "h52@example.com");
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void syncStripeListsItsResourcesAndWithoutAKeySaysWhichToSet() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); StripeStub stripe = new StripeStub()) {
            stripe.addCustomer("cus_A1", "s1@example.com", "Sam One", 1_767_225_600L);
            stripe.addCustomer("cus_A2", "s2@example.com", "Sue Two", 1_767_225_601L);
            Map<String, String> env = stripe.connect(RunningService.environment(dataDir, brevo));

            Run run = tajo(env, "connectors", "sync", "stripe", "--resource", "customers");

            assertThat(run.err()).isEmpty();
            assertThat(run.exit()).isZero();
            assertThat(run.out().lines()).satisfiesExactly(
                    customers -> assertThat(customers).startsWith("stripe customers").contains(": 2 records in "),
                    delivered -> assertThat(delivered).isEqualTo("Everything synced is delivered to Brevo."));
            assertThat(brevo.requests("POST", "/v3/contacts")).extracting(r -> BrevoStub.body(r).get("email").asText())
                    .containsExactlyInAnyOrder("s1@example.com", "s2@example.com");
            brevo.assertAllRequestsValid();

            env.remove("STRIPE_API_KEY");
            Run noKey = tajo(env, "connectors", "sync", "stripe");
            assertThat(noKey.exit()).isEqualTo(1);
            assertThat(noKey.err().lines()).singleElement().asString().startsWith("tajo: ").contains("STRIPE_API_KEY");
        }
    }

    @Test
    void anUnknownConnectorIsAUsageErrorOnOneLine() {
        Run run = tajo(Map.of("TAJO_DATA_DIR", dataDir.toString()), "connectors", "sync", "woocommerce");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tajo: no batch sync for connector 'woocommerce'\n");
    }

    @Test
    void anUnknownResourceIsAUsageErrorNamingTheConnectorsResources() {
        Run run = tajo(Map.of("TAJO_DATA_DIR", dataDir.toString()), "connectors", "sync", "shopify", "--resource", "carts");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tajo: unknown shopify resource 'carts': use customers, orders, products\n");
    }

    @Test
    void syncWithoutAnAccessTokenFailsOnOneLineNamingTheFix() {
        Run run = tajo(Map.of("TAJO_DATA_DIR", dataDir.toString(), "SHOPIFY_SHOP_URL", "tajo-test.myshopify.com"),
                "connectors", "sync", "shopify");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith("tajo: Shopify is not connected")
                .contains("SHOPIFY_ACCESS_TOKEN")
                .contains("tajo connectors connect shopify");
    }
}
