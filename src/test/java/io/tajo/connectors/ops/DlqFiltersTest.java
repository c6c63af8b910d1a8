package io.tajo.connectors.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.brevo.UnmappedRecord;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `tajo dlq` cases TajoCliTest leaves out: ids, filters combined, bad arguments; and what a replay does to the
 * connector's outbox depth in `tajo connectors status`.
 */
class DlqFiltersTest {

    @TempDir
    Path dataDir;
    Map<String, String> env;

    @BeforeEach
    void threeDeadLetters() {
        env = Map.of("TAJO_DATA_DIR", dataDir.toString());
        try (StateStore store = new StateStore()) {
            store.setDataDir(dataDir.toString());
            store.start();
            BrevoOutbox outbox = new BrevoOutbox();
            outbox.setStore(store);
            // id 1: a Shopify record that could not be mapped; 2 and 3: invalid commands (stripe, shopify)
            outbox.enqueue(List.of(
                    new BrevoCommand("trackEvent", "s@example.com", null, "stripe", null, null, null),
                    new BrevoCommand("trackEvent", "h@example.com", null, "shopify", null, null, null)),
                    List.of(new UnmappedRecord("shopify", "customers/9", "{\"id\":9}", "no email")), null, null);
            assertThat(new DeadLetters(store).list(DeadLetters.Filter.all())).extracting(DeadLetters.DeadLetter::id)
                    .containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void anIdThatIsNotANumberOrAFilterWithoutItsValueIsAUsageErrorOnOneLine() {
        Cli.Run notANumber = Cli.tajo(env, "dlq", "replay", "abc");
        assertThat(notANumber.exit()).isEqualTo(2);
        assertThat(notANumber.err().lines()).singleElement().asString().startsWith("tajo: ").contains("abc")
                .endsWith("(see: tajo dlq replay --help)");

        Cli.Run noValue = Cli.tajo(env, "dlq", "list", "--connector");
        assertThat(noValue.exit()).isEqualTo(2);
        assertThat(noValue.err().lines()).singleElement().asString().contains("--connector");
        assertThat(Cli.tajo(env, "dlq", "list").out()).contains("3 dead letters.");
    }

    @Test
    void listByIdAndByConnectorAndCodeTogether() {
        assertThat(Cli.tajo(env, "dlq", "list", "2").out()).contains("stripe", "invalid_command")
                .contains("1 dead letter.").doesNotContain("shopify");
        Cli.Run both = Cli.tajo(env, "dlq", "list", "--connector", "shopify", "--code", "mapping_failed");
        assertThat(both.out()).contains("mapping_failed", "no email").doesNotContain("invalid_command").contains("1 dead letter.");
        assertThat(Cli.tajo(env, "dlq", "list", "--connector", "stripe", "--code", "mapping_failed").out())
                .isEqualTo("No dead letters.\n");
    }

    @Test
    void replayByIdSendsOnlyThatOneAndTheConnectorsOutboxShowsIt() {
        Cli.Run replay = Cli.tajo(env, "dlq", "replay", "2");
        assertThat(replay.exit()).isZero();
        assertThat(replay.out()).isEqualTo("Replayed 1 dead letter into the outbox; the running service delivers them.\n");

        var status = BrevoStub.json(Cli.tajo(env, "connectors", "status", "--json").out());
        assertThat(status.at("/outbox/pending").asLong()).isEqualTo(1);
        assertThat(status.at("/deadLetters").asLong()).isEqualTo(2);
        status.get("connectors").forEach(connector -> {
            if (connector.get("name").asText().equals("stripe")) {
                assertThat(connector.at("/outbox/pending").asLong()).isEqualTo(1);
                assertThat(connector.get("deadLetters").asLong()).isZero();
            }
        });
    }

    @Test
    void purgeByIdAndByConnectorLeaveTheOthers() {
        assertThat(Cli.tajo(env, "dlq", "purge", "1").out()).isEqualTo("Purged 1 dead letter.\n");
        assertThat(Cli.tajo(env, "dlq", "purge", "--connector", "stripe").out()).isEqualTo("Purged 1 dead letter.\n");
        Cli.Run left = Cli.tajo(env, "dlq", "list");
        assertThat(left.out()).contains("shopify", "invalid_command").doesNotContain("stripe", "mapping_failed")
                .contains("1 dead letter.");
        assertThat(Cli.tajo(env, "dlq", "purge", "99").out()).isEqualTo("Purged 0 dead letters.\n");
    }
}
