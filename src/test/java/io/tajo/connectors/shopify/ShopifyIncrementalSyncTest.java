package io.tajo.connectors.shopify;

import static io.tajo.connectors.testing.ShopifySyncStub.customer;
import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static io.tajo.connectors.testing.ShopifySyncStub.page;
import static io.tajo.connectors.testing.ShopifySyncStub.pageRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Incremental customer sync through direct:shopify-sync (the route the schedule and the CLI run): three pages,
 * Shopify's cost bucket low after page 1 and a THROTTLED answer on page 2, page 3 failing until a restart.
 */
public class ShopifyIncrementalSyncTest {

    @TempDir
    Path dataDir;

    /** Runs a sync of {@code resource} through direct:shopify-sync, from its stored checkpoint. */
    public static ShopifySyncRun sync(RunningService service, String resource) {
        Exchange exchange = new DefaultExchange(service.context());
        exchange.setProperty(SyncRun.RESOURCE, resource);
        Exchange done = service.context().createProducerTemplate().send("direct:shopify-sync", exchange);
        if (done.getException() != null) {
            throw new RuntimeException(done.getException());
        }
        return done.getMessage().getBody(ShopifySyncRun.class);
    }

    @Test
    void threePagesWithThrottlingReachBrevoOnceAndAStoppedSyncResumesAtThePageAfterItsCheckpoint() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            Map<String, String> env = shopify.connect(RunningService.environment(dataDir, brevo));
            var server = shopify.server();
            // page 1 leaves the bucket nearly empty: 10 available, the query costs 110, 100 restored per second
            server.stubFor(pageRequest("customers", null).willReturn(json(page("customers", List.of(
                    customer(7001, "a1@example.com", "2026-01-02T10:00:00Z"),
                    customer(7002, "a2@example.com", "2026-01-02T10:00:00Z"),
                    customer(7003, "a3@example.com", "2026-01-02T10:00:01Z")), "cursor-1", 10))));
            // page 2 is refused as THROTTLED once, then answered
            server.stubFor(pageRequest("customers", "cursor-1").inScenario("p2").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(json(ShopifySyncStub.throttled(0))).willSetStateTo("restored"));
            server.stubFor(pageRequest("customers", "cursor-1").inScenario("p2").whenScenarioStateIs("restored")
                    .willReturn(json(page("customers", List.of(
                            customer(7004, "a4@example.com", "2026-01-02T10:00:02Z"),
                            customer(7005, "a5@example.com", "2026-01-02T10:00:03Z"),
                            customer(7006, "a6@example.com", "2026-01-02T10:00:03Z")), "cursor-2", 2000))));
            // page 3: Shopify fails until the service is restarted
            server.stubFor(pageRequest("customers", "cursor-2").willReturn(WireMock.aResponse().withStatus(500)));

            try (RunningService service = RunningService.start(env)) {
                assertThatThrownBy(() -> sync(service, "customers")).hasMessageContaining("500");
                assertThat(SyncCheckpoint.load(service.store(), "shopify", "customers")).contains(
                        new SyncCheckpoint("shopify", "customers", "2026-01-02T10:00:03Z", "7006", "cursor-2"));
                await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests("POST", "/v3/contacts").size() == 6);
            }

            List<JsonNode> firstRun = shopify.graphqlRequests();
            assertThat(firstRun).hasSize(4);  // page 1, page 2 throttled, page 2, page 3 (500)
            var logged = shopify.graphqlLoggedRequests();
            long waitAfterLowBucket = logged.get(1).getLoggedDate().getTime() - logged.get(0).getLoggedDate().getTime();
            assertThat(waitAfterLowBucket).as("wait for 100 of cost at 100/s").isGreaterThanOrEqualTo(900);
            long waitAfterThrottled = logged.get(2).getLoggedDate().getTime() - logged.get(1).getLoggedDate().getTime();
            assertThat(waitAfterThrottled).as("wait for 110 of cost at 100/s after THROTTLED").isGreaterThanOrEqualTo(1000);
            assertThat(logged.get(0).getHeader("X-Shopify-Access-Token")).isEqualTo(ShopifySyncStub.ACCESS_TOKEN);
            assertThat(firstRun.get(0).at("/variables/first").asInt()).as("the most a 1,000-point query may ask for").isEqualTo(199);
            assertThat(firstRun.get(0).at("/query").asText()).contains("sortKey: UPDATED_AT").contains("pageInfo { hasNextPage endCursor }");

            server.stubFor(pageRequest("customers", "cursor-2").willReturn(json(page("customers", List.of(
                    customer(7006, "a6@example.com", "2026-01-02T10:00:03Z"),  // the boundary record again: not re-sent
                    customer(7007, "a7@example.com", "2026-01-02T10:00:04Z"),
                    customer(7008, "a8@example.com", "2026-01-02T10:00:05Z")), null, 2000))));
            server.resetRequests();
            try (RunningService service = RunningService.start(env)) {
                ShopifySyncRun run = sync(service, "customers");
                assertThat(run.records()).isEqualTo(2);
                assertThat(SyncCheckpoint.load(service.store(), "shopify", "customers")).contains(
                        new SyncCheckpoint("shopify", "customers", "2026-01-02T10:00:05Z", "7008", null));
                await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests("POST", "/v3/contacts").size() == 8);
                Thread.sleep(500);  // a repeat would arrive within a few dispatch polls
            }
            List<JsonNode> resumed = shopify.graphqlRequests();
            assertThat(resumed).hasSize(1);
            assertThat(resumed.get(0).at("/variables/after").asText()).isEqualTo("cursor-2");
            assertThat(resumed.get(0).at("/variables/query").asText()).isEqualTo("updated_at:>='2026-01-02T10:00:03Z'");

            assertThat(brevo.requests("POST", "/v3/contacts")).extracting(r -> BrevoStub.body(r).path("email").asText())
                    .containsExactlyInAnyOrder("a1@example.com", "a2@example.com", "a3@example.com", "a4@example.com",
                            "a5@example.com", "a6@example.com", "a7@example.com", "a8@example.com");
            assertThat(BrevoStub.body(brevo.requests("POST", "/v3/contacts").get(0))).isEqualTo(BrevoStub.json(
                    "{\"email\":\"a1@example.com\",\"attributes\":{\"FIRSTNAME\":\"First7001\",\"LASTNAME\":\"Last7001\","
                            + "\"TOTAL_SPENT\":12.5,\"ORDER_COUNT\":3,\"SHOPIFY_CUSTOMER_ID\":\"7001\"},\"updateEnabled\":true}"));
            brevo.assertAllRequestsValid();
        }
    }
}
