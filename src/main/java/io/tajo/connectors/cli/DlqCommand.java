package io.tajo.connectors.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.store.DeadLetters.DeadLetter;
import io.tajo.connectors.store.DeadLetters.Filter;
import io.tajo.connectors.store.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead letters: what Brevo refused for good, or what could not be mapped.")
class DlqCommand implements Callable<Integer> {

    private final TajoCli cli;

    DlqCommand(TajoCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        throw new TajoCli.UsageException("dlq needs a subcommand: list, replay or purge (see: tajo dlq --help)");
    }

    /** The filters every dlq subcommand takes. */
    static class Selection {
        @Parameters(paramLabel = "ID", description = "Dead letter ids (default: all that match the filters).")
        List<Long> ids = new ArrayList<>();

        @Option(names = "--connector", paramLabel = "NAME", description = "Only dead letters from this connector (shopify, stripe, ...).")
        String connector;

        @Option(names = "--code", paramLabel = "CODE", description = "Only dead letters with this error code (invalid_parameter, ...).")
        String code;

        Filter filter() {
            return new Filter(ids, connector, code);
        }

        boolean isEmpty() {
            return ids.isEmpty() && connector == null && code == null;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists dead letters, oldest first.")
    int list(@Mixin Selection selection) {
        try (StateStore store = StoreAccess.open(cli.environment.settings())) {
            List<DeadLetter> letters = new DeadLetters(store).list(selection.filter());
            if (letters.isEmpty()) {
                cli.out.println("No dead letters.");
                return 0;
            }
            cli.out.printf("%-6s %-20s %-10s %-16s %-22s %s%n", "ID", "WHEN", "SOURCE", "OP", "CODE", "MESSAGE");
            for (DeadLetter letter : letters) {
                cli.out.printf("%-6d %-20s %-10s %-16s %-22s %s%n", letter.id(),
                        Instant.ofEpochMilli(letter.createdAt()).toString().substring(0, 19),
                        nullToDash(letter.source()), nullToDash(letter.op()), letter.errorCode(), letter.errorMessage());
            }
            cli.out.println(letters.size() + " dead letter" + (letters.size() == 1 ? "" : "s") + ".");
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Sends dead-lettered Brevo commands again (all, or those named or filtered).")
    int replay(@Mixin Selection selection) {
        try (StateStore store = StoreAccess.open(cli.environment.settings())) {
            int matching = new DeadLetters(store).list(selection.filter()).size();
            int replayed = StoreAccess.outbox(store).replay(selection.filter());
            cli.out.println("Replayed " + replayed + " dead letter" + (replayed == 1 ? "" : "s")
                    + " into the outbox; the running service delivers them.");
            if (matching > replayed) {
                cli.out.println((matching - replayed) + " could not be replayed: records that failed mapping "
                        + "are sent again by re-syncing them once the mapping is fixed.");
            }
            return 0;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Deletes dead letters for good.")
    int purge(@Mixin Selection selection,
              @Option(names = "--all", description = "Purge every dead letter (required when no ID or filter is given).") boolean all) {
        if (selection.isEmpty() && !all) {
            throw new TajoCli.UsageException("dlq purge needs IDs, --connector, --code or --all");
        }
        try (StateStore store = StoreAccess.open(cli.environment.settings())) {
            int purged = new DeadLetters(store).purge(selection.filter());
            cli.out.println("Purged " + purged + " dead letter" + (purged == 1 ? "" : "s") + ".");
            return 0;
        }
    }

    private static String nullToDash(String value) {
        return value == null ? "-" : value;
    }
}
