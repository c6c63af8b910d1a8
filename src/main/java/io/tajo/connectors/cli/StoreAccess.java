package io.tajo.connectors.cli;

import io.tajo.connectors.TajoEnvironment.Settings;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.shopify.ShopifyAccessTokens;
import io.tajo.connectors.store.ConnectorCredentials;
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

    /** Stored connector credentials, decrypted with TAJO_MASTER_KEY as the service does. */
    static ConnectorCredentials credentials(StateStore store, Settings settings) {
        ConnectorCredentials credentials = new ConnectorCredentials();
        credentials.setStore(store);
        credentials.setMasterKey(settings.get("tajo.master-key"));
        return credentials;
    }

    /** The Shopify shop and token as the service's shopifyAccessTokens bean hands them out (refreshing when due). */
    static ShopifyAccessTokens shopifyAccessTokens(StateStore store, Settings settings) {
        ShopifyAccessTokens tokens = new ShopifyAccessTokens();
        tokens.setCredentials(credentials(store, settings));
        tokens.setShopUrl(settings.get("tajo.shopify.shop-url"));
        tokens.setAccessToken(settings.get("tajo.shopify.access-token"));
        tokens.setApiKey(settings.get("tajo.shopify.api-key"));
        tokens.setApiSecret(settings.get("tajo.shopify.api-secret"));
        tokens.setApiVersion(settings.get("tajo.shopify.api-version"));
        tokens.setBaseUrl(settings.get("tajo.shopify.base-url"));
        tokens.setRefreshMargin(settings.get("tajo.shopify.token-refresh-margin"));
        return tokens;
    }
}
