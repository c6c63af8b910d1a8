package io.tajo.connectors.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.tajo.connectors.TajoEnvironment;
import io.tajo.connectors.cli.TajoCli;

/** The {@code tajo} command line run in this JVM with its own environment, as a user types it. */
public final class Cli {

    private Cli() {
    }

    public record Run(int exit, String out, String err) {
    }

    public static Run tajo(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = TajoCli.execute(new TajoEnvironment(env), new PrintStream(out, true), new PrintStream(err, true), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
