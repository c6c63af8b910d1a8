package io.tajo.connectors.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.shopify.ShopifyFullSyncTest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.PackagedFullSync;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;

/**
 * A full Shopify customer sync of a large shop (a bulk export of {@code bench.customers} lines, 100,000 by default)
 * against WireMock stubs: prints records/s and peak heap, asserts nothing about speed. Run with
 * {@code mvn -B package -DskipTests && mvn -Pbench verify}: the second part runs the packaged jar as a user
 * does, {@code java -Xmx256m -jar target/tajo.jar connectors sync shopify --full --resource customers} (the
 * surefire run of this class comes before packaging, hence the first step); ShopifyFullSyncIT asserts it.
 */
class ShopifyFullSyncBenchmark {

    private static final int CUSTOMERS = Integer.getInteger("bench.customers", 100_000);
    private static final String XMX = System.getProperty("bench.xmx", "256m");

    private static Map<String, String> unthrottled(Map<String, String> env) {
        env.put("SHOPIFY_CUSTOMERS_LIST_ID", "7");
        for (String bucket : new String[] {"CONTACTS", "EVENTS", "ORDERS", "PRODUCTS", "EMAILS", "OTHER"}) {
            env.put("BREVO_RATE_" + bucket, "1000000/s");
        }
        return env;
    }

    @Test
    void fullSyncInThisJvm() throws Exception {
        Path dataDir = Files.createTempDirectory("tajo-bench-shopify");
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            ShopifyFullSyncTest.stubBulkExport(shopify, ShopifyFullSyncTest.customersJsonl(CUSTOMERS), CUSTOMERS);
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
                System.out.printf("BENCH shopify full sync in-JVM, %d customers: streamed, mapped and enqueued in %.1f s = %.0f records/s; "
                                + "delivered to Brevo in %.1f s (%d import calls); peak heap of the test JVM %.0f MB "
                                + "(it also holds WireMock's %d MB JSONL and its request journal)%n",
                        run.records(), synced, run.records() / synced, delivered,
                        brevo.requests("POST", "/v3/contacts/import").size(), peak / 1e6,
                        CUSTOMERS * 260L / 1_000_000);
            }
        }
    }

    @Test
    void fullSyncOfThePackagedJar() throws Exception {
        Path dataDir = Files.createTempDirectory("tajo-bench-shopify-jar");
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            PackagedFullSync.Result run = PackagedFullSync.run(dataDir, brevo, shopify, CUSTOMERS, XMX);
            System.out.printf("BENCH shopify full sync, java -Xmx%s -jar target/tajo.jar connectors sync shopify --full: exit %d in %.1f s "
                            + "(%.0f records/s including JVM start and delivery); heap at most %d MB used before a GC, at most %d MB "
                            + "live after one, over %d GCs; %d contacts imported to Brevo%n",
                    XMX, run.exit(), run.seconds(), CUSTOMERS / run.seconds(), run.peakUsedMb(), run.peakLiveMb(),
                    run.collections(), ShopifyFullSyncTest.importedEmails(brevo).size());
            System.out.println("BENCH its output: " + run.output().strip().replace("\n", " | "));
        }
    }
}
