package io.tajo.connectors.cli;

import io.tajo.connectors.TajoEnvironment.Settings;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.store.StateStore;

/** The state store as the running service sees it, opened by CLI commands (H2 lets both in at once). */
final class StoreAccess {

    private StoreAccess() {
    }

    static StateStore open(Settings settings) {
        StateStore store = new StateStore();
        store.setUrl(settings.get("tajo.state.url"));
        store.setUser(settings.get("tajo.state.user"));
        store.setPassword(settings.get("tajo.state.password"));
        store.setDataDir(settings.get("tajo.data-dir"));
        store.setMaxPoolSize(2);
        store.start();
        return store;
    }

    static BrevoOutbox outbox(StateStore store) {
        BrevoOutbox outbox = new BrevoOutbox();
        outbox.setStore(store);
        return outbox;
    }
}
