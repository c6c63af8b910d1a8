package io.tajo.connectors.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium (package {@code chromium}, /usr/bin/chromium), opening a page as a person's browser
 * does: scripts run, then the DOM is dumped or a screenshot taken. Without it the test fails naming the package.
 */
public final class Chromium {

    public static final Path BINARY = Path.of("/usr/bin/chromium");

    private Chromium() {
    }

    /** The page's DOM after its scripts ran. */
    public static String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    /** A PNG of the page, for a person to look at. */
    public static Path screenshot(String url, Path png) throws IOException, InterruptedException {
        run(List.of("--window-size=1280,800", "--screenshot=" + png, url));
        return png;
    }

    private static String run(List<String> args) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("This test opens the page in headless Chromium: install Debian's chromium package "
                    + "(apt-get install -y chromium), which provides " + BINARY);
        }
        Path profile = Files.createTempDirectory("tajo-chromium");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(args);
        Path output = Files.createTempFile("tajo-chromium", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s: " + command);
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        if (process.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command);
        }
        return out;
    }
}
