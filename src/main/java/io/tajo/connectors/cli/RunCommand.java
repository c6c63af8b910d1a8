package io.tajo.connectors.cli;

import java.util.concurrent.Callable;

import io.tajo.connectors.TajoService;
import picocli.CommandLine.Command;
import sun.misc.Signal;

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
        // SIGTERM and Ctrl-C stop the routes gracefully before the JVM exits: left to the JVM's shutdown
        // hooks, H2's own hook would close the store while in-flight deliveries still need it
        Signal.handle(new Signal("TERM"), signal -> service.completed());
        Signal.handle(new Signal("INT"), signal -> service.completed());
        service.run();
        return service.getExitCode();
    }
}
