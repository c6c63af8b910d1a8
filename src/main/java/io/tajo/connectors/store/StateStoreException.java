package io.tajo.connectors.store;

import java.sql.SQLException;

/** The store could not be reached or refused a statement: webhooks answer 503 so the platform retries. */
public class StateStoreException extends RuntimeException {
    public StateStoreException(SQLException cause) {
        super("State store unavailable: " + cause.getMessage(), cause);
    }

    public StateStoreException(String message) {
        super(message);
    }
}
