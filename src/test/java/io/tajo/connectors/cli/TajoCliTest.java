package io.tajo.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.TajoEnvironment;
import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.brevo.UnmappedRecord;
import io.tajo.connectors.store.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user types it: output, one-line errors and exit codes 0 / 1 / 2. */
class TajoCliTest {

    @TempDir
    Path dataDir;

    record Run(int exit, String out, String err) {
    }

    private Run tajo(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = TajoCli.execute(new TajoEnvironment(env), new PrintStream(out, true), new PrintStream(err, true), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.toString());
        return env;
    }

    @Test
    void helpListsTheCommands() {
        Run run = tajo(env(), "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("run", "mappings", "dlq");
        assertThat(tajo(env(), "dlq", "replay", "--help").out()).contains("--connector", "--code");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageErrorOnOneLine() {
        Run unknown = tajo(env(), "frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().lines()).hasSize(1);
        assertThat(unknown.err()).startsWith("tajo: ").contains("frobnicate").contains("--help");

        Run badOption = tajo(env(), "dlq", "list", "--colour");
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.err().lines()).hasSize(1);

        Run noSubcommand = tajo(env(), "dlq");
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

        assertThat(tajo(env, "dlq", "list").out())
                .contains("stripe", "trackEvent", "invalid_command", "trackEvent needs payload.event_name")
                .contains("shopify", "mapping_failed", "no email")
                .contains("2 dead letters.");
        Run filtered = tajo(env, "dlq", "list", "--connector", "shopify");
        assertThat(filtered.out()).contains("mapping_failed").doesNotContain("invalid_command").contains("1 dead letter.");
        assertThat(tajo(env, "dlq", "list", "--code", "nope").out()).isEqualTo("No dead letters.\n");

        Run replay = tajo(env, "dlq", "replay", "--connector", "shopify");
        assertThat(replay.exit()).isZero();
        assertThat(replay.out()).contains("Replayed 0 dead letters").contains("1 could not be replayed");

        Run purgeWithoutSelection = tajo(env, "dlq", "purge");
        assertThat(purgeWithoutSelection.exit()).isEqualTo(2);
        assertThat(purgeWithoutSelection.err()).isEqualTo("tajo: dlq purge needs IDs, --connector, --code or --all\n");

        assertThat(tajo(env, "dlq", "purge", "--code", "mapping_failed").out()).isEqualTo("Purged 1 dead letter.\n");
        assertThat(tajo(env, "dlq", "purge", "--all").out()).isEqualTo("Purged 1 dead letter.\n");
        assertThat(tajo(env, "dlq", "list").out()).isEqualTo("No dead letters.\n");
    }

    @Test
    void anUnreachableStoreIsAFailureOnOneLineWithTheCauseAndAStackTraceOnlyWhenVerbose() {
        Map<String, String> env = env();
        env.put("TAJO_STATE_URL", "jdbc:h2:tcp://127.0.0.1:1/tajo");
        Run run = tajo(env, "dlq", "list");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).startsWith("tajo: ");

        Run verbose = tajo(env, "dlq", "list", "--verbose");
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void mappingsCheckPassesTheShippedFilesAndNamesFileLineAndFieldOfAWrongType() throws Exception {
        Run shipped = tajo(env(), "mappings", "check");
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
        Run wrong = tajo(env, "mappings", "check", "acme");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).contains("acme.yaml:5:").contains("'orders'").contains("ORDER_COUNT").contains("float")
                .contains("1 problem found.");

        Run missing = tajo(env, "mappings", "check", "nosuch");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("tajo: no mapping file").contains("nosuch.yaml");
    }
}
