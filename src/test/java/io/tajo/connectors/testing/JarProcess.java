package io.tajo.connectors.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code java -jar target/tajo.jar} as a user starts it, in its own process, with its own environment. */
public final class JarProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Path log;
    private final int port;
    private final long startedAt = System.nanoTime();

    private JarProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static JarProcess start(Map<String, String> environment, Path log) throws IOException {
        String jar = System.getProperty("tajo.jar", "target/tajo.jar");
        ProcessBuilder builder = new ProcessBuilder(List.of(javaBin(), "-jar", jar))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return new JarProcess(builder.start(), log, Integer.parseInt(environment.get("TAJO_HTTP_PORT")));
    }

    /** {@code java -jar target/tajo.jar args...} run to completion, as a user types a CLI command. */
    public static Cli.Run run(Map<String, String> environment, String... args) throws Exception {
        String jar = System.getProperty("tajo.jar", "target/tajo.jar");
        List<String> command = new java.util.ArrayList<>(List.of(javaBin(), "-jar", jar));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("tajo-out", ".txt");
        Path err = Files.createTempFile("tajo-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tajo " + String.join(" ", args) + " did not finish within 60 s");
        }
        try {
            return new Cli.Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public long pid() {
        return process.pid();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Waits until GET /observe/health answers UP; returns the milliseconds from process start. */
    public long awaitHealthy(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("tajo exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(url("/observe/health")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200 && health.body().contains("UP")) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("tajo not healthy within " + timeout + ":\n" + Files.readString(log));
    }

    /** SIGTERM, then waits for the process to end; returns its exit code. */
    public int terminate(Duration timeout) throws Exception {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("tajo did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hook, no flush, nothing graceful. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
