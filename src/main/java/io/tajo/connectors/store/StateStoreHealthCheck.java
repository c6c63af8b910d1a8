package io.tajo.connectors.store;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** The service is only healthy while its store answers: without it no webhook can be acknowledged safely. */
public class StateStoreHealthCheck extends AbstractHealthCheck {

    private StateStore store;

    public StateStoreHealthCheck() {
        super("tajo", "state-store");
    }

    public void setStore(StateStore store) {
        this.store = store;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (store != null && store.isAvailable()) {
            builder.up();
        } else {
            builder.message("state store unavailable").down();
        }
    }
}
