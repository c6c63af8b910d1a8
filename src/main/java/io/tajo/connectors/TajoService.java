package io.tajo.connectors;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The service as {@code tajo run} starts it: Camel Main on application.properties and the route files
 * under routes/, reading its settings from the given environment.
 */
public class TajoService extends Main {

    private final TajoEnvironment environment;

    public TajoService(Map<String, String> environment) {
        this(new TajoEnvironment(environment));
    }

    public TajoService(TajoEnvironment environment) {
        this.environment = environment;
        setPropertyPlaceholderLocations(TajoEnvironment.PROPERTIES_LOCATION);
    }

    @Override
    protected CamelContext createCamelContext() {
        CamelContext context = super.createCamelContext();
        environment.applyTo(context);
        return context;
    }
}
