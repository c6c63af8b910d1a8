package io.tajo.connectors.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.tajo.connectors.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `tajo skills list | enable NAME | disable NAME`: one line per skill, choices kept in the store, usage errors exit 2. */
class SkillsCommandTest {

    private static final String CUSTOMER_SYNC = "platform customers to Brevo contacts, from webhooks and syncs (delete_behavior, list_id)";
    private static final String ABANDONED_CART = "idle Shopify checkouts: cart_abandoned event, reminder emails, cart_recovered";
    private static final String CONSENT_SYNC = "Brevo unsubscribes, hard bounces and spam complaints back to Shopify and HubSpot";

    @TempDir
    Path dataDir;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.toString());
        return env;
    }

    private static String line(String name, String state, String description) {
        return String.format("%-16s %-9s %s%n", name, state, description);
    }

    @Test
    void listShowsEverySkillWithItsDefaultUntilChosen() {
        Cli.Run list = Cli.tajo(env(), "skills", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).isEqualTo(line("customer-sync", "enabled", CUSTOMER_SYNC) + line("abandoned-cart", "disabled", ABANDONED_CART)
                + line("consent-sync", "enabled", CONSENT_SYNC));
        assertThat(list.err()).isEmpty();

        // with no subcommand, the same list
        assertThat(Cli.tajo(env(), "skills").out()).isEqualTo(list.out());

        // the defaults come from application.properties, read from the environment
        Map<String, String> env = env();
        env.put("TAJO_SKILL_ABANDONED_CART_ENABLED", "true");
        env.put("TAJO_SKILL_CUSTOMER_SYNC_ENABLED", "false");
        assertThat(Cli.tajo(env, "skills", "list").out())
                .isEqualTo(line("customer-sync", "disabled", CUSTOMER_SYNC) + line("abandoned-cart", "enabled", ABANDONED_CART)
                        + line("consent-sync", "enabled", CONSENT_SYNC));
    }

    @Test
    void enableAndDisableAreStoredAndWinOverTheDefaults() {
        Cli.Run enable = Cli.tajo(env(), "skills", "enable", "abandoned-cart");
        assertThat(enable.exit()).as(enable.err()).isZero();
        assertThat(enable.out()).isEqualTo("Skill abandoned-cart enabled; a running service starts it within seconds.\n");

        Cli.Run disable = Cli.tajo(env(), "skills", "disable", "customer-sync");
        assertThat(disable.exit()).as(disable.err()).isZero();
        assertThat(disable.out()).isEqualTo("Skill customer-sync disabled; a running service stops it within seconds.\n");

        assertThat(Cli.tajo(env(), "skills", "list").out())
                .isEqualTo(line("customer-sync", "disabled", CUSTOMER_SYNC) + line("abandoned-cart", "enabled", ABANDONED_CART)
                        + line("consent-sync", "enabled", CONSENT_SYNC));

        // a stored choice beats the environment's default
        Map<String, String> env = env();
        env.put("TAJO_SKILL_ABANDONED_CART_ENABLED", "false");
        assertThat(Cli.tajo(env, "skills", "list").out()).contains(line("abandoned-cart", "enabled", ABANDONED_CART));

        assertThat(Cli.tajo(env(), "skills", "disable", "abandoned-cart").exit()).isZero();
        assertThat(Cli.tajo(env(), "skills", "list").out()).contains(line("abandoned-cart", "disabled", ABANDONED_CART));
    }

    @Test
    void anUnknownSkillOrAMissingNameIsAUsageError() {
        Cli.Run unknown = Cli.tajo(env(), "skills", "enable", "consent-syncc");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("tajo: unknown skill 'consent-syncc'; known skills: customer-sync, abandoned-cart, consent-sync\n");
        assertThat(unknown.out()).isEmpty();

        Cli.Run missing = Cli.tajo(env(), "skills", "disable");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().lines()).hasSize(1);
        assertThat(missing.err()).startsWith("tajo: ").contains("NAME").contains("tajo skills disable --help");

        Cli.Run extra = Cli.tajo(env(), "skills", "list", "abandoned-cart");
        assertThat(extra.exit()).isEqualTo(2);
        assertThat(extra.err().lines()).hasSize(1);

        Cli.Run unknownSubcommand = Cli.tajo(env(), "skills", "start", "abandoned-cart");
        assertThat(unknownSubcommand.exit()).isEqualTo(2);

        // nothing was stored by the refused commands
        assertThat(Cli.tajo(env(), "skills", "list").out())
                .isEqualTo(line("customer-sync", "enabled", CUSTOMER_SYNC) + line("abandoned-cart", "disabled", ABANDONED_CART)
                        + line("consent-sync", "enabled", CONSENT_SYNC));
    }

    @Test
    void helpNamesTheSubcommands() {
        Cli.Run help = Cli.tajo(env(), "skills", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("list", "enable", "disable");
        assertThat(Cli.tajo(env(), "--help").out()).contains("skills");
    }
}
