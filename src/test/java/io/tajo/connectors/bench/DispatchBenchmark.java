package io.tajo.connectors.bench;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static io.tajo.connectors.testing.Commands.upsertContactInList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dispatch throughput against an unthrottled Brevo stub: prints figures, asserts nothing about speed, and appends
 * them to BENCHMARKS.md. Run with {@code mvn -Pbench verify}.
 */
class DispatchBenchmark {

    /** Stores, stub files and data of a run: deleted after it (a run leaves gigabytes). */
    @TempDir
    Path scratch;

    private static final int BATCHABLE = Integer.getInteger("bench.batchable", 20_000);
    private static final int SOLO = Integer.getInteger("bench.solo", 5_000);

    private static Map<String, String> unthrottled(Path dataDir, BrevoStub brevo) {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        for (String bucket : new String[] {"CONTACTS", "EVENTS", "ORDERS", "PRODUCTS", "EMAILS", "OTHER"}) {
            env.put("BREVO_RATE_" + bucket, "1000000/s");
        }
        env.put("BREVO_DISPATCH_POLL_MS", "20");
        return env;
    }

    private static void awaitDrained(RunningService service) throws InterruptedException {
        while (service.outbox().pending() > 0) {
            Thread.sleep(20);
        }
    }

    @Test
    void dispatchThroughput() throws Exception {
        BenchmarkReport report = new BenchmarkReport("outbox dispatch to an unthrottled Brevo stub");
        Path dataDir = Files.createTempDirectory(scratch, "tajo-bench");
        try (BrevoStub brevo = new BrevoStub(); RunningService service = RunningService.start(unthrottled(dataDir, brevo))) {
            long start = System.nanoTime();
            for (int i = 0; i < BATCHABLE; i++) {
                service.send(upsertContactInList("b" + i + "@example.com", 7, Map.of("FIRSTNAME", "B" + i)));
            }
            long enqueued = System.nanoTime();
            awaitDrained(service);
            long drained = System.nanoTime();
            int calls = brevo.requests().size();
            report.figure("%d single-contact commands (one outbox row each, list 7): enqueued at %.0f/s; "
                            + "all delivered in %.2f s = %.0f commands/s end to end, in %d Brevo calls",
                    BATCHABLE, BATCHABLE / seconds(start, enqueued), seconds(start, drained),
                    BATCHABLE / seconds(start, drained), calls);

            brevo.answerLikeBrevo();
            start = System.nanoTime();
            for (int i = 0; i < SOLO; i++) {
                service.send(upsertContact("s" + i + "@example.com", Map.of("FIRSTNAME", "S" + i)));
            }
            awaitDrained(service);
            drained = System.nanoTime();
            report.figure("%d contacts without a list (POST /contacts each): delivered in %.2f s = %.0f commands/s, "
                            + "%d Brevo calls",
                    SOLO, seconds(start, drained), SOLO / seconds(start, drained), brevo.requests().size());
            report.figure("store file after the run: %.1f MB", Files.size(dataDir.resolve("tajo.mv.db")) / 1e6);
        }
        report.append();
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }
}
