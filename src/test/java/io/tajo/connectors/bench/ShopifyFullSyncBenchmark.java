package io.tajo.connectors.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tajo.connectors.shopify.ShopifyFullSyncTest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.PackagedFullSync;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full Shopify customer sync of a large shop (a bulk export of {@code bench.customers} lines, 1,000,000 by default)
 * into an unthrottled Brevo stub: prints records/s and peak heap, asserts nothing about speed, and appends the
 * figures to BENCHMARKS.md. Run with {@code mvn -B package -DskipTests && mvn -Pbench verify}: the packaged jar runs
 * as a user runs it, {@code java -Xmx256m -jar target/tajo.jar connectors sync shopify --full --resource customers}
 * (the surefire run of this class comes before packaging, hence the first step); ShopifyFullSyncIT asserts it.
 * The same sync in the test JVM ({@code bench.customers.in-jvm}, 100,000 by default) shows the sync alone, without
 * the JVM's start or the CLI.
 */
class ShopifyFullSyncBenchmark {

    /** Stores, stub files and data of a run: deleted after it (a run leaves gigabytes). */
    @TempDir
    Path scratch;

    private static final int CUSTOMERS = Integer.getInteger("bench.customers", 1_000_000);
    private static final int CUSTOMERS_IN_JVM = Integer.getInteger("bench.customers.in-jvm", 100_000);
    private static final String XMX = System.getProperty("bench.xmx", "256m");
    /** How long the packaged jar's run may take before it is killed and reported as such. */
    private static final Duration TIMEOUT = Duration.parse(System.getProperty("bench.timeout", "PT10M"));
    /** The CLI's summary line: "shopify customers: 1000000 records in 80.1 s (12484/s), checkpoint ..." */
    private static final Pattern CLI_RATE = Pattern.compile("(\\d+) records in ([\\d.]+) s \\((\\d+)/s\\)");

    /** What stopped a run, in one line: the first OutOfMemoryError, else the CLI's last line. */
    private static String failure(String output) {
        List<String> lines = output.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("at ")).toList();
        String cause = lines.stream().filter(line -> line.contains("OutOfMemoryError") || line.contains("did not finish within")).findFirst()
                .orElse(lines.isEmpty() ? "no output" : lines.get(lines.size() - 1));
        return "the run's output says: " + (cause.length() > 300 ? cause.substring(0, 300) + "..." : cause);
    }

    private static Map<String, String> unthrottled(Map<String, String> env) {
        env.put("SHOPIFY_CUSTOMERS_LIST_ID", "7");
        for (String bucket : new String[] {"CONTACTS", "EVENTS", "ORDERS", "PRODUCTS", "EMAILS", "OTHER"}) {
            env.put("BREVO_RATE_" + bucket, "1000000/s");
        }
        return env;
    }

    @Test
    void fullSyncInThisJvm() throws Exception {
        Path dataDir = Files.createTempDirectory(scratch, "tajo-bench-shopify");
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            ShopifyFullSyncTest.stubBulkExport(shopify, ShopifyFullSyncTest.customersJsonl(CUSTOMERS_IN_JVM), CUSTOMERS_IN_JVM);
            try (RunningService service = RunningService.start(unthrottled(shopify.connect(RunningService.environment(dataDir, brevo))))) {
                System.gc();
                List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
                heap.forEach(MemoryPoolMXBean::resetPeakUsage);
                long start = System.nanoTime();
                var run = ShopifyFullSyncTest.fullSync(service);
                double synced = (System.nanoTime() - start) / 1e9;
                while (service.outbox().pending() > 0) {
                    Thread.sleep(50);
                }
                double delivered = (System.nanoTime() - start) / 1e9;
                long peak = heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
                BenchmarkReport report = new BenchmarkReport("full sync in the test JVM (unthrottled Brevo stub)");
                report.figure("%d customers streamed, mapped and committed to the outbox in %.1f s = %.0f records/s", run.records(),
                                synced, run.records() / synced)
                        .figure("delivered to Brevo in %.1f s = %.0f records/s end to end (%d import calls)", delivered,
                                run.records() / delivered, brevo.requests("POST", "/v3/contacts/import").size())
                        .figure("peak heap of the test JVM %.0f MB (it also holds WireMock's %d MB JSONL and its request journal)",
                                peak / 1e6, CUSTOMERS_IN_JVM * 260L / 1_000_000);
                report.append();
            }
        }
    }

    @Test
    void fullSyncOfThePackagedJar() throws Exception {
        BenchmarkReport report = new BenchmarkReport("full sync of the packaged jar under -Xmx" + XMX + " (unthrottled Brevo stub)");
        Path dataDir = Files.createTempDirectory(scratch, "tajo-bench-shopify-jar");
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            PackagedFullSync.Result run = PackagedFullSync.run(dataDir, brevo, shopify, CUSTOMERS, XMX, TIMEOUT);
            int imported = ShopifyFullSyncTest.importedEmails(brevo).size();
            // records that reached Brevo, over the whole run: a run that stopped early counts only what it delivered
            double recordsPerSecond = imported / run.seconds();
            long[] live = run.liveFirstAndLastQuarterMb();
            long[] retained = run.retainedByQuarterMb();
            // flat: what the service keeps (the troughs after GC) does not climb from the second quarter (the first holds
            // the start) to the last, and the heap never runs so short that G1 needs a full GC
            boolean flat = retained[3] <= retained[1] * 1.2 + 8 && run.fullCollections() == 0;
            Matcher cli = CLI_RATE.matcher(run.output());
            report.figure("`java -Xmx%s -Xlog:gc -jar target/tajo.jar connectors sync shopify --full --resource customers`, %d customers "
                            + "from a local bulk-JSONL stub: exit %d in %.1f s = %.0f records/s delivered to Brevo, counting the JVM's start",
                            XMX, CUSTOMERS, run.exit(), run.seconds(), recordsPerSecond)
                    .figure("the CLI's own line: %s", cli.find() ? cli.group() : "none; " + failure(run.output()))
                    .figure("heap: at most %d MB used before a GC, at most %d MB left after one, over %d GCs (%d of them full); left after "
                            + "GC at most %d MB in the run's first quarter, %d MB in its last; at least (the troughs: what stays live) "
                            + "%d, %d, %d and %d MB in its four quarters", run.peakUsedMb(), run.peakLiveMb(), run.collections(),
                            run.fullCollections(), live[0], live[1], retained[0], retained[1], retained[2], retained[3])
                    .figure("%d distinct contacts imported to Brevo in %d /contacts/import calls", imported,
                            brevo.requests("POST", "/v3/contacts/import").size());
            report.target("≥ 50,000 records/s", String.format("%.0f records/s", recordsPerSecond), run.exit() == 0 && recordsPerSecond >= 50_000)
                    .target("flat heap (the least left after a GC in the run's last quarter within 20 % + 8 MB of the least in its second, "
                            + "no full GC)", retained[1] + " MB then " + retained[3] + " MB, " + run.fullCollections() + " full GCs",
                            run.exit() == 0 && flat)
                    .target("every customer reaches Brevo", imported + " of " + CUSTOMERS, run.exit() == 0 && imported == CUSTOMERS);
        }
        report.append();
    }
}
