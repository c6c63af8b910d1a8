package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.JarProcess;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import io.tajo.connectors.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes (target/tajo.jar processes) sharing one PostgreSQL with fsync and synchronous_commit on, killed with -9:
 * what one node acknowledged or had leased is delivered by the other, once its short lease has run out.
 */
class NodeKillIT {

    private static final Duration LEASE = Duration.ofSeconds(3);

    static TestPostgres postgres;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.durable();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    private Map<String, String> node(String name, BrevoStub brevo, Map<String, String> database) throws Exception {
        Map<String, String> env = RunningService.environment(Files.createDirectories(dataDir.resolve(name)), brevo);
        env.putAll(database);
        env.put("BREVO_DISPATCH_LEASE", LEASE.toString());
        env.put("BREVO_RATE_CONTACTS", "1000/s");
        env.put("BREVO_IMPORT_MIN_CONTACTS", "1");  // a round's contacts go in one /contacts/import call
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("TAJO_MAPPINGS_DIR", listMapping().toString());
        return env;
    }

    private Path listMapping() throws Exception {
        Path mappings = Files.createDirectories(dataDir.resolve("mappings"));
        Files.writeString(mappings.resolve("shopify.yaml"), """
                customers:
                  list_id: 7
                  field_mapping:
                    email: email
                    id: SHOPIFY_CUSTOMER_ID
                """);
        return mappings;
    }

    /** A signed customers/update delivery of customer n; false when it was not answered 200 (the node is down). */
    private static boolean deliver(JarProcess node, int n) {
        ObjectNode customer = ShopifyWebhookSender.fixture("customers-update");
        customer.put("id", 9_000_000L + n).put("email", "kill" + n + "@example.com");
        try {
            return new ShopifyWebhookSender(node.url("/webhooks/shopify")).deliver("customers/update", customer) == 200;
        } catch (IllegalStateException connectionLost) {
            return false;  // cut by the kill, or refused while the node restarts: not acknowledged, Shopify sends it again
        }
    }

    private static Set<String> emails(LoggedRequest request) {
        Set<String> emails = new HashSet<>();
        BrevoStub.body(request).get("jsonBody").forEach(contact -> emails.add(contact.get("email").asText()));
        return emails;
    }

    private static Set<String> sentTwice(List<String> sent) {
        Set<String> seen = new HashSet<>();
        return sent.stream().filter(email -> !seen.add(email)).collect(Collectors.toSet());
    }

