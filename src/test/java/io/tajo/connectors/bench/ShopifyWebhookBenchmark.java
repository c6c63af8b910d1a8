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
import io.tajo.connectors.webhook.HmacSignature;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Signed Shopify customers/update deliveries at a fixed concurrency into the in-JVM service (durable outbox,
 * Brevo stub unthrottled), and the same load against a floor route on the same HTTP server that only checks the
 * HMAC and answers: prints requests/s, p50, p99 and errors of both and their ratio, and appends them to
 * BENCHMARKS.md. Run with {@code mvn -Pbench verify}.
 */
class ShopifyWebhookBenchmark {

    private static final int REQUESTS = Integer.getInteger("bench.webhooks", 10_000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    private static final int WARM_UP = 1_000;
    private static final ObjectNode CUSTOMER = ShopifyWebhookSender.fixture("customers-update");

    record Load(double requestsPerSecond, double p50Millis, double p99Millis, int errors) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.0f requests/s, p50 %.1f ms, p99 %.1f ms, %d errors",
                    requestsPerSecond, p50Millis, p99Millis, errors);
        }
    }

    /** The least any webhook route does: the raw bytes, the Shopify HMAC checked, 200 or 401. */
    private static RouteBuilder floorRoute() {
        HmacSignature signature = new HmacSignature("HmacSHA256", HmacSignature.Encoding.BASE64, ShopifyWebhookSender.SECRET);
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/bench/floor?httpMethodRestrict=POST&populateBodyWithForm=false").routeId("bench-floor")
                        .convertBodyTo(byte[].class)
                        .process(exchange -> {
                            boolean valid = signature.matches(exchange.getMessage().getBody(byte[].class),
                                    exchange.getMessage().getHeader("X-Shopify-Hmac-Sha256", String.class));
                            exchange.getMessage().removeHeaders("*");
                            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, valid ? 200 : 401);
                            exchange.getMessage().setBody("");
                        });
            }
        };
    }

    @Test
    void signedCustomerUpdatesAgainstTheHmacOnlyFloor() throws Exception {
        BenchmarkReport report = new BenchmarkReport("webhook ingest: signed Shopify customers/update");
        Path dataDir = Files.createTempDirectory("tajo-bench");
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
            env.put("BREVO_RATE_CONTACTS", "1000000/s");
            try (RunningService service = RunningService.start(env)) {
                service.context().addRoutes(floorRoute());
                ShopifyWebhookSender webhooks = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
                ShopifyWebhookSender floor = new ShopifyWebhookSender(service.url("/bench/floor"));
                // warm-up of both, not measured
                load(floor, WARM_UP, -1);
                load(webhooks, WARM_UP, -1 - WARM_UP);
                service.awaitOutboxEmpty();

                Load floorLoad = load(floor, REQUESTS, 0);
                Load serviceLoad = load(webhooks, REQUESTS, 0);
                long enqueued = service.outbox().pending();
                report.figure("%d deliveries at concurrency %d over HTTP/1.1 from the same JVM (%d warm-up deliveries each first)",
                                REQUESTS, CONCURRENCY, WARM_UP)
                        .figure("service route `/webhooks/shopify` (HMAC, idempotency key, mapping, durable outbox commit in H2): %s",
                                serviceLoad)
                        .figure("floor route `/bench/floor` (same server, HMAC check only): %s", floorLoad)
                        .figure("service / floor: %.2f of the floor's requests/s, p99 %.1f× the floor's",
                                serviceLoad.requestsPerSecond() / floorLoad.requestsPerSecond(),
                                serviceLoad.p99Millis() / floorLoad.p99Millis())
                        .figure("outbox rows still waiting for the Brevo stub when the load ended: %d", enqueued);
                report.target("≥ 5,000 requests/s with the durable outbox", String.format("%.0f requests/s", serviceLoad.requestsPerSecond()),
                                serviceLoad.requestsPerSecond() >= 5_000)
                        .target("p99 ≤ 50 ms", String.format("%.1f ms", serviceLoad.p99Millis()), serviceLoad.p99Millis() <= 50)
                        .target("no errors", serviceLoad.errors() + " errors", serviceLoad.errors() == 0);
            }
        }
        report.append();
    }

    /** {@code requests} deliveries from {@link #CONCURRENCY} threads, customers numbered from {@code firstId}. */
    private static Load load(ShopifyWebhookSender sender, int requests, int firstId) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>(requests));
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            long start = System.nanoTime();
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < CONCURRENCY; t++) {
                workers.add(pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < requests; n = next.getAndIncrement()) {
                        ObjectNode customer = customer(firstId < 0 ? firstId - n : firstId + n);
                        long sent = System.nanoTime();
                        if (sender.deliver("customers/update", customer) != 200) {
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
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            return new Load(requests / seconds, sorted.get(sorted.size() / 2) / 1e6,
                    sorted.get((int) (sorted.size() * 0.99)) / 1e6, errors.get());
        } finally {
            pool.shutdown();
        }
    }

    private static ObjectNode customer(int n) {
        ObjectNode customer = CUSTOMER.deepCopy();
        return customer.put("id", 5_000_000L + n).put("email", "bench" + n + "@example.com");
    }
}
