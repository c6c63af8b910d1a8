package io.tajo.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.brevo.UnmappedRecord;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user types it: output, one-line errors and exit codes 0 / 1 / 2. */
class TajoCliTest {

    @TempDir
    Path dataDir;


    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.toString());
        return env;
    }

    @Test
    void helpListsTheCommands() {
        Cli.Run run = Cli.tajo(env(), "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("run", "mappings", "dlq");
        assertThat(Cli.tajo(env(), "dlq", "replay", "--help").out()).contains("--connector", "--code");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageErrorOnOneLine() {
        Cli.Run unknown = Cli.tajo(env(), "frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().lines()).hasSize(1);
        assertThat(unknown.err()).startsWith("tajo: ").contains("frobnicate").contains("--help");

        Cli.Run badOption = Cli.tajo(env(), "dlq", "list", "--colour");
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.err().lines()).hasSize(1);

        Cli.Run noSubcommand = Cli.tajo(env(), "dlq");
        assertThat(noSubcommand.exit()).isEqualTo(2);
        assertThat(noSubcommand.err()).isEqualTo("tajo: dlq needs a subcommand: list, replay or purge (see: tajo dlq --help)\n");
    }

    @Test
    void dlqListsReplaysAndPurgesDeadLettersByFilter() throws Exception {
        Map<String, String> env = env();
        try (StateStore store = new StateStore()) {
            store.setDataDir(dataDir.toString());
            store.start();
            BrevoOutbox outbox = new BrevoOutbox();
            outbox.setStore(store);
            BrevoCommand bad = new BrevoCommand("trackEvent", "x@example.com", null, "stripe", null, null, null);
            outbox.enqueue(List.of(bad), List.of(new UnmappedRecord("shopify", "customers/9", "{\"id\":9}", "no email")),
                    null, null);
        }

        assertThat(Cli.tajo(env, "dlq", "list").out())
                .contains("stripe", "trackEvent", "invalid_command", "trackEvent needs payload.event_name")
                .contains("shopify", "mapping_failed", "no email")
                .contains("2 dead letters.");
        Cli.Run filtered = Cli.tajo(env, "dlq", "list", "--connector", "shopify");
        assertThat(filtered.out()).contains("mapping_failed").doesNotContain("invalid_command").contains("1 dead letter.");
        assertThat(Cli.tajo(env, "dlq", "list", "--code", "nope").out()).isEqualTo("No dead letters.\n");

        Cli.Run replay = Cli.tajo(env, "dlq", "replay", "--connector", "shopify");
        assertThat(replay.exit()).isZero();
        assertThat(replay.out()).contains("Replayed 0 dead letters").contains("1 could not be replayed");

        Cli.Run purgeWithoutSelection = Cli.tajo(env, "dlq", "purge");
        assertThat(purgeWithoutSelection.exit()).isEqualTo(2);
        assertThat(purgeWithoutSelection.err()).isEqualTo("tajo: dlq purge needs IDs, --connector, --code or --all\n");

        assertThat(Cli.tajo(env, "dlq", "purge", "--code", "mapping_failed").out()).isEqualTo("Purged 1 dead letter.\n");
        assertThat(Cli.tajo(env, "dlq", "purge", "--all").out()).isEqualTo("Purged 1 dead letter.\n");
        assertThat(Cli.tajo(env, "dlq", "list").out()).isEqualTo("No dead letters.\n");
    }

    @Test
    void anUnreachableStoreIsAFailureOnOneLineWithTheCauseAndAStackTraceOnlyWhenVerbose() {
        Map<String, String> env = env();
        env.put("TAJO_STATE_URL", "jdbc:h2:tcp://127.0.0.1:1/tajo");
        Cli.Run run = Cli.tajo(env, "dlq", "list");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).startsWith("tajo: ");

        Cli.Run verbose = Cli.tajo(env, "dlq", "list", "--verbose");
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void mappingsCheckPassesTheShippedFilesAndNamesFileLineAndFieldOfAWrongType() throws Exception {
        Cli.Run shipped = Cli.tajo(env(), "mappings", "check");
        assertThat(shipped.exit()).isZero();
        assertThat(shipped.out()).isEqualTo("Mappings OK.\n");

        Path mappings = Files.createDirectories(dataDir.resolve("mappings"));
        Files.writeString(mappings.resolve("acme.yaml"), """
                customers:
                  field_mapping:
                    email: email
                    first_name: FIRSTNAME
                    orders: {to: ORDER_COUNT, transform: lower}
                """);
        Map<String, String> env = env();
        env.put("TAJO_MAPPINGS_DIR", mappings.toString());
        Cli.Run wrong = Cli.tajo(env, "mappings", "check", "acme");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).contains("acme.yaml:5:").contains("'orders'").contains("ORDER_COUNT").contains("float")
                .contains("1 problem found.");

        Cli.Run missing = Cli.tajo(env, "mappings", "check", "nosuch");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("tajo: no mapping file").contains("nosuch.yaml");
    }
}
