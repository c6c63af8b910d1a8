package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.JarProcess;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** target/tajo.jar run as a process: healthy, stopped by SIGTERM or killed with -9, and nothing acknowledged is lost. */
class JarProcessIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    private static Map<String, String> environment(Path dataDir, BrevoStub brevo) {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("BREVO_RATE_CONTACTS", "20/s");
        return env;
    }

    private static boolean post(JarProcess tajo, String email) {
        String command = "{\"op\":\"upsertContact\",\"identifier\":\"" + email + "\",\"source\":\"test\","
                + "\"payload\":{\"attributes\":{\"FIRSTNAME\":\"X\"}}}";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(tajo.url("/test/commands")))
                    .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(command)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 202;
        } catch (Exception connectionLost) {
            return false;
        }
    }

    @Test
    void everySignedShopifyWebhookAnswered200IsDeliveredAfterAKillDashNine() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = environment(dataDir, brevo);
            env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
            Set<String> acknowledged = killMidStreamAndRestart(env, brevo, (tajo, n) -> {
                ObjectNode customer = ShopifyWebhookSender.fixture("customers-create");
                customer.put("id", 1000 + n).put("email", "kill" + n + "@example.com");
                try {
                    return new ShopifyWebhookSender(tajo.url("/webhooks/shopify")).deliver("customers/create", customer) == 200;
                } catch (IllegalStateException connectionLost) {
                    return false;  // the kill cut this delivery: not acknowledged, so Shopify would send it again
                }
            });
            System.out.println("kill -9 during signed webhooks: " + acknowledged.size() + " answered 200, all delivered");
            brevo.assertAllRequestsValid();
        }
    }

    /**
     * Four senders stream deliveries into the jar until at least 300 are acknowledged, then the jar is killed
     * with -9 mid-stream and started again on the same data: returns the emails acknowledged before the kill,
     * once every one of them has reached Brevo.
     */
    private Set<String> killMidStreamAndRestart(Map<String, String> env, BrevoStub brevo,
                                                BiPredicate<JarProcess, Integer> deliver) throws Exception {
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        try (JarProcess tajo = JarProcess.start(env, dataDir.resolve("tajo-1.log"))) {
            tajo.awaitHealthy(Duration.ofSeconds(60));
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicInteger next = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                senders.submit(() -> {
                    while (sending.get()) {
                        int n = next.getAndIncrement();
                        if (deliver.test(tajo, n)) {
                            acknowledged.add(n);
                        }
                    }
                });
            }
            await().until(() -> acknowledged.size() >= 300);
            tajo.kill();  // mid-stream: requests in flight, rows half-dispatched
            sending.set(false);
            senders.shutdown();
        }
        Set<String> emails = new HashSet<>();
        acknowledged.forEach(n -> emails.add("kill" + n + "@example.com"));
        try (JarProcess tajo = JarProcess.start(env, dataDir.resolve("tajo-2.log"))) {
            tajo.awaitHealthy(Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(deliveredEmails(brevo)).containsAll(emails));
        }
        return emails;
    }

    private static Set<String> deliveredEmails(BrevoStub brevo) {
        Set<String> emails = new HashSet<>();
        brevo.requests("POST", "/v3/contacts").forEach(r -> emails.add(BrevoStub.body(r).get("email").asText()));
        return emails;
    }

    private static long pendingIn(Path dataDir) {
        try (StateStore store = new StateStore()) {
            store.setDataDir(dataDir.toString());
            store.start();
            BrevoOutbox outbox = new BrevoOutbox();
            outbox.setStore(store);
            return outbox.pending();
        }
    }

    @Test
    void startsHealthyAndStopsCleanlyOnSigtermWithNothingLost() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            brevo.server().stubFor(WireMock.post("/v3/contacts").willReturn(BrevoStub.json(201, "{\"id\":1}").withFixedDelay(100)));
            Map<String, String> env = environment(dataDir, brevo);
            Set<String> accepted = new HashSet<>();
            try (JarProcess tajo = JarProcess.start(env, dataDir.resolve("tajo-1.log"))) {
                long readyMillis = tajo.awaitHealthy(Duration.ofSeconds(60));
                System.out.println("tajo.jar healthy " + readyMillis + " ms after start");
                for (int i = 0; i < 100; i++) {
                    assertThat(post(tajo, "term" + i + "@example.com")).isTrue();
                    accepted.add("term" + i + "@example.com");
                }
                int exit = tajo.terminate(Duration.ofSeconds(60));
                assertThat(exit).as("exit code after SIGTERM: 0, or 143 for 'ended by SIGTERM'").isIn(0, 143);
                assertThat(tajo.log()).contains("shutdown").doesNotContain("Exception");
            }
            Set<String> delivered = deliveredEmails(brevo);
            assertThat(brevo.requests("POST", "/v3/contacts")).as("nothing sent twice").hasSize(delivered.size());
            assertThat(delivered.size() + pendingIn(dataDir)).as("delivered + still pending").isEqualTo(100);

            try (JarProcess tajo = JarProcess.start(env, dataDir.resolve("tajo-2.log"))) {
                tajo.awaitHealthy(Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(30)).until(() -> deliveredEmails(brevo).containsAll(accepted));
            }
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void everyAcknowledgedCommandIsDeliveredAfterAKillDashNine() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            Set<String> acknowledged = killMidStreamAndRestart(environment(dataDir, brevo), brevo,
                    (tajo, n) -> post(tajo, "kill" + n + "@example.com"));
            List<String> all = brevo.requests("POST", "/v3/contacts").stream()
                    .map(r -> BrevoStub.body(r).get("email").asText()).toList();
            System.out.println("kill -9: " + acknowledged.size() + " acknowledged, " + all.size() + " sent, "
                    + (all.size() - new HashSet<>(all).size()) + " sent twice (in flight at the kill)");
            brevo.assertAllRequestsValid();
        }
    }
}
