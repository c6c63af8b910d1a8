package io.tajo.connectors;

import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static io.tajo.connectors.testing.ShopifySyncStub.page;
import static io.tajo.connectors.testing.ShopifySyncStub.pageRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.TestPostgres;
import io.tajo.connectors.testing.JarProcess;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes (target/tajo.jar, each its own process) on one PostgreSQL, as README "Running several nodes" sets them
 * up: a scheduled sync fires on one node per trigger, a node slower than its lease leaves its rows to the other, and
 * webhooks spread over both, each delivered twice, reach Brevo once.
 */
class ClusteredNodesIT {

    static TestPostgres postgres;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.quick();  // nothing is killed here: see NodeKillIT
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    /** A node's environment: its own port and data directory, the shared database. */
    static Map<String, String> node(Path dataDir, String name, BrevoStub brevo, Map<String, String> database) throws Exception {
        Map<String, String> env = RunningService.environment(Files.createDirectories(dataDir.resolve(name)), brevo);
        env.putAll(database);
        return env;
    }

    @Test
    void aScheduledSyncRunsOnOneNodePerTrigger() throws Exception {
        try (ShopifySyncStub shopify = new ShopifySyncStub()) {
            shopify.server().stubFor(pageRequest("products", null).willReturn(json(page("products", List.of(), null, 2000))));
            Map<String, String> database = postgres.newDatabase();
            List<JarProcess> nodes = new ArrayList<>();
            try {
                for (String name : List.of("node-a", "node-b")) {
                    Map<String, String> env = shopify.connect(node(dataDir, name, null, database));
                    env.put("TAJO_SHOPIFY_MODE", "batch");
                    env.put("SHOPIFY_SYNC_PRODUCTS_CRON", "0/3+*+*+*+*+?");  // every 3 s
                    nodes.add(JarProcess.start(env, dataDir.resolve(name + ".log")));
                }
                for (JarProcess node : nodes) {
                    node.awaitHealthy(Duration.ofSeconds(90));
                }
                long from = System.currentTimeMillis();
                Thread.sleep(15_000);
                long to = System.currentTimeMillis();

                // each pull belongs to the fire time (a multiple of 3 s) it follows; two nodes firing alike would pull twice
                Map<Long, Long> pullsPerFire = shopify.graphqlLoggedRequests().stream()
                        .map(r -> r.getLoggedDate().getTime()).filter(t -> t >= from && t < to)
                        .collect(Collectors.groupingBy(t -> t / 3000, Collectors.counting()));
                long fires = to / 3000 - from / 3000;
                System.out.println("two nodes, one trigger every 3 s for 15 s: " + fires + " fire times, pulls per fire " + pullsPerFire.values());
                assertThat(pullsPerFire.values()).as("pulls per fire time").allMatch(pulls -> pulls == 1);
                assertThat((long) pullsPerFire.size()).as("fire times with a pull").isGreaterThanOrEqualTo(fires - 1);
            } finally {
                for (JarProcess node : nodes) {
                    node.close();
                }
            }
        }
    }

