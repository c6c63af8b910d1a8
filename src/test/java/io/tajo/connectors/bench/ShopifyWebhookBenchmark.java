package io.tajo.connectors.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.Test;

/**
 * Signed Shopify customers/update deliveries at a fixed concurrency into the in-JVM service (durable outbox,
 * Brevo stub unthrottled): prints requests/s, p50, p99 and errors. Run with {@code mvn -Pbench verify}.
 */
class ShopifyWebhookBenchmark {

    private static final int REQUESTS = Integer.getInteger("bench.webhooks", 5_000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);

    @Test
    void signedCustomerUpdates() throws Exception {
        Path dataDir = Files.createTempDirectory("tajo-bench");
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
            env.put("BREVO_RATE_CONTACTS", "1000000/s");
            try (RunningService service = RunningService.start(env)) {
                ShopifyWebhookSender shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
                // warm-up, not measured
                for (int i = 0; i < 500; i++) {
                    shopify.deliver("customers/update", customer(-i - 1));
                }
                List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
                AtomicInteger errors = new AtomicInteger();
                AtomicInteger next = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
                long start = System.nanoTime();
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < CONCURRENCY; t++) {
                    workers.add(pool.submit(() -> {
                        for (int n = next.getAndIncrement(); n < REQUESTS; n = next.getAndIncrement()) {
                            long sent = System.nanoTime();
                            if (shopify.deliver("customers/update", customer(n)) != 200) {
                                errors.incrementAndGet();
                            }
                            latencies.add(System.nanoTime() - sent);
                        }
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                pool.shutdown();
                List<Long> sorted = new ArrayList<>(latencies);
                Collections.sort(sorted);
                System.out.printf("BENCH shopify webhooks: %d signed customers/update at concurrency %d: %.0f requests/s, "
                                + "p50 %.1f ms, p99 %.1f ms, %d errors%n", REQUESTS, CONCURRENCY, REQUESTS / seconds,
                        sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6, errors.get());
            }
        }
    }

    private static ObjectNode customer(int n) {
        ObjectNode customer = ShopifyWebhookSender.fixture("customers-update");
        return customer.put("id", 5_000_000L + n).put("email", "bench" + n + "@example.com");
    }
}
