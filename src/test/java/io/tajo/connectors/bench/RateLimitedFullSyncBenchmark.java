package io.tajo.connectors.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tajo.connectors.brevo.BrevoOp;
import io.tajo.connectors.shopify.ShopifyFullSyncTest;
import io.tajo.connectors.shopify.ShopifyIncrementalSyncTest;
import io.tajo.connectors.shopify.ShopifySyncRun;
import io.tajo.connectors.shopify.ShopifyGraphql;
import io.tajo.connectors.testing.BrevoRateLimits;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyCostThrottle;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shopify customer syncs against stubs that enforce the published limits: Brevo's rate limits ({@link BrevoRateLimits}:
 * 429 over 10 calls/s on /contacts) and Shopify's GraphQL cost bucket ({@link ShopifyCostThrottle}: 2000 points restored
 * at 100/s). The service runs with its default Brevo rate buckets. Two runs: the full sync of ShopifyFullSyncBenchmark
 * ({@code bench.limited.customers}, 1,000,000 by default; a bulk export, so Brevo's limit binds), and the paginated sync
 * used when there is no bulk export ({@code bench.limited.paged-customers}, 2,000 by default, in pages of 199 costing 998 points; Shopify's
 * cost limit binds). Each prints the elapsed time against the least both limits allow, and the share of 429s (and
 * THROTTLED answers), and appends them to BENCHMARKS.md. Run with {@code mvn -Pbench verify}.
 */
class RateLimitedFullSyncBenchmark {

    /** Stores, stub files and data of a run: deleted after it (a run leaves gigabytes). */
    @TempDir
    Path scratch;

    private static final int CUSTOMERS = Integer.getInteger("bench.limited.customers", 1_000_000);
    private static final int PAGED_CUSTOMERS = Integer.getInteger("bench.limited.paged-customers", 2_000);
    /** Brevo's general-tier limit on /v3/contacts/*, which /contacts/import spends. */
    private static final double CONTACT_CALLS_PER_SECOND = 10;
    /** The service's customers page (ShopifySync's customersPageSize). */
    /** The service's page: as many customers as one query may ask for (Shopify refuses a query costing over 1,000). */
    private static final int PAGE_SIZE = ShopifyGraphql.largestPage("customers");
    /** What Shopify charges for a page of the service's customers query, by its published cost rules. */
    private static final double PAGE_COST = ShopifyGraphql.requestedCost("customers", PAGE_SIZE);

    @Test
    void fullSyncWithinPublishedLimits() throws Exception {
        BenchmarkReport report = new BenchmarkReport("full sync within Brevo's and Shopify's published limits");
        Path dataDir = Files.createTempDirectory(scratch, "tajo-bench-limited");
        try (BrevoStub brevo = BrevoStub.enforcingRateLimits(); ShopifySyncStub shopify = ShopifySyncStub.enforcingCostLimit()) {
            ShopifyFullSyncTest.stubBulkExport(shopify, ShopifyFullSyncTest.customersJsonl(CUSTOMERS), CUSTOMERS);
            try (RunningService service = RunningService.start(serviceEnvironment(dataDir, brevo, shopify))) {
                long start = System.nanoTime();
                var run = ShopifyFullSyncTest.fullSync(service);
                double synced = (System.nanoTime() - start) / 1e9;
                long syncedAt = System.currentTimeMillis();
                double elapsed = awaitDelivered(service, start);
                Outcome outcome = Outcome.of(brevo, shopify, CUSTOMERS);
                BrevoRateLimits brevoLimits = outcome.brevoLimits();
                ShopifyCostThrottle shopifyCost = outcome.shopifyCost();
                int perImport = BrevoOp.UPSERT_CONTACT.maxPerRequest();
                int leastImports = outcome.leastImports();
                // Brevo bounds it: the fewest import calls, at 10 a second; the bulk export's few queries
                // (10 points, then 1 a poll) never empty Shopify's bucket, so Shopify adds no wait
                double minimum = Math.max(leastImports / CONTACT_CALLS_PER_SECOND,
                        (shopifyCost.pointsSpent() - ShopifyCostThrottle.MAXIMUM) / ShopifyCostThrottle.RESTORE_RATE);

                report.figure("%d customers, bulk export (JSONL) streamed in pages to the outbox, service in the test JVM, "
                                + "default Brevo buckets (contacts 10/s)", run.records())
                        .figure("read, mapped and committed to the outbox in %.1f s; all delivered to Brevo in %.1f s (%.0f records/s)",
                                synced, elapsed, CUSTOMERS / elapsed)
                        .figure("Brevo: %d calls (%d /contacts/import, %d contacts each at most), %d answered 429; %d distinct contacts imported",
                                brevoLimits.calls(), outcome.imports(), perImport, brevoLimits.refused(), outcome.imported())
                        .figure("%s", pace(brevo, syncedAt))
                        .figure("Shopify: %d GraphQL queries costing %.0f points of a %.0f-point bucket restored at %.0f/s, %d THROTTLED",
                                shopifyCost.queries(), shopifyCost.pointsSpent(), ShopifyCostThrottle.MAXIMUM,
                                ShopifyCostThrottle.RESTORE_RATE, shopifyCost.throttled())
                        .figure("theoretical minimum: %d imports of %d contacts at %.0f calls/s = %.1f s; elapsed %.1f s = %.1f%% of it",
                                leastImports, perImport, CONTACT_CALLS_PER_SECOND, minimum, elapsed, 100 * elapsed / minimum)
                        .figure("429s (and THROTTLED): %d of %d calls = %.2f%%", outcome.refused(), outcome.calls(), outcome.share());
                outcome.targets(report, elapsed, minimum);
            }
        }
        report.append();
    }
    @Test
    void paginatedSyncWithinPublishedLimits() throws Exception {
        BenchmarkReport report = new BenchmarkReport("paginated customer sync within Brevo's and Shopify's published limits");
        Path dataDir = Files.createTempDirectory(scratch, "tajo-bench-paged");
        try (BrevoStub brevo = BrevoStub.enforcingRateLimits(); ShopifySyncStub shopify = ShopifySyncStub.enforcingCostLimit()) {
            int pages = stubCustomerPages(shopify, PAGED_CUSTOMERS);
            try (RunningService service = RunningService.start(serviceEnvironment(dataDir, brevo, shopify))) {
                long start = System.nanoTime();
                ShopifySyncRun run = ShopifyIncrementalSyncTest.sync(service, "customers");
                double synced = (System.nanoTime() - start) / 1e9;
                double elapsed = awaitDelivered(service, start);
                Outcome outcome = Outcome.of(brevo, shopify, PAGED_CUSTOMERS);
                BrevoRateLimits brevoLimits = outcome.brevoLimits();
                ShopifyCostThrottle shopifyCost = outcome.shopifyCost();
                int leastImports = outcome.leastImports();
                // the bucket pays for its first 2000 points at once, the rest at 100 a second; Brevo needs its fewest
                // imports at 10 a second: the larger bound is the least the two limits together allow
                double shopifyBound = Math.max(0, shopifyCost.pointsSpent() - ShopifyCostThrottle.MAXIMUM) / ShopifyCostThrottle.RESTORE_RATE;
                double brevoBound = leastImports / CONTACT_CALLS_PER_SECOND;
                double minimum = Math.max(shopifyBound, brevoBound);

                report.figure("%d customers in %d pages of customers(first: %d, after: cursor), no checkpoint (the whole shop), "
                                + "service in the test JVM, default Brevo buckets (contacts 10/s)", run.records(), pages, PAGE_SIZE)
                        .figure("read, mapped and committed to the outbox in %.1f s (%.1f s of it waiting for Shopify's bucket); "
                                + "all delivered to Brevo in %.1f s (%.0f records/s)", synced, run.throttledMillis() / 1000.0,
                                elapsed, PAGED_CUSTOMERS / elapsed)
                        .figure("Shopify: %d GraphQL queries at %.0f points each, %.0f points of a %.0f-point bucket restored at %.0f/s, "
                                + "%d THROTTLED", shopifyCost.queries(), PAGE_COST, shopifyCost.pointsSpent(),
                                ShopifyCostThrottle.MAXIMUM, ShopifyCostThrottle.RESTORE_RATE, shopifyCost.throttled())
                        .figure("Brevo: %d calls (%d /contacts/import), %d answered 429; %d distinct contacts imported",
                                brevoLimits.calls(), outcome.imports(), brevoLimits.refused(), outcome.imported())
                        .figure("theoretical minimum: Shopify (%.0f points - %.0f in the bucket) at %.0f/s = %.1f s; Brevo %d imports "
                                + "at %.0f calls/s = %.1f s; so %.1f s; elapsed %.1f s = %.1f%% of it", shopifyCost.pointsSpent(),
                                ShopifyCostThrottle.MAXIMUM, ShopifyCostThrottle.RESTORE_RATE, shopifyBound, leastImports,
                                CONTACT_CALLS_PER_SECOND, brevoBound, minimum, elapsed, 100 * elapsed / minimum)
                        .figure("429s (and THROTTLED): %d of %d calls = %.2f%%", outcome.refused(), outcome.calls(), outcome.share());
                outcome.targets(report, elapsed, minimum);
            }
        }
        report.append();
    }

    /** Seconds from {@code start} until the outbox is empty: every command delivered. */
    private static double awaitDelivered(RunningService service, long start) throws InterruptedException {
        while (service.outbox().pending() > 0) {
            Thread.sleep(20);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** What reached the stubs of a run of {@code customers}: calls, refusals, imports, against the fewest imports possible. */
    private record Outcome(BrevoRateLimits brevoLimits, ShopifyCostThrottle shopifyCost, int customers, int imports,
                           int leastImports, int imported) {
        static Outcome of(BrevoStub brevo, ShopifySyncStub shopify, int customers) {
            int perImport = BrevoOp.UPSERT_CONTACT.maxPerRequest();
            return new Outcome(brevo.rateLimits().orElseThrow(), shopify.costThrottle().orElseThrow(), customers,
                    brevo.requests("POST", "/v3/contacts/import").size(), (customers + perImport - 1) / perImport,
                    ShopifyFullSyncTest.importedEmails(brevo).size());
        }

        int refused() {
            return brevoLimits.refused() + shopifyCost.throttled();
        }

        int calls() {
            return brevoLimits.calls() + shopifyCost.queries();
        }

        double share() {
            return 100.0 * refused() / calls();
        }

        void targets(BenchmarkReport report, double elapsed, double minimum) {
            report.target("within 10 % of the theoretical minimum", String.format(Locale.ROOT, "%.1f%% over it", 100 * (elapsed / minimum - 1)),
                            elapsed <= minimum * 1.10)
                    .target("under 1 % 429s", String.format(Locale.ROOT, "%.2f%%", share()), share() < 1)
                    .target("every customer reaches Brevo", imported + " of " + customers, imported == customers);
        }
    }

    /** The service's own settings for delivery (its default Brevo rate buckets, polling and retries), connected to the stubs. */
    private static Map<String, String> serviceEnvironment(Path dataDir, BrevoStub brevo, ShopifySyncStub shopify) {
        Map<String, String> env = shopify.connect(RunningService.environment(dataDir, brevo));
        for (String testSetting : new String[] {"BREVO_DISPATCH_POLL_MS", "BREVO_RETRY_INITIAL_DELAY", "BREVO_RETRY_MAX_DELAY",
                "BREVO_CIRCUIT_OPEN_SECONDS"}) {
            env.remove(testSetting);
        }
        env.put("SHOPIFY_CUSTOMERS_LIST_ID", "7");
        return env;
    }

    /** The shop's customers as pages of the GraphQL customers connection, each after the previous page's cursor. */
    private static int stubCustomerPages(ShopifySyncStub shopify, int customers) {
        int pages = (customers + PAGE_SIZE - 1) / PAGE_SIZE;
        Instant updated = Instant.parse("2026-01-01T00:00:00Z");
        for (int page = 0; page < pages; page++) {
            List<ObjectNode> nodes = new ArrayList<>();
            for (int i = page * PAGE_SIZE + 1; i <= Math.min(customers, (page + 1) * PAGE_SIZE); i++) {
                nodes.add(ShopifySyncStub.customer(200_000 + i, "p" + i + "@example.com", updated.plusSeconds(i).toString()));
            }
            String endCursor = page + 1 < pages ? "cursor-" + (page + 1) : null;
            shopify.server().stubFor(ShopifySyncStub.pageRequest("customers", page == 0 ? null : "cursor-" + page)
                    .willReturn(ShopifySyncStub.json(ShopifySyncStub.page("customers", nodes, endCursor, 0, PAGE_COST))));
        }
        return pages;
    }

    /**
     * How much of the contacts limit the dispatcher used: from the first call to the last, and from the end of the sync
     * on (when the outbox held a backlog, so only the dispatcher set the pace); and where it sent nothing for longer than
     * a few slots (between two dispatch rounds, waiting for the sync, or for Brevo's reset).
     */
    private static String pace(BrevoStub brevo, long syncedAt) {
        List<Long> times = brevo.requests().stream().filter(r -> r.getUrl().startsWith("/v3/contacts"))
                .map(r -> r.getLoggedDate().getTime()).toList();
        long last = times.get(times.size() - 1);
        double span = (last - times.get(0)) / 1000.0;
        long backlogCalls = times.stream().filter(time -> time >= syncedAt).count();
        double backlogSpan = (last - syncedAt) / 1000.0;
        long gaps = 0;
        long gapMillis = 0;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            if (gap > 3 * 1000 / CONTACT_CALLS_PER_SECOND) {
                gaps++;
                gapMillis += gap;
            }
        }
        return String.format(Locale.ROOT, "pace: %d /contacts calls from the first to the last in %.1f s = %.2f calls/s of the %.0f "
                        + "allowed; after the sync ended %d calls in %.1f s = %.2f calls/s; %d pauses longer than 3 slots between "
                        + "two calls, %.1f s in all", times.size(), span, (times.size() - 1) / span, CONTACT_CALLS_PER_SECOND,
                backlogCalls, backlogSpan, backlogSpan > 0 ? backlogCalls / backlogSpan : 0, gaps, gapMillis / 1000.0);
    }
}
