package io.tajo.connectors.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP load from wrk (Debian's package {@code wrk}), a separate C process, so the load generator takes as little of
 * the two cores as it can: pre-built requests replayed by src/test/resources/bench/replay.lua at a fixed number
 * of connections for a fixed time.
 */
final class Wrk {

    /** What one run measured. {@code repeats}: requests sent after the pool of distinct ones ran out. */
    record Load(long requests, double seconds, long errors, double p50Millis, double p99Millis, long repeats,
                double cpuMillisPerRequest, double compilerShare) {
        double requestsPerSecond() {
            return requests / seconds;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f requests/s (%d in %.1f s), p50 %.1f ms, p99 %.1f ms, %d errors, "
                            + "%.3f ms of this JVM's CPU per request", requestsPerSecond(), requests, seconds, p50Millis,
                    p99Millis, errors, cpuMillisPerRequest)
                    + (Double.isNaN(compilerShare) ? "" : String.format(Locale.ROOT, " (%.0f %% of that CPU in the JIT compiler's threads)", 100 * compilerShare))
                    + (repeats > 0 ? ", " + repeats + " of them repeats of earlier requests" : "");
        }
    }

    /** One request: its headers (without Host and Content-Length) and body. */
    record Request(Map<String, String> headers, byte[] body) {
    }

    private static final Pattern RESULT = Pattern.compile(
            "WRK requests=(\\d+) duration_us=(\\d+) status_errors=(\\d+) socket_errors=(\\d+) p50_us=(\\d+) p99_us=(\\d+)");

    private Wrk() {
    }

    /** Fails with the way to install wrk when it is missing. */
    static void requireInstalled() {
        try {
            Process version = new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            version.waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("The webhook benchmark needs wrk on the PATH: install it with "
                    + "`apt-get install -y wrk` (Debian's package)", e);
        }
    }

    /** POSTs {@code requests} in order to {@code url} from {@code connections} connections for {@code duration}. */
    static Load post(String url, List<Request> requests, int connections, Duration duration) throws Exception {
        Path dir = Files.createTempDirectory("tajo-wrk");
        Path script = dir.resolve("replay.lua");
        try (InputStream in = Wrk.class.getResourceAsStream("/bench/replay.lua")) {
            Files.write(script, in.readAllBytes());
        }
        Path file = dir.resolve("requests");
        Files.write(file, raw(URI.create(url), requests));
        int threads = Math.min(connections, Runtime.getRuntime().availableProcessors());
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections, "-d" + duration.toSeconds() + "s",
                "--timeout", "10s", "-s", script.toString(), url, "--", file.toString(), Integer.toString(threads));
        long cpuBefore = processCpuNanos();
        long[] ticksBefore = compilerAndAllTicks();
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = wrk.waitFor();
        long cpu = processCpuNanos() - cpuBefore;
        long[] ticksAfter = compilerAndAllTicks();
        Matcher result = RESULT.matcher(output);
        if (exit != 0 || !result.find()) {
            throw new IllegalStateException("wrk exited " + exit + ": " + output);
        }
        long sent = Long.parseLong(result.group(1));
        Files.delete(file);
        Files.delete(script);
        Files.delete(dir);
        return new Load(sent, Long.parseLong(result.group(2)) / 1e6,
                Long.parseLong(result.group(3)) + Long.parseLong(result.group(4)),
                Long.parseLong(result.group(5)) / 1e3, Long.parseLong(result.group(6)) / 1e3,
                Math.max(0, sent - requests.size()), cpu / 1e6 / sent,
                ticksBefore == null || ticksAfter == null || ticksAfter[1] == ticksBefore[1] ? Double.NaN
                        : (double) (ticksAfter[0] - ticksBefore[0]) / (ticksAfter[1] - ticksBefore[1]));
    }

    /**
     * CPU ticks so far of this JVM's JIT compiler threads and of all its threads, from Linux's /proc/self/task (the
     * compiler's threads are not Java threads: no MXBean reports them); null where there is no /proc.
     */
    private static long[] compilerAndAllTicks() {
        long[] ticks = new long[2];
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);  // utime + stime
                    ticks[1] += used;
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        ticks[0] += used;
                    }
                } catch (java.io.IOException | RuntimeException threadEnded) {
                    // a thread that ended while it was read: left out
                }
            }
            return ticks;
        } catch (java.io.IOException | RuntimeException noProc) {
            return null;
        }
    }

    /** CPU time of this JVM (the service, and whatever else runs in it) so far. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Each request as HTTP/1.1 bytes, preceded by a line with their length. */
    private static byte[] raw(URI url, List<Request> requests) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        for (Request request : requests) {
            lines.clear();
            lines.add("POST " + url.getRawPath() + " HTTP/1.1");
            lines.add("Host: " + url.getHost() + ":" + url.getPort());
            request.headers().forEach((name, value) -> lines.add(name + ": " + value));
            lines.add("Content-Length: " + request.body().length);
            byte[] head = (String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            out.write(Integer.toString(head.length + request.body().length).getBytes(StandardCharsets.US_ASCII));
            out.write('\n');
            out.write(head);
            out.write(request.body());
        }
        return out.toByteArray();
    }
}
