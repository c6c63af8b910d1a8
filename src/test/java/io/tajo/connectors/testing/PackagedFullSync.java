package io.tajo.connectors.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tajo.connectors.shopify.ShopifyFullSyncTest;

/**
 * {@code java -Xmx<heap> -jar target/tajo.jar connectors sync shopify --full --resource customers} against a
 * Shopify stub exporting {@code customers} generated customers and a Brevo stub, with its GC log read back.
 */
public final class PackagedFullSync {

    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern GC_TIME = Pattern.compile("^\\[([\\d.]+)s\\]");

    /** One collection: when (seconds since the JVM started) and the heap left after it. */
    public record Collection(double atSeconds, long liveMb) {
    }

    /** The run; {@code collectionLog} lists the collections in order (live heap flat when nothing accumulates). */
    public record Result(int exit, double seconds, long peakUsedMb, long peakLiveMb, long collections, List<Collection> collectionLog,
            long fullCollections, String output) {

        /** The most heap left after a collection in the first quarter of the run's time, and in the last quarter. */
        public long[] liveFirstAndLastQuarterMb() {
            return new long[] {quarter(1).max().orElse(0), quarter(4).max().orElse(0)};
        }

        /**
         * The least heap left after a collection in each quarter of the run's time: the troughs of G1's sawtooth. G1
         * leaves garbage in the old generation until a marking cycle finds it, so the heap after a young collection
         * climbs between mixed collections whatever the service keeps; the troughs are what it keeps.
         */
        public long[] retainedByQuarterMb() {
            return new long[] {quarter(1).min().orElse(0), quarter(2).min().orElse(0), quarter(3).min().orElse(0),
                quarter(4).min().orElse(0)};
        }

        private java.util.stream.LongStream quarter(int quarter) {
            double end = collectionLog.isEmpty() ? 0 : collectionLog.get(collectionLog.size() - 1).atSeconds();
            return collectionLog.stream().filter(c -> c.atSeconds() >= end * (quarter - 1) / 4 && c.atSeconds() <= end * quarter / 4)
                    .mapToLong(Collection::liveMb);
        }
    }

    private PackagedFullSync() {
    }

    public static Result run(Path dataDir, BrevoStub brevo, ShopifySyncStub shopify, int customers, String heap) throws Exception {
        return run(dataDir, brevo, shopify, customers, heap, Duration.ofMinutes(10));
    }

    /** As {@link #run(Path, BrevoStub, ShopifySyncStub, int, String)}; a run still going after {@code timeout} is killed: exit -1. */
    public static Result run(Path dataDir, BrevoStub brevo, ShopifySyncStub shopify, int customers, String heap, Duration timeout)
            throws Exception {
        ShopifyFullSyncTest.stubBulkExport(shopify, ShopifyFullSyncTest.customersJsonl(customers), customers);
        Map<String, String> env = shopify.connect(RunningService.environment(dataDir, brevo));
        env.remove("TAJO_ROUTES");
        env.put("SHOPIFY_CUSTOMERS_LIST_ID", "7");
        env.put("BREVO_RATE_CONTACTS", "1000/s");
        Path gcLog = dataDir.resolve("gc.log");
        Path output = dataDir.resolve("tajo.out");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Xlog:gc:file=" + gcLog));
        // e.g. -Dbench.jvm-options=-XX:StartFlightRecording=filename=/tmp/sync.jfr to profile the run
        String jvmOptions = System.getProperty("bench.jvm-options", "").strip();
        if (!jvmOptions.isEmpty()) {
            command.addAll(List.of(jvmOptions.split("\\s+")));
        }
        command.addAll(List.of("-jar", System.getProperty("tajo.jar", "target/tajo.jar"),
                "connectors", "sync", "shopify", "--full", "--resource", "customers"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
            Files.writeString(output, "\ntajo connectors sync did not finish within " + timeout + "; killed\n", StandardOpenOption.APPEND);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long peakUsed = 0;
        long peakLive = 0;
        long collections = 0;
        List<Collection> collectionLog = new ArrayList<>();
        long fullCollections = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher gc = GC_HEAP.matcher(line);
            if (gc.find()) {
                peakUsed = Math.max(peakUsed, Long.parseLong(gc.group(1)));
                peakLive = Math.max(peakLive, Long.parseLong(gc.group(2)));
                Matcher time = GC_TIME.matcher(line);
                collectionLog.add(new Collection(time.find() ? Double.parseDouble(time.group(1)) : 0, Long.parseLong(gc.group(2))));
                collections++;
                fullCollections += line.contains("Pause Full") ? 1 : 0;
            }
        }
        return new Result(finished ? process.exitValue() : -1, seconds, peakUsed, peakLive, collections, collectionLog, fullCollections, Files.readString(output));
    }
}
