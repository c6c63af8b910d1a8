package io.tajo.connectors.cli;

import java.util.Map;
import java.util.concurrent.Callable;

import io.tajo.connectors.TajoEnvironment.Settings;
import io.tajo.connectors.skills.Skill;
import io.tajo.connectors.skills.SkillChoices;
import io.tajo.connectors.store.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "skills", mixinStandardHelpOptions = true,
        description = "Skills: what the service does with the synced data. With no subcommand, lists them.")
class SkillsCommand implements Callable<Integer> {

    private final TajoCli cli;

    SkillsCommand(TajoCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        return list();
    }

    /** One line per skill: name, enabled or disabled, what it does. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the skills, enabled or not, and what each does.")
    int list() {
        Settings settings = cli.environment.settings();
        try (StateStore store = StoreAccess.open(settings)) {
            Map<Skill, Boolean> enabled = SkillChoices.current(store, settings::get);
            enabled.forEach((skill, on) -> cli.out.printf("%-16s %-9s %s%n", skill.skillName(), on ? "enabled" : "disabled",
                    skill.description()));
            return 0;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "Enables a skill; running services start it within seconds.")
    int enable(@Parameters(paramLabel = "NAME", description = "The skill (see: tajo skills list).") String name) {
        return choose(name, true);
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disables a skill; running services stop it within seconds.")
    int disable(@Parameters(paramLabel = "NAME", description = "The skill (see: tajo skills list).") String name) {
        return choose(name, false);
    }

    private int choose(String name, boolean enabled) {
        Skill skill = Skill.of(name).orElseThrow(() -> new TajoCli.UsageException("unknown skill '" + name + "'; known skills: "
                + Skill.names()));
        try (StateStore store = StoreAccess.open(cli.environment.settings())) {
            SkillChoices.choose(store, skill, enabled);
        }
        cli.out.println("Skill " + skill.skillName() + " " + (enabled ? "enabled" : "disabled")
                + "; a running service " + (enabled ? "starts" : "stops") + " it within seconds.");
        return 0;
    }
}
