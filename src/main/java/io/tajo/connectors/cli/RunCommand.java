package io.tajo.connectors.cli;

import java.util.concurrent.Callable;

import io.tajo.connectors.TajoService;
import picocli.CommandLine.Command;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs the service: webhooks, scheduled syncs and delivery to Brevo, until stopped (SIGTERM or Ctrl-C).")
class RunCommand implements Callable<Integer> {

    private final TajoCli cli;

    RunCommand(TajoCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        TajoService service = new TajoService(cli.environment);
        service.run();
        return service.getExitCode();
    }
}
