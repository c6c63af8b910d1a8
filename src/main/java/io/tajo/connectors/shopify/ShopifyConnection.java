package io.tajo.connectors.shopify;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where and how the service reaches a shop's Admin API, and whether scheduled syncs may run: only in
 * {@code batch} or {@code hybrid} mode, and only once an access token and the shop (or a base URL) are set.
 */
public class ShopifyConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyConnection.class);

    private String shopUrl = "";
    private String baseUrl = "";
    private String accessToken = "";
    private String apiVersion = "2026-10";
    private String mode = "hybrid";

    public void setShopUrl(String shopUrl) { this.shopUrl = trim(shopUrl); }
    public void setBaseUrl(String baseUrl) { this.baseUrl = trim(baseUrl); }
    public void setAccessToken(String accessToken) { this.accessToken = trim(accessToken); }
    public void setApiVersion(String apiVersion) { this.apiVersion = trim(apiVersion); }
    public void setMode(String mode) { this.mode = trim(mode).toLowerCase(Locale.ROOT); }

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
            LOG.info("Shopify sync scheduled for {} ({} mode)", shopHost(), mode);
        }
    }

    public boolean isConnected() {
        return !accessToken.isEmpty() && (!shopUrl.isEmpty() || !baseUrl.isEmpty());
    }

    /** What is missing for the sync to reach the shop, naming the variables to set. */
    public String missing() {
        if (accessToken.isEmpty()) {
            return "SHOPIFY_ACCESS_TOKEN is not set";
        }
        return isConnected() ? "nothing" : "SHOPIFY_SHOP_URL is not set";
    }

    /** True when the scheduled (quartz) syncs should pull: connected, and mode batch or hybrid. */
    public boolean scheduledSyncEnabled() {
        return isConnected() && !mode.equals("realtime");
    }

    public String graphqlUrl() {
        String base = baseUrl.isEmpty() ? "https://" + shopHost() : baseUrl;
        return stripSlash(base) + "/admin/api/" + apiVersion + "/graphql.json";
    }

    public String accessToken() {
        return accessToken;
    }

    private String shopHost() {
        String host = shopUrl.replaceFirst("^https?://", "");
        return host.isEmpty() ? baseUrl : stripSlash(host);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