    @Test
    void rowsANodeKilledMidDispatchHeldAreDeliveredByTheOtherOnceTheLeaseRunsOut() throws Exception {
        // node A's Brevo answers after 1.5 s, so A always has a call in flight; node B's answers at once
        try (BrevoStub slowBrevo = new BrevoStub(); BrevoStub brevo = new BrevoStub()) {
            slowBrevo.server().stubFor(WireMock.post("/v3/contacts/import").willReturn(
                    BrevoStub.json(202, "{\"processId\":78}").withFixedDelay(1500)));
            Map<String, String> database = postgres.newDatabase();
            Map<String, String> envB = node("node-b", brevo, database);
            envB.put("BREVO_DISPATCH_POLL_MS", "500");  // so A, polling every 50 ms, gets rows too
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<LoggedRequest> inFlight;
            long killedAt;
            ExecutorService sender = Executors.newSingleThreadExecutor();
            try (JarProcess nodeA = JarProcess.start(node("node-a", slowBrevo, database), dataDir.resolve("node-a.log"));
                 JarProcess nodeB = JarProcess.start(envB, dataDir.resolve("node-b.log"))) {
                nodeA.awaitHealthy(Duration.ofSeconds(90));
                nodeB.awaitHealthy(Duration.ofSeconds(90));
                AtomicBoolean sending = new AtomicBoolean(true);
                sender.submit(() -> {
                    for (int n = 0; sending.get(); n++) {
                        if (deliver(nodeA, n)) {
                            acknowledged.add("kill" + n + "@example.com");
                        }
                    }
                });
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 100);
                int calls = slowBrevo.requests().size();
                await().atMost(Duration.ofSeconds(30)).until(() -> slowBrevo.requests().size() > calls);
                Thread.sleep(300);  // A's call is in flight: its answer takes 1.5 s
                nodeA.kill();
                killedAt = System.currentTimeMillis();
                inFlight = slowBrevo.requests();
                sending.set(false);
                sender.shutdown();
                assertThat(sender.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

                // A's calls go one after the other: all but the last one were answered before the kill
                Set<String> answeredToA = new HashSet<>();
                inFlight.subList(0, inFlight.size() - 1).forEach(r -> answeredToA.addAll(emails(r)));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    Set<String> delivered = new HashSet<>(brevo.contactEmails());
                    delivered.addAll(answeredToA);
                    return delivered.containsAll(acknowledged);
                });
                Thread.sleep(1000);  // a stray second send would show by now
            } finally {
                sender.shutdownNow();
            }
            LoggedRequest last = inFlight.get(inFlight.size() - 1);
            Set<String> heldByA = emails(last);
            List<String> sent = new ArrayList<>(slowBrevo.contactEmails());
            sent.addAll(brevo.contactEmails());
            assertThat(heldByA).as("rows node A had in flight at the kill").isNotEmpty();
            assertThat(sentTwice(sent)).as("sent twice: only what A had in flight").isSubsetOf(heldByA);
            assertThat(brevo.contactEmails()).as("B delivered A's in-flight rows").containsAll(heldByA);
            long leaseEnd = last.getLoggedDate().getTime() + LEASE.toMillis() - 500;  // A leased them just before calling
            assertThat(brevo.requests("POST", "/v3/contacts/import")).filteredOn(r -> emails(r).stream().anyMatch(heldByA::contains))
                    .as("B took A's rows only once A's lease ran out").allMatch(r -> r.getLoggedDate().getTime() >= leaseEnd);
            System.out.printf("kill -9 mid-dispatch: %d acknowledged, node A had %d in flight (%d ms before its lease ran out at the kill), "
                    + "%d sent twice, all delivered%n", acknowledged.size(), heldByA.size(),
                    last.getLoggedDate().getTime() + LEASE.toMillis() - killedAt, sentTwice(sent).size());
            slowBrevo.assertAllRequestsValid();
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void everyAcknowledgedWebhookIsDeliveredWhileNodesAreKilledAndRestartedMidStream() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> database = postgres.newDatabase();
            List<Map<String, String>> envs = List.of(node("node-a", brevo, database), node("node-b", brevo, database));
            AtomicReferenceArray<JarProcess> nodes = new AtomicReferenceArray<>(2);
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger kills = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(6);
            try {
                for (int i = 0; i < 2; i++) {
                    nodes.set(i, JarProcess.start(envs.get(i), dataDir.resolve("node-" + i + "-0.log")));
                }
                for (int i = 0; i < 2; i++) {
                    nodes.get(i).awaitHealthy(Duration.ofSeconds(90));
                }
                AtomicBoolean sending = new AtomicBoolean(true);
                AtomicInteger next = new AtomicInteger();
                for (int t = 0; t < 6; t++) {
                    senders.submit(() -> {
                        while (sending.get()) {
                            int n = next.getAndIncrement();
                            if (deliver(nodes.get(n % 2), n)) {
                                acknowledged.add(n);
                            } else {
                                Thread.sleep(20);
                            }
                        }
                        return null;
                    });
                }
                // three times: let both nodes take deliveries, then kill one of them mid-stream (and start it again)
                for (int round = 0; round < 3; round++) {
                    int target = acknowledged.size() + 150;
                    await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target);
                    int victim = round % 2;
                    nodes.get(victim).kill();
                    kills.incrementAndGet();
                    if (round < 2) {  // the last one stays down: the other node delivers what it held
                        nodes.set(victim, JarProcess.start(envs.get(victim), dataDir.resolve("node-" + victim + "-" + (round + 1) + ".log")));
                        nodes.get(victim).awaitHealthy(Duration.ofSeconds(90));
                    }
                }
                sending.set(false);
                senders.shutdown();
                assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

                Set<String> expected = new HashSet<>();
                acknowledged.forEach(n -> expected.add("kill" + n + "@example.com"));
                await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(brevo.contactEmails()).containsAll(expected));
                List<String> sent = brevo.contactEmails();
                System.out.printf("kill -9 during ingestion, %d kills (two restarted): %d webhooks answered 200 out of %d sent, all "
                        + "delivered (%d contacts sent twice: in flight at a kill)%n", kills.get(), acknowledged.size(), next.get(),
                        sentTwice(sent).size());
            } finally {
                senders.shutdownNow();
                for (int i = 0; i < 2; i++) {
                    if (nodes.get(i) != null) {
                        nodes.get(i).close();
                    }
                }
            }
            brevo.assertAllRequestsValid();
        }
    }
}
