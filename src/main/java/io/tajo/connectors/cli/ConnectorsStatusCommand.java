package io.tajo.connectors.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tajo.connectors.status.ConnectorDiscovery;
import io.tajo.connectors.status.ServiceStatus;
import io.tajo.connectors.status.ServiceStatus.Connector;
import io.tajo.connectors.status.ServiceStatus.Resource;
import io.tajo.connectors.store.StateStore;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `tajo connectors list` and `tajo connectors status [NAME]`: the connectors found in the route files, mapping
 * files, settings and store (see {@link ConnectorDiscovery}), read from the store the running service uses.
 */
final class ConnectorsStatusCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorsStatusCommand() {
    }

    /** The status as the service would show it, from the files and store this CLI sees. */
    static ServiceStatus status(TajoCli cli) {
        CamelContext context = new DefaultCamelContext(false);
        cli.environment.applyTo(context);
        List<String> routeFiles = ConnectorDiscovery.routeFileNames(
                context.resolvePropertyPlaceholders("{{camel.main.routes-include-pattern}}"));
        try (StateStore store = StoreAccess.open(key -> context.resolvePropertyPlaceholders("{{" + key + "}}"))) {
            return new ConnectorDiscovery(routeFiles, ConnectorDiscovery.settingsOf(context), store).status();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the connectors, one line each: mode, and whether the webhook and the sync can run.")
    static class ListConnectors implements Callable<Integer> {
        private final TajoCli cli;

        @Option(names = "--json", description = "Print JSON (the connectors of `status --json`).")
        boolean json;

        ListConnectors(TajoCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws Exception {
            ServiceStatus status = status(cli);
            if (json) {
                cli.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status.connectors()));
                return 0;
            }
            cli.out.printf("%-14s %-9s %-26s %s%n", "CONNECTOR", "MODE", "WEBHOOK", "SYNC");
            for (Connector c : status.connectors()) {
                cli.out.printf("%-14s %-9s %-26s %s%n", c.name(), c.mode(), part(c.webhook()), part(c.sync()));
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows each connector's mode, resources and their last sync (time, checkpoint, lag), outbox depth, "
                    + "dead letters, and the Brevo circuit breaker's state.")
    static class Status implements Callable<Integer> {
        private final TajoCli cli;

        @Parameters(arity = "0..1", paramLabel = "CONNECTOR", description = "Only this connector (default: all).")
        String connector;

        @Option(names = "--json", description = "Print JSON: the shape of GET /status.json.")
        boolean json;

        Status(TajoCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws Exception {
            ServiceStatus status = status(cli);
            List<Connector> shown = status.connectors();
            if (connector != null) {
                Connector one = status.connector(connector);
                if (one == null) {
                    throw new TajoCli.UsageException("unknown connector '" + connector + "': known connectors are "
                            + status.connectors().stream().map(Connector::name).collect(Collectors.joining(", ")));
                }
                shown = List.of(one);
            }
            if (json) {
                Object value = connector == null ? status : shown.get(0);
                cli.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
                return 0;
            }
            for (Connector c : shown) {
                cli.out.println(c.name() + " (" + c.mode() + ")");
                cli.out.println("  webhook       " + part(c.webhook()));
                cli.out.println("  sync          " + part(c.sync()));
                if (c.resources().isEmpty()) {
                    cli.out.println("  resources     -");
                }
                for (int i = 0; i < c.resources().size(); i++) {
                    cli.out.println((i == 0 ? "  resources     " : "                ") + resource(c.resources().get(i)));
                }
                cli.out.println("  outbox        " + outbox(c.outbox()));
                cli.out.println("  dead letters  " + c.deadLetters());
            }
            cli.out.println("Brevo: circuit " + status.brevo().circuit() + (status.brevo().dryRun() ? ", dry-run (BREVO_API_KEY not set)" : "")
                    + "; outbox " + outbox(status.outbox()) + "; dead letters " + status.deadLetters());
            return 0;
        }
    }

    private static String part(ServiceStatus.Part part) {
        return part.route() == null ? "-" : (part.configured() ? "yes" : "no") + " (" + part.detail() + ")";
    }

    private static String resource(Resource r) {
        String name = String.format("%-10s ", r.name());
        if (!r.synced()) {
            return name + "webhooks only";
        }
        if (r.lastSyncAt() == null) {
            return name + "never synced";
        }
        return name + "last sync " + r.lastSyncAt() + " (" + ServiceStatus.ago(r.lagSeconds()) + "), checkpoint " + r.resumesAt();
    }

    private static String outbox(ServiceStatus.Outbox outbox) {
        return outbox.pending() + " pending" + (outbox.oldestPendingSeconds() == null ? ""
                : " (oldest " + outbox.oldestPendingSeconds() + " s)");
    }
}
