package io.tajo.connectors;

import static io.tajo.connectors.testing.ShopifySyncStub.customer;
import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static io.tajo.connectors.testing.ShopifySyncStub.page;
import static io.tajo.connectors.testing.ShopifySyncStub.pageRequest;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.JarProcess;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import io.tajo.connectors.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes (target/tajo.jar processes) sharing one PostgreSQL with fsync and synchronous_commit on, killed with -9:
 * what one node acknowledged or had leased is delivered by the other, once its short lease has run out; a sync
 * interrupted with its node is run again by the other, which goes on firing the schedules; a fire time missed while
 * every node was down fires once when one is back.
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

    private static final String EVERY_3_SECONDS = "0/3+*+*+*+*+?";
    private static final String LAST_UPDATED_AT = "2026-01-02T10:00:33Z";

    /** Page {@code n} (1 to 3) of the shop's customers: three each, updated one second apart. */
    private static List<ObjectNode> customersPage(int n) {
        List<ObjectNode> customers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            customers.add(customer(7000 + 10 * n + i, "sched" + n + i + "@example.com", "2026-01-02T10:00:" + n + i + "Z"));
        }
        return customers;
    }

    private static Set<String> emailsOfPages(int... pages) {
        Set<String> emails = new HashSet<>();
        for (int n : pages) {
            customersPage(n).forEach(c -> emails.add(c.at("/defaultEmailAddress/emailAddress").asText()));
        }
        return emails;
    }

    /** A shop with no orders and, until {@link #addCustomers}, no customers. */
    private static ShopifySyncStub shop() {
        ShopifySyncStub shop = new ShopifySyncStub();
        shop.server().stubFor(pageRequest("customers", null).willReturn(json(page("customers", List.of(), null, 2000))));
        shop.server().stubFor(pageRequest("orders", null).willReturn(json(page("orders", List.of(), null, 2000))));
        return shop;
    }

    /** Three pages of customers, page 2 answered after 5 s; asked from the last one's updated_at, only that one. */
    private static void addCustomers(ShopifySyncStub shop) {
        var server = shop.server();
        server.stubFor(pageRequest("customers", null).willReturn(json(page("customers", customersPage(1), "cursor-1", 2000))));
        server.stubFor(pageRequest("customers", "cursor-1").willReturn(json(page("customers", customersPage(2), "cursor-2", 2000))
                .withFixedDelay(5000)));
        server.stubFor(pageRequest("customers", "cursor-2").willReturn(json(page("customers", customersPage(3), null, 2000))));
        server.stubFor(pageRequest("customers", null).atPriority(5)
                .withRequestBody(WireMock.matchingJsonPath("$.variables.query", WireMock.equalTo("updated_at:>='" + LAST_UPDATED_AT + "'")))
                .willReturn(json(page("customers", customersPage(3).subList(2, 3), null, 2000))));
    }

    /** The GraphQL page requests a shop got for a resource since {@code since} (epoch ms), oldest first. */
    private static List<LoggedRequest> pulls(ShopifySyncStub shop, String resource, long since) {
        return shop.graphqlLoggedRequests().stream().filter(r -> r.getLoggedDate().getTime() >= since)
                .filter(r -> r.getBodyAsString().contains(" " + resource + "(first: $first")).toList();
    }

    /** The cursor each of those requests asked to continue after (none: a first page). */
    private static List<String> cursors(ShopifySyncStub shop, String resource, long since) {
        return pulls(shop, resource, since).stream()
                .map(r -> BrevoStub.json(r.getBodyAsString()).at("/variables/after").asText("none")).toList();
    }

    private static boolean fromLastCheckpoint(LoggedRequest pull) {
        JsonNode variables = BrevoStub.json(pull.getBodyAsString()).get("variables");
        return variables.get("after").isNull() && variables.get("query").asText().equals("updated_at:>='" + LAST_UPDATED_AT + "'");
    }

    /** Pulls per fire time of a 3 s cron, for each whole fire period inside [from, to). */
    private static List<Long> pullsPerFireTime(List<LoggedRequest> pulls, long from, long to) {
        List<Long> counts = new ArrayList<>();
        for (long start = (from + 2999) / 3000 * 3000; start + 3000 <= to; start += 3000) {
            long periodStart = start;
            counts.add(pulls.stream().map(r -> r.getLoggedDate().getTime()).filter(t -> t >= periodStart && t < periodStart + 3000).count());
        }
        return counts;
    }

    @Test
    void aSyncKilledWithItsNodeIsResumedByTheOtherWhichKeepsFiringAndFireTimesMissedByEveryNodeFireOnce() throws Exception {
        // customers and orders every 3 s on both nodes, each node pulling from a shop stub of its own
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopA = shop(); ShopifySyncStub shopB = shop()) {
            List<ShopifySyncStub> shops = List.of(shopA, shopB);
            Map<String, String> database = postgres.newDatabase();
            List<Map<String, String>> envs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Map<String, String> env = shops.get(i).connect(node("sync-" + i, brevo, database));
                env.put("TAJO_SHOPIFY_MODE", "batch");
                env.put("SHOPIFY_SYNC_CUSTOMERS_CRON", EVERY_3_SECONDS);
                env.put("SHOPIFY_SYNC_ORDERS_CRON", EVERY_3_SECONDS);
                envs.add(env);
            }
            JarProcess[] nodes = new JarProcess[2];
            try {
                for (int i = 0; i < 2; i++) {
                    nodes[i] = JarProcess.start(envs.get(i), dataDir.resolve("sync-" + i + "-0.log"));
                }
                for (JarProcess node : nodes) {
                    node.awaitHealthy(Duration.ofSeconds(90));
                }

                // the shop gets customers: the next customers run syncs page 1 and waits for page 2; page 1 reaches
                // Brevo meanwhile, and that run's node is killed
                Thread.sleep(4500 - System.currentTimeMillis() % 3000);  // half way between two fire times
                long added = System.currentTimeMillis();
                shops.forEach(NodeKillIT::addCustomers);
                await().atMost(Duration.ofSeconds(30)).until(() -> shops.stream().anyMatch(s -> cursors(s, "customers", added).contains("cursor-1")));
                int killed = cursors(shopA, "customers", added).contains("cursor-1") ? 0 : 1;
                int survivor = 1 - killed;
                await().atMost(Duration.ofSeconds(4)).until(() -> brevo.contactEmails().containsAll(emailsOfPages(1)));
                nodes[killed].kill();
                long killedAt = System.currentTimeMillis();
                assertThat(cursors(shops.get(killed), "customers", added)).as("the killed node's run: page 1, then page 2 in flight")
                        .containsExactly("none", "cursor-1");

                // the survivor sees the node gone (it stopped checking in), runs its job again from the checkpoint page 1
                // committed, and goes on firing both schedules once per fire time
                await().atMost(Duration.ofSeconds(45)).until(() -> cursors(shops.get(survivor), "customers", added).contains("cursor-2"));
                long resumedAt = pulls(shops.get(survivor), "customers", added).get(0).getLoggedDate().getTime();
                assertThat(nodes[survivor].log()).as("Quartz on the survivor").containsPattern("Scheduled [1-9] recoverable job\\(s\\) for recovery");
                long settled = resumedAt + 7000;  // pages 2 and 3 pulled, and the fire time missed meanwhile made up
                Thread.sleep(Math.max(0, settled + 9500 - System.currentTimeMillis()));  // two whole fire periods at least
                Thread.sleep(Math.floorMod(2400 - System.currentTimeMillis(), 3000));  // late in a fire period: both runs over
                nodes[survivor].kill();
                long allDownAt = System.currentTimeMillis();
                assertThat(cursors(shops.get(survivor), "customers", added)).as("the survivor's customers pulls").startsWith("cursor-1", "cursor-2");
                assertThat(pulls(shops.get(survivor), "customers", added).subList(2, cursors(shops.get(survivor), "customers", added).size()))
                        .as("its later customers runs: from the last checkpoint").allMatch(NodeKillIT::fromLastCheckpoint);
                List<Long> customersRuns = pullsPerFireTime(pulls(shops.get(survivor), "customers", settled), settled, allDownAt);
                List<Long> ordersRuns = pullsPerFireTime(pulls(shops.get(survivor), "orders", settled), settled, allDownAt);
                assertThat(customersRuns).as("customers pulls per fire time on the survivor").hasSizeGreaterThanOrEqualTo(2).containsOnly(1L);
                assertThat(ordersRuns).as("orders pulls per fire time on the survivor").hasSizeGreaterThanOrEqualTo(2).containsOnly(1L);
                await().atMost(Duration.ofSeconds(30)).until(() -> new HashSet<>(brevo.contactEmails()).containsAll(emailsOfPages(1, 2, 3)));

                // every node down over several fire times; then one is started again: the missed fire times of each
                // schedule are made up by one run, and the fire times after it are kept
                // down longer than Quartz's misfire threshold (5 s) and a fire period more, however fast the node starts: a
                // trigger late by less than the threshold is not missed but fires late, then again at its next fire time
                Thread.sleep(Math.max(0, allDownAt + 8000 - System.currentTimeMillis()));
                long restartedAt = System.currentTimeMillis();
                nodes[survivor] = JarProcess.start(envs.get(survivor), dataDir.resolve("sync-" + survivor + "-1.log"));
                nodes[survivor].awaitHealthy(Duration.ofSeconds(90));
                // (a trigger the killed node had acquired is released once the restarted node sees it has stopped checking in)
                await().atMost(Duration.ofSeconds(45)).until(() -> !pulls(shops.get(survivor), "orders", restartedAt).isEmpty()
                        && !pulls(shops.get(survivor), "customers", restartedAt).isEmpty());
                long ordersBackAt = pulls(shops.get(survivor), "orders", restartedAt).get(0).getLoggedDate().getTime();
                long customersBackAt = pulls(shops.get(survivor), "customers", restartedAt).get(0).getLoggedDate().getTime();
                Thread.sleep(Math.max(0, Math.max(ordersBackAt, customersBackAt) + 9500 - System.currentTimeMillis()));
                long end = System.currentTimeMillis();
                // from the fire period of each schedule's first run after the restart
                List<Long> ordersBack = pullsPerFireTime(pulls(shops.get(survivor), "orders", restartedAt), ordersBackAt - 2999, end);
                List<Long> customersBack = pullsPerFireTime(pulls(shops.get(survivor), "customers", restartedAt), customersBackAt - 2999, end);
                long missed = (Math.min(ordersBackAt, customersBackAt) - allDownAt) / 3000;
                assertThat(ordersBack).as("orders pulls per fire time once a node is back, %d fire times missed", missed)
                        .hasSizeGreaterThanOrEqualTo(3).containsOnly(1L);
                assertThat(customersBack).as("customers pulls per fire time once a node is back, %d fire times missed", missed)
                        .hasSizeGreaterThanOrEqualTo(3).containsOnly(1L);
                assertThat(pulls(shops.get(survivor), "customers", restartedAt)).as("customers after the restart: from the last checkpoint")
                        .allMatch(NodeKillIT::fromLastCheckpoint);

                List<String> sent = brevo.contactEmails();
                assertThat(new HashSet<>(sent)).isEqualTo(emailsOfPages(1, 2, 3));
                assertThat(sent).as("each customer sent once").hasSize(9);
                System.out.printf("sync killed with its node on page 2: resumed at page 2 by the other node %.1f s after the kill; "
                        + "then customers %s and orders %s pulls per fire time; every node down for %d fire times, then back: "
                        + "orders %s, customers %s pulls per fire time%n", (resumedAt - killedAt) / 1000.0, customersRuns, ordersRuns,
                        missed, ordersBack, customersBack);
            } finally {
                for (JarProcess node : nodes) {
                    if (node != null) {
                        node.close();
                    }
                }
            }
            brevo.assertAllRequestsValid();
        }
    }
}
