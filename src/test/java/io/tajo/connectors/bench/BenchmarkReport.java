package io.tajo.connectors.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * One dated section of BENCHMARKS.md (repo root): the machine, the command, the figures, and each target with
 * whether it was met. Printed too, so the console shows what was appended.
 */
final class BenchmarkReport {

    static final Path FILE = Path.of(System.getProperty("bench.report", "BENCHMARKS.md"));
    private static final String COMMAND = "mvn -B package -DskipTests && mvn -B -Pbench verify";

    private final String title;
    private final List<String> figures = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();
    private final String loadAtStart = loadAverage();

    BenchmarkReport(String title) {
        this.title = title;
    }

    BenchmarkReport figure(String format, Object... args) {
        String line = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + title + ": " + line);
        figures.add(line);
        return this;
    }

    /** A target, the figure measured against it, and whether it was met. */
    BenchmarkReport target(String target, String measured, boolean met) {
        String line = String.format(Locale.ROOT, "%s — measured %s: **%s**", target, measured, met ? "met" : "not met");
        System.out.println("BENCH " + title + " target: " + line);
        targets.add(line);
        return this;
    }

    void append() throws IOException {
        StringBuilder section = new StringBuilder();
        section.append("\n## ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(" — ").append(title).append("\n\n");
        section.append("- machine: ").append(machine()).append('\n');
        section.append("- 1-minute load average: ").append(loadAtStart).append(" at the start, ").append(loadAverage())
                .append(" at the end").append(sharedNote()).append('\n');
        section.append("- command: `").append(COMMAND).append('`').append(properties()).append('\n');
        section.append("\nFigures:\n\n");
        figures.forEach(line -> section.append("- ").append(line).append('\n'));
        if (!targets.isEmpty()) {
            section.append("\nTargets (issue 6, on a 2-core machine):\n\n");
            targets.forEach(line -> section.append("- ").append(line).append('\n'));
        }
        if (!Files.exists(FILE)) {
            Files.writeString(FILE, "# Benchmarks\n\nAppended by `" + COMMAND + "` (src/test/java/io/tajo/connectors/bench), "
                    + "one dated section per benchmark run, newest last.\n", StandardCharsets.UTF_8);
        }
        Files.writeString(FILE, section, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Cores, memory, OS, Java and the CPU model, read from this machine. */
    static String machine() {
        return String.format(Locale.ROOT, "%d cores (%s), %s RAM, %s, Java %s (%s)",
                Runtime.getRuntime().availableProcessors(), procField("/proc/cpuinfo", "model name"),
                memory(), operatingSystem(), System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
    }

    /** bench.note, e.g. "machine shared with 4 other sessions" (-Dbench.note=...). */
    private static String sharedNote() {
        String note = System.getProperty("bench.note", "");
        return note.isBlank() ? "" : " (" + note + ")";
    }

    /** The bench.* settings this run used, so it can be repeated. */
    private static String properties() {
        TreeMap<String, String> bench = new TreeMap<>();
        System.getProperties().forEach((key, value) -> {
            if (key.toString().startsWith("bench.") && !key.equals("bench.note") && !key.equals("bench.report")) {
                bench.put(key.toString(), value.toString());
            }
        });
        StringBuilder line = new StringBuilder();
        bench.forEach((key, value) -> line.append(" -D").append(key).append('=').append(value));
        return line.length() == 0 ? "" : " with `" + line.toString().strip() + "`";
    }

    private static String memory() {
        String kb = procField("/proc/meminfo", "MemTotal").replace("kB", "").trim();
        try {
            return String.format(Locale.ROOT, "%.1f GB", Long.parseLong(kb) / 1024d / 1024d);
        } catch (NumberFormatException e) {
            return "unknown";
        }
    }

    private static String operatingSystem() {
        String pretty = procField("/etc/os-release", "PRETTY_NAME").replace("\"", "");
        return (pretty.equals("unknown") ? System.getProperty("os.name") : pretty) + " (kernel " + System.getProperty("os.version") + ")";
    }

    /** The value of the first {@code name: value} or {@code name=value} line of a system file. */
    private static String procField(String file, String name) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(name)) {
                    return line.substring(line.indexOf(line.contains(":") ? ':' : '=') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux: say so below
        }
        return "unknown";
    }
}
