package io.tajo.connectors.cli;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.tajo.connectors.TajoEnvironment;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code tajo} command line. Exit codes: 0 ok, 1 failure, 2 usage. */
@Command(name = "tajo", mixinStandardHelpOptions = true, version = "tajo-connectors 0.1.0",
        description = "Keeps Brevo in step with Shopify, HubSpot and Stripe. With no command, runs the service.",
        subcommands = {RunCommand.class, ConnectorsCommand.class, MappingsCommand.class, DlqCommand.class, SkillsCommand.class})
public class TajoCli implements Callable<Integer> {

    @Option(names = "--verbose", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    final TajoEnvironment environment;
    final PrintStream out;
    final PrintStream err;

    TajoCli(TajoEnvironment environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        return new RunCommand(this).call();
    }

    public static int execute(TajoEnvironment environment, PrintStream out, PrintStream err, String... args) {
        TajoCli cli = new TajoCli(environment, out, err);
        CommandLine commandLine = new CommandLine(cli, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                for (var constructor : type.getDeclaredConstructors()) {
                    if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == TajoCli.class) {
                        return type.cast(constructor.newInstance(cli));
                    }
                }
                return CommandLine.defaultFactory().create(type);
            }
        });
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            err.println("tajo: " + redactTokens(ex.getMessage()) + " (see: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof UsageException) {
                err.println("tajo: " + ex.getMessage());
                return 2;
            }
            err.println("tajo: " + oneLine(ex));
            if (cli.verbose) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        commandLine.setExecutionStrategy(parseResult -> {
            // a command prints its own result; the service's info logs are for `tajo run`, and for --verbose
            Map<Logger, Level> quieted = isRun(parseResult) || cli.verbose ? Map.of() : quietInfoLogs();
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } finally {
                quieted.forEach(Logger::setLevel);
            }
        });
        return commandLine.execute(args);
    }

    /** A usage error may echo an argument: a Shopify token typed in the wrong place is masked, never printed. */
    static String redactTokens(String message) {
        return SHOPIFY_TOKEN.matcher(message).replaceAll(match -> match.group(1) + "…");
    }

    private static final java.util.regex.Pattern SHOPIFY_TOKEN = java.util.regex.Pattern.compile("(shp[a-z]{2}_)[A-Za-z0-9]{4,}");

    private static boolean isRun(CommandLine.ParseResult parseResult) {
        return !parseResult.hasSubcommand() || "run".equals(parseResult.subcommand().commandSpec().name());
    }

    /** Raises every logger below WARN to WARN; returns the levels to put back. */
    private static Map<Logger, Level> quietInfoLogs() {
        Map<Logger, Level> levels = new HashMap<>();
        for (Logger logger : ((LoggerContext) LoggerFactory.getILoggerFactory()).getLoggerList()) {
            if (logger.getLevel() != null && !logger.getLevel().isGreaterOrEqual(Level.WARN)) {
                levels.put(logger, logger.getLevel());
                logger.setLevel(Level.WARN);
            }
        }
        return levels;
    }

    /** The error's own message and, when deeper, the root cause's: what went wrong and why, on one line. */
    static String oneLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = firstLine(error);
        String cause = firstLine(root);
        return root == error || top.contains(cause) ? top : top + ": " + cause;
    }

    private static String firstLine(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /** A command used the wrong way: exit code 2 and a line that says how to use it. */
    static class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
