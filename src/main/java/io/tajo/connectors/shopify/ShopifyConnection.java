package io.tajo.connectors.shopify;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where and how the sync reaches a shop's Admin API, and whether scheduled syncs may run: only in
 * {@code batch} or {@code hybrid} mode, and only once the shop is connected (its shop and token set in the
 * environment, or stored by `tajo connectors connect` or the OAuth install; see {@link ShopifyAccessTokens}).
 */
public class ShopifyConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyConnection.class);

    private ShopifyAccessTokens tokens;
    private String mode = "hybrid";

    public void setTokens(ShopifyAccessTokens tokens) { this.tokens = tokens; }
    public void setMode(String mode) { this.mode = trim(mode).toLowerCase(Locale.ROOT); }

    /** The connector mode: realtime (webhooks only), batch (schedule only) or hybrid (both). */
    public String mode() {
        return mode;
    }

    /** Says once, at start, whether scheduled Shopify syncs will run and if not why. */
    public void start() {
        if (!mode.equals("realtime") && !mode.equals("batch") && !mode.equals("hybrid")) {
            throw new IllegalArgumentException("TAJO_SHOPIFY_MODE must be realtime, batch or hybrid, not '" + mode + "'");
        }
        if (!isConnected()) {
            LOG.info("Shopify sync not connected: {} (or run tajo connectors connect shopify)", missing());
        } else if (!scheduledSyncEnabled()) {
            LOG.info("Shopify sync: mode realtime, no scheduled sync");
        } else {
            LOG.info("Shopify sync scheduled for {} ({} mode)", tokens.shop(), mode);
        }
    }

    public boolean isConnected() {
        return tokens.isConnected();
    }

    /** Stops a sync that cannot reach the shop, with what to set. */
    public void requireConnected() {
        if (!isConnected()) {
            throw new IllegalStateException("Shopify is not connected: " + missing() + " (set them, or run tajo connectors connect shopify)");
        }
    }

    /** What is missing for the sync to reach the shop, naming the variables to set. */
    public String missing() {
        if (isConnected()) {
            return "nothing";
        }
        return tokens.configuredShop().isPresent() ? "SHOPIFY_ACCESS_TOKEN is not set"
                : "SHOPIFY_SHOP_URL and SHOPIFY_ACCESS_TOKEN are not set and no shop is stored";
    }

    /** True when the scheduled (quartz) syncs should pull: connected, and mode batch or hybrid. */
    public boolean scheduledSyncEnabled() {
        return isConnected() && !mode.equals("realtime");
    }

    public String graphqlUrl() {
        String base = tokens.getBaseUrl().isEmpty() ? "https://" + tokens.shop() : tokens.getBaseUrl();
        return stripSlash(base) + "/admin/api/" + tokens.getApiVersion() + "/graphql.json";
    }

    /** The current token, refreshed first when an expiring one is about to run out. */
    public String accessToken() {
        return tokens.current();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
