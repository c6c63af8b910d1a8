package io.tajo.connectors;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesFunction;

/**
 * Where {@code {{env:NAME:default}}} in application.properties reads from: the process environment, or the
 * variables a caller hands over (several services can then run side by side in one JVM, each with its own).
 * Also resolves the same settings outside a running service, for CLI commands that only need the store.
 */
public final class TajoEnvironment implements PropertiesFunction {

    public static final String PROPERTIES_LOCATION = "file:application.properties";

    private final Map<String, String> variables;

    public TajoEnvironment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static TajoEnvironment system() {
        return new TajoEnvironment(System.getenv());
    }

    @Override
    public String getName() {
        return "env";
    }

    @Override
    public String apply(String remainder) {
        int colon = remainder.indexOf(':');
        String name = colon < 0 ? remainder : remainder.substring(0, colon);
        String value = variables.get(name);
        if (value == null || value.isEmpty()) {
            return colon < 0 ? null : remainder.substring(colon + 1);
        }
        return value;
    }

    /** Makes a CamelContext read application.properties and this environment. */
    public void applyTo(CamelContext context) {
        context.getPropertiesComponent().setLocation(PROPERTIES_LOCATION);
        context.getPropertiesComponent().addPropertiesFunction(this);
    }

    /** The settings of application.properties as this environment resolves them, for commands that start no routes. */
    public Settings settings() {
        CamelContext context = new DefaultCamelContext(false);
        applyTo(context);
        return key -> context.resolvePropertyPlaceholders("{{" + key + "}}");
    }

    /** Resolved settings by their application.properties key. */
    @FunctionalInterface
    public interface Settings {
        String get(String key);

        /** The setting, or {@code fallback} when application.properties has no such key. */
        default String get(String key, String fallback) {
            try {
                return get(key);
            } catch (IllegalArgumentException notSet) {
                return fallback;
            }
        }
    }
}
