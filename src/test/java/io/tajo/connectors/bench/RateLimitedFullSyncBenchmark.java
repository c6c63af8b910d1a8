package io.tajo.connectors.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.brevo.BrevoOp;
import io.tajo.connectors.shopify.ShopifyFullSyncTest;
import io.tajo.connectors.testing.BrevoRateLimits;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyCostThrottle;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;

/**
 * The full Shopify customer sync of ShopifyFullSyncBenchmark ({@code bench.limited.customers}, 1,000,000 by default)
 * against stubs that enforce the published limits: Brevo's rate limits ({@link BrevoRateLimits}: 429 over 10 calls/s
 * on /contacts) and Shopify's GraphQL cost bucket ({@link ShopifyCostThrottle}). The service runs with its default
 * Brevo rate buckets. Prints the elapsed time against the least those limits allow, and the share of 429s; appends
 * them to BENCHMARKS.md. Run with {@code mvn -Pbench verify}.
 */
class RateLimitedFullSyncBenchmark {

    private static final int CUSTOMERS = Integer.getInteger("bench.limited.customers", 1_000_000);
    /** Brevo's general-tier limit on /v3/contacts/*, which /contacts/import spends. */
    private static final double CONTACT_CALLS_PER_SECOND = 10;

    @Test
    void fullSyncWithinPublishedLimits() throws Exception {
        BenchmarkReport report = new BenchmarkReport("full sync within Brevo's and Shopify's published limits");
        Path dataDir = Files.createTempDirectory("tajo-bench-limited");
        try (BrevoStub brevo = BrevoStub.enforcingRateLimits(); ShopifySyncStub shopify = ShopifySyncStub.enforcingCostLimit()) {
            ShopifyFullSyncTest.stubBulkExport(shopify, ShopifyFullSyncTest.customersJsonl(CUSTOMERS), CUSTOMERS);
            Map<String, String> env = shopify.connect(RunningService.environment(dataDir, brevo));
            // the service's own settings for delivery: its default Brevo rate buckets, polling and retries
            for (String testSetting : new String[] {"BREVO_DISPATCH_POLL_MS", "BREVO_RETRY_INITIAL_DELAY", "BREVO_RETRY_MAX_DELAY",
                    "BREVO_CIRCUIT_OPEN_SECONDS"}) {
                env.remove(testSetting);
            }
            env.put("SHOPIFY_CUSTOMERS_LIST_ID", "7");
            try (RunningService service = RunningService.start(env)) {
                long start = System.nanoTime();
                var run = ShopifyFullSyncTest.fullSync(service);
                double synced = (System.nanoTime() - start) / 1e9;
                while (service.outbox().pending() > 0) {
                    Thread.sleep(20);
                }
                double elapsed = (System.nanoTime() - start) / 1e9;

                BrevoRateLimits brevoLimits = brevo.rateLimits().orElseThrow();
                ShopifyCostThrottle shopifyCost = shopify.costThrottle().orElseThrow();
                int imports = brevo.requests("POST", "/v3/contacts/import").size();
                int perImport = BrevoOp.UPSERT_CONTACT.maxPerRequest();
                int leastImports = (CUSTOMERS + perImport - 1) / perImport;
                // Brevo bounds it: the fewest import calls, at 10 a second; the bulk export's few queries
                // (10 points, then 1 a poll) never empty Shopify's bucket, so Shopify adds no wait
                double minimum = Math.max(leastImports / CONTACT_CALLS_PER_SECOND,
                        (shopifyCost.pointsSpent() - ShopifyCostThrottle.MAXIMUM) / ShopifyCostThrottle.RESTORE_RATE);
                int refused = brevoLimits.refused() + shopifyCost.throttled();
                int calls = brevoLimits.calls() + shopifyCost.queries();
                double share = 100.0 * refused / calls;
                int imported = ShopifyFullSyncTest.importedEmails(brevo).size();
                List<Long> callTimes = brevo.requests().stream().filter(r -> r.getUrl().startsWith("/v3/contacts"))
                        .map(r -> r.getLoggedDate().getTime()).toList();
                double callSpan = (callTimes.get(callTimes.size() - 1) - callTimes.get(0)) / 1000.0;

                report.figure("%d customers, bulk export (JSONL) streamed in pages to the outbox, service in the test JVM, "
                                + "default Brevo buckets (contacts 10/s)", run.records())
                        .figure("read, mapped and committed to the outbox in %.1f s; all delivered to Brevo in %.1f s (%.0f records/s)",
                                synced, elapsed, CUSTOMERS / elapsed)
                        .figure("Brevo: %d calls (%d /contacts/import, %d contacts each at most), %d answered 429; %d distinct contacts imported",
                                brevoLimits.calls(), imports, perImport, brevoLimits.refused(), imported)
                        .figure("pace: %d /contacts calls from the first to the last in %.1f s = %.2f calls/s of the %.0f allowed",
                                callTimes.size(), callSpan, (callTimes.size() - 1) / callSpan, CONTACT_CALLS_PER_SECOND)
                        .figure("Shopify: %d GraphQL queries costing %.0f points of a %.0f-point bucket restored at %.0f/s, %d THROTTLED",
                                shopifyCost.queries(), shopifyCost.pointsSpent(), ShopifyCostThrottle.MAXIMUM,
                                ShopifyCostThrottle.RESTORE_RATE, shopifyCost.throttled())
                        .figure("theoretical minimum: %d imports of %d contacts at %.0f calls/s = %.1f s; elapsed %.1f s = %.1f%% of it",
                                leastImports, perImport, CONTACT_CALLS_PER_SECOND, minimum, elapsed, 100 * elapsed / minimum)
                        .figure("429s (and THROTTLED): %d of %d calls = %.2f%%", refused, calls, share);
                report.target("within 10 % of the theoretical minimum", String.format("%.1f%% over it", 100 * (elapsed / minimum - 1)),
                                elapsed <= minimum * 1.10)
                        .target("under 1 % 429s", String.format("%.2f%%", share), share < 1)
                        .target("every customer reaches Brevo", imported + " of " + CUSTOMERS, imported == CUSTOMERS);
            }
        }
        report.append();
    }
}
