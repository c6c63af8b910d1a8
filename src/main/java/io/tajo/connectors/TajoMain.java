package io.tajo.connectors;

import io.tajo.connectors.cli.TajoCli;

/** {@code java -jar target/tajo.jar [command]}: the CLI, whose default command runs the service. */
public final class TajoMain {

    private TajoMain() {
    }

    public static void main(String[] args) {
        System.exit(TajoCli.execute(TajoEnvironment.system(), System.out, System.err, args));
    }
}