    @Test
    void aNodeWhoseCallOutlivesTheLeaseLeavesTheRestOfItsRoundToTheOtherNode() throws Exception {
        // node A's Brevo takes 1.5 s per call, longer than the 1 s lease: while A waits, its other rows fall free
        try (BrevoStub slowBrevo = new BrevoStub(); BrevoStub brevo = new BrevoStub()) {
            slowBrevo.server().stubFor(WireMock.post("/v3/contacts").willReturn(BrevoStub.json(201, "{\"id\":1}").withFixedDelay(1500)));
            Map<String, String> database = postgres.newDatabase();
            List<Map<String, String>> envs = new ArrayList<>();
            for (String name : List.of("node-a", "node-b")) {
                Map<String, String> env = node(dataDir, name, name.equals("node-a") ? slowBrevo : brevo, database);
                env.put("BREVO_DISPATCH_LEASE", "PT1S");
                envs.add(env);
            }
            List<String> emails = new ArrayList<>();
            StringBuilder commands = new StringBuilder("[");
            for (int n = 0; n < 12; n++) {
                emails.add("lease" + n + "@example.com");
                commands.append(n == 0 ? "" : ",").append("{\"op\":\"upsertContact\",\"identifier\":\"lease").append(n)
                        .append("@example.com\",\"source\":\"test\",\"payload\":{\"attributes\":{\"FIRSTNAME\":\"L\"}}}");
            }
            try (JarProcess nodeA = JarProcess.start(envs.get(0), dataDir.resolve("node-a.log"))) {
                nodeA.awaitHealthy(Duration.ofSeconds(90));
                // twelve rows in one commit: A claims them in one round, one call each, one after the other
                HttpResponse<String> accepted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(nodeA.url("/test/commands")))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(commands + "]")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(30)).until(() -> !slowBrevo.requests().isEmpty());
                try (JarProcess nodeB = JarProcess.start(envs.get(1), dataDir.resolve("node-b.log"))) {
                    nodeB.awaitHealthy(Duration.ofSeconds(90));
                    await().atMost(Duration.ofSeconds(60)).until(() -> {
                        Set<String> delivered = new HashSet<>(brevo.contactEmails());
                        delivered.addAll(slowBrevo.contactEmails());
                        return delivered.containsAll(emails);
                    });
                    Thread.sleep(2000);  // A's call in flight ends; had A gone on with its round, it would show
                }
            }
            List<String> sent = new ArrayList<>(slowBrevo.contactEmails());
            sent.addAll(brevo.contactEmails());
            Set<String> seen = new HashSet<>();
            List<String> twice = sent.stream().filter(email -> !seen.add(email)).toList();
            System.out.println("round outliving its lease: node A sent " + slowBrevo.contactEmails().size() + " of its 12 rows, node B "
                    + brevo.contactEmails().size() + ", sent twice " + twice);
            assertThat(slowBrevo.contactEmails()).as("A left the rows B took over to B").hasSizeLessThan(12);
            assertThat(twice).as("sent twice: at most the call A had in flight when B took over").hasSizeLessThanOrEqualTo(1);
            slowBrevo.assertAllRequestsValid();
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void tenThousandWebhooksSpreadOverTwoNodesEachDeliveredTwiceReachBrevoOnce() throws Exception {
        int customers = 10_000;
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> database = postgres.newDatabase();
            Path mappings = Files.createDirectories(dataDir.resolve("mappings"));
            Files.writeString(mappings.resolve("shopify.yaml"), """
                    customers:
                      list_id: 7
                      field_mapping:
                        email: email
                        first_name: FIRSTNAME
                        id: SHOPIFY_CUSTOMER_ID
                    """);
            List<JarProcess> nodes = new ArrayList<>();
            List<ShopifyWebhookSender> senders = new ArrayList<>();
            try {
                for (String name : List.of("node-a", "node-b")) {
                    Map<String, String> env = node(dataDir, name, brevo, database);
                    env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
                    env.put("TAJO_MAPPINGS_DIR", mappings.toString());
                    env.put("BREVO_RATE_CONTACTS", "1000/s");
                    env.put("BREVO_DISPATCH_POLL_MS", "250");
                    JarProcess node = JarProcess.start(env, dataDir.resolve(name + ".log"));
                    nodes.add(node);
                    senders.add(new ShopifyWebhookSender(node.url("/webhooks/shopify")));
                }
                for (JarProcess node : nodes) {
                    node.awaitHealthy(Duration.ofSeconds(90));
                }
                // every delivery twice, same bytes and webhook id, in random order, each time to either node
                List<Map.Entry<byte[], Map<String, String>>> deliveries = new ArrayList<>();
                for (int n = 0; n < customers; n++) {
                    ObjectNode customer = ShopifyWebhookSender.fixture("customers-update");
                    customer.put("id", 8_000_000L + n).put("email", "node" + n + "@example.com");
                    byte[] body = ShopifyWebhookSender.compact(customer);
                    Map.Entry<byte[], Map<String, String>> delivery = Map.entry(body, ShopifyWebhookSender.headers("customers/update", body));
                    deliveries.add(delivery);
                    deliveries.add(delivery);
                }
                Collections.shuffle(deliveries);
                AtomicInteger next = new AtomicInteger();
                Map<Integer, Integer> statuses = new HashMap<>();
                ExecutorService pool = Executors.newFixedThreadPool(16);
                long start = System.nanoTime();
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    workers.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < deliveries.size(); i = next.getAndIncrement()) {
                            var delivery = deliveries.get(i);
                            int status = senders.get(ThreadLocalRandom.current().nextInt(2)).send(delivery.getKey(), delivery.getValue());
                            synchronized (statuses) {
                                statuses.merge(status, 1, Integer::sum);
                            }
                        }
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get();
                }
                double ingested = (System.nanoTime() - start) / 1e9;
                pool.shutdown();
                assertThat(statuses).as("answers to the %d deliveries", deliveries.size()).isEqualTo(Map.of(200, 2 * customers));

                await().atMost(Duration.ofSeconds(120)).until(() -> brevo.contactEmails().size() >= customers);
                double delivered = (System.nanoTime() - start) / 1e9;
                Thread.sleep(1500);  // a stray second send would show by now
                List<String> sent = brevo.contactEmails();
                Set<String> expected = new HashSet<>();
                for (int n = 0; n < customers; n++) {
                    expected.add("node" + n + "@example.com");
                }
                assertThat(new HashSet<>(sent)).isEqualTo(expected);
                assertThat(sent).as("each contact sent exactly once").hasSize(customers);
                System.out.printf("two nodes on PostgreSQL: %d signed webhooks (%d customers, each twice) answered 200 in %.1f s "
                        + "(%.0f/s), all %d contacts at Brevo once after %.1f s, in %d Brevo calls%n", deliveries.size(), customers,
                        ingested, deliveries.size() / ingested, customers, delivered, brevo.requests().size());
            } finally {
                for (JarProcess node : nodes) {
                    node.close();
                }
            }
            brevo.assertAllRequestsValid();
        }
    }
}
