package io.tajo.connectors.ops;

import static io.tajo.connectors.testing.ShopifySyncStub.customer;
import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static io.tajo.connectors.testing.ShopifySyncStub.page;
import static io.tajo.connectors.testing.ShopifySyncStub.pageRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.Commands;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `tajo connectors list` and `tajo connectors status [NAME] [--json]` as an operator types them. */
class ConnectorsStatusTest {

    @TempDir
    Path dataDir;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.toString());
        return env;
    }

    @Test
    void listFindsTheConnectorsOfTheRouteFilesAndSaysWhatEachCanRun() {
        Map<String, String> env = env();
        env.put("SHOPIFY_API_SECRET", "shpss_x");
        env.put("WOOCOMMERCE_WEBHOOK_SECRET", "s3cret");

        Cli.Run list = Cli.tajo(env, "connectors", "list");

        assertThat(list.err()).isEmpty();
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines().map(line -> line.replaceAll(" +", " ").trim())).containsExactly(
                "CONNECTOR MODE WEBHOOK SYNC",
                "hubspot hybrid no (no signing secret set) no (not connected)",
                "shopify hybrid yes (/webhooks/shopify) no (not connected)",
                "stripe hybrid no (no signing secret set) no (not connected)",
                "woocommerce realtime yes (/webhooks/woocommerce) -");
        assertThat(list.out()).doesNotContain("shpss_x", "s3cret");

        Cli.Run json = Cli.tajo(env, "connectors", "list", "--json");
        assertThat(json.exit()).isZero();
        JsonNode connectors = BrevoStub.json(json.out());
        assertThat(names(connectors)).containsExactly("hubspot", "shopify", "stripe", "woocommerce");
        assertThat(connectors.get(1).at("/webhook/route").asText()).isEqualTo("shopify-webhooks");
        assertThat(connectors.get(1).at("/webhook/configured").asBoolean()).isTrue();
        assertThat(connectors.get(1).at("/sync/route").asText()).isEqualTo("shopify-sync");
        assertThat(connectors.get(1).at("/sync/configured").asBoolean()).isFalse();
        assertThat(connectors.get(2).at("/webhook/configured").asBoolean()).isFalse();
    }

    @Test
    void statusShowsTheLastSyncItsCheckpointOutboxDepthAndDeadLettersPerConnector() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            shopify.server().stubFor(pageRequest("customers", null).willReturn(json(page("customers", List.of(
                    customer(7001, "a1@example.com", "2026-01-02T10:00:00Z"),
                    customer(7003, "a3@example.com", "2026-01-02T10:00:01Z")), null, 2000))));
            Map<String, String> env = shopify.connect(RunningService.environment(dataDir, brevo));
            Cli.Run sync = Cli.tajo(env, "connectors", "sync", "shopify", "--resource", "customers");
            assertThat(sync.exit()).as(sync.err()).isZero();
            brevo.assertAllRequestsValid();
            // with no service running: one Shopify command waits in the outbox, one invalid Stripe command is dead-lettered
            try (StateStore store = new StateStore()) {
                store.setDataDir(dataDir.toString());
                store.start();
                BrevoOutbox outbox = new BrevoOutbox();
                outbox.setStore(store);
                outbox.enqueue(List.of(
                        new BrevoCommand("upsertContact", "b@example.com", BrevoStub.json("{\"attributes\":{}}").deepCopy()
                                .<com.fasterxml.jackson.databind.node.ObjectNode>require(), "shopify", null, null, null),
                        new BrevoCommand("trackEvent", "c@example.com", null, "stripe", null, null, null)), List.of(), null, null);
            }

            Cli.Run status = Cli.tajo(env, "connectors", "status", "shopify");

            assertThat(status.err()).isEmpty();
            assertThat(status.exit()).isZero();
            assertThat(status.out().lines().map(line -> line.replaceAll(" +", " ").trim()).toList())
                    .startsWith("shopify (hybrid)", "webhook no (no signing secret set)", "sync yes (connected)")
                    .anyMatch(line -> line.matches("resources customers last sync 20\\d\\d-.*Z \\(\\d+ s ago\\), "
                            + "checkpoint 2026-01-02T10:00:01Z/7003"))
                    .contains("orders never synced", "products never synced", "checkouts webhooks only")
                    .anyMatch(line -> line.matches("outbox 1 pending \\(oldest \\d+ s\\)"))
                    .contains("dead letters 0")
                    .anyMatch(line -> line.matches("Brevo: circuit unknown \\(service not running\\); outbox 1 pending "
                            + "\\(oldest \\d+ s\\); dead letters 1"));
            assertThat(status.out()).doesNotContain(ShopifySyncStub.ACCESS_TOKEN);

            JsonNode json = BrevoStub.json(Cli.tajo(env, "connectors", "status", "--json").out());
            assertThat(json.at("/brevo/circuit").asText()).isEqualTo("unknown (service not running)");
            assertThat(json.at("/brevo/dryRun").asBoolean()).isFalse();
            assertThat(json.at("/outbox/pending").asLong()).isEqualTo(1);
            assertThat(json.at("/deadLetters").asLong()).isEqualTo(1);
            assertThat(names(json.get("connectors"))).containsExactly("hubspot", "shopify", "stripe", "woocommerce");
            JsonNode shopifyStatus = json.at("/connectors/1");
            assertThat(shopifyStatus.at("/outbox/pending").asLong()).isEqualTo(1);
            assertThat(shopifyStatus.at("/deadLetters").asLong()).isZero();
            JsonNode customers = shopifyStatus.at("/resources/0");
            assertThat(customers.get("name").asText()).isEqualTo("customers");
            assertThat(customers.at("/checkpoint/watermark").asText()).isEqualTo("2026-01-02T10:00:01Z");
            assertThat(customers.at("/checkpoint/lastId").asText()).isEqualTo("7003");
            assertThat(customers.get("lagSeconds").asLong()).isBetween(0L, 60L);
            assertThat(json.at("/connectors/2/deadLetters").asLong()).isEqualTo(1);
        }
    }

    @Test
    void anUnknownConnectorIsAUsageErrorNamingTheKnownOnes() {
        Cli.Run run = Cli.tajo(env(), "connectors", "status", "hubspott");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("tajo: unknown connector 'hubspott': known connectors are hubspot, shopify, stripe, woocommerce\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void theCircuitStateIsWhatTheRunningDispatcherLastSawAndUnknownOnceItStops() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("BREVO_CIRCUIT_OPEN_SECONDS", "60");  // stays open between the two readings below
            try (RunningService service = RunningService.start(env)) {
                assertThat(circuit(env)).isEqualTo("CLOSED");

                brevo.refuseEverything(503);
                for (int i = 0; i < 12; i++) {
                    service.send(Commands.upsertContact("c" + i + "@example.com", Map.of("FIRSTNAME", "C")));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> circuit(env).equals("OPEN"));
                assertThat(Cli.tajo(env, "connectors", "status").out()).contains("Brevo: circuit OPEN");
            }
            assertThat(circuit(env)).isEqualTo("unknown (service not running)");
        }
    }

    private static List<String> names(JsonNode connectors) {
        List<String> names = new java.util.ArrayList<>();
        connectors.forEach(connector -> names.add(connector.get("name").asText()));
        return names;
    }

    private static String circuit(Map<String, String> env) {
        return BrevoStub.json(Cli.tajo(env, "connectors", "status", "--json").out()).at("/brevo/circuit").asText();
    }
}
