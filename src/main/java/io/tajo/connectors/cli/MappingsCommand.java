package io.tajo.connectors.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.tajo.connectors.TajoEnvironment.Settings;
import io.tajo.connectors.mapping.BrevoAttributeTypes;
import io.tajo.connectors.mapping.MappingCheck;
import io.tajo.connectors.mapping.MappingProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "mappings", mixinStandardHelpOptions = true, description = "Mapping files under mappings/.",
        subcommands = MappingsCommand.Check.class)
class MappingsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new TajoCli.UsageException("mappings needs a subcommand: check (see: tajo mappings --help)");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Checks mapping files against the declared Brevo attribute types (tajo.brevo.attribute-types).")
    static class Check implements Callable<Integer> {
        private final TajoCli cli;

        @Parameters(arity = "0..1", paramLabel = "CONNECTOR", description = "Only this connector's file (e.g. shopify).")
        String connector;

        Check(TajoCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            Settings settings = cli.environment.settings();
            Path dir = Path.of(settings.get("tajo.mappings.dir"));
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("No mappings directory at " + dir.toAbsolutePath()
                        + " (run from the project directory or set TAJO_MAPPINGS_DIR)");
            }
            if (connector != null && !Files.exists(dir.resolve(connector + ".yaml"))) {
                throw new TajoCli.UsageException("no mapping file " + dir.resolve(connector + ".yaml") + " for connector '" + connector + "'");
            }
            BrevoAttributeTypes types = BrevoAttributeTypes.parse(settings.get("tajo.brevo.attribute-types"));
            List<MappingProblem> problems = MappingCheck.check(dir, types, Optional.ofNullable(connector));
            if (problems.isEmpty()) {
                cli.out.println("Mappings OK" + (connector == null ? "" : " for " + connector) + ".");
                return 0;
            }
            problems.forEach(problem -> cli.out.println(problem));
            cli.out.println(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " found.");
            return 1;
        }
    }
}
