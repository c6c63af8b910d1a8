package io.tajo.connectors.shopify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shopify's OAuth authorization code grant for a merchant installing the app: the install redirect with a random
 * single-use state, the callback's checks (hmac, timestamp, state), and the code exchanged for an offline token.
 */
public class ShopifyOAuth {

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyOAuth.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private StateStore store;
    private ShopifyAccessTokens tokens;
    private String apiKey = "";
    private String apiSecret = "";
    private String apiSecretPrevious = "";
    private String scopes = "";
    private String publicUrl = "";
    private boolean expiringTokens = true;
    private Duration stateTtl = Duration.ofMinutes(10);
    private Duration timestampTolerance = Duration.ofSeconds(90);

    public void setStore(StateStore store) { this.store = store; }
    public void setTokens(ShopifyAccessTokens tokens) { this.tokens = tokens; }
    public void setApiKey(String apiKey) { this.apiKey = trim(apiKey); }
    public void setApiSecret(String apiSecret) { this.apiSecret = trim(apiSecret); }
    public void setApiSecretPrevious(String apiSecretPrevious) { this.apiSecretPrevious = trim(apiSecretPrevious); }
    public void setScopes(String scopes) { this.scopes = trim(scopes).replace(" ", ""); }
    public void setPublicUrl(String publicUrl) { this.publicUrl = trim(publicUrl).replaceAll("/+$", ""); }
    public void setExpiringTokens(boolean expiringTokens) { this.expiringTokens = expiringTokens; }
    public void setStateTtl(String ttl) { this.stateTtl = Duration.parse(ttl.trim()); }
    public void setTimestampTolerance(String tolerance) { this.timestampTolerance = Duration.parse(tolerance.trim()); }

    /** A verified callback: the shop and the code to exchange. {@link #toString()} leaves the code out. */
    public record Callback(String shop, String code) {
        @Override
        public String toString() {
            return "Callback[" + shop + "]";
        }
    }

    public String redirectUri() {
        return publicUrl + "/oauth/shopify/callback";
    }

    /** {@code GET /oauth/shopify/install?shop=}: where to send the merchant, with a new state remembered for the callback. */
    public String authorizeUrl(String shop) {
        requireConfigured();
        String domain = shop == null ? "" : shop.trim().toLowerCase(java.util.Locale.ROOT);
        if (!ShopDomain.isValid(domain)) {
            throw new OAuthRequestException(400, "shop must be your-store.myshopify.com");
        }
        tokens.configuredShop().filter(configured -> !configured.equals(domain)).ifPresent(configured -> {
            throw new OAuthRequestException(400, "this service connects " + configured + " only (SHOPIFY_SHOP_URL)");
        });
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String state = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        long now = System.currentTimeMillis();
        store.inTransaction(connection -> {
            try (PreparedStatement purge = connection.prepareStatement("DELETE FROM oauth_state WHERE expires_at <= ?")) {
                purge.setLong(1, now);
                purge.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO oauth_state (state, connector, shop, expires_at) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, state);
                insert.setString(2, ShopifyAccessTokens.CONNECTOR);
                insert.setString(3, domain);
                insert.setLong(4, now + stateTtl.toMillis());
                insert.executeUpdate();
            }
            return null;
        });
        LOG.info("Shopify OAuth install started for {}", domain);
        return ShopDomain.adminBase(domain, tokens.getBaseUrl()) + "/admin/oauth/authorize"
                + "?client_id=" + encode(apiKey)
                + "&scope=" + encode(scopes)
                + "&redirect_uri=" + encode(redirectUri())
                + "&state=" + encode(state);
    }

    /**
     * {@code GET /oauth/shopify/callback}: checks the hmac (current or previous secret), that the timestamp is recent,
     * and consumes the state (issued by us for this shop, unexpired, not used before). Any failure is a 400.
     */
    public Callback verifyCallback(String rawQuery) {
        requireConfigured();
        Map<String, String> params = ShopifyOAuthHmac.parseQuery(rawQuery);
        List<String> secrets = new ArrayList<>();
        secrets.add(apiSecret);
        secrets.add(apiSecretPrevious);
        if (!ShopifyOAuthHmac.isValid(params, secrets)) {
            throw new OAuthRequestException(400, "invalid hmac");
        }
        String shop = params.getOrDefault("shop", "");
        String code = params.getOrDefault("code", "");
        if (!ShopDomain.isValid(shop) || code.isEmpty()) {
            throw new OAuthRequestException(400, "shop or code missing");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(params.getOrDefault("timestamp", ""));
        } catch (NumberFormatException e) {
            throw new OAuthRequestException(400, "timestamp missing");
        }
        long now = System.currentTimeMillis();
        if (Math.abs(now - timestamp * 1000) > timestampTolerance.toMillis()) {
            throw new OAuthRequestException(400, "stale timestamp: start the install again");
        }
        String state = params.getOrDefault("state", "");
        int consumed = store.inTransaction(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM oauth_state WHERE state = ? AND connector = ? AND shop = ? AND expires_at > ?")) {
                delete.setString(1, state);
                delete.setString(2, ShopifyAccessTokens.CONNECTOR);
                delete.setString(3, shop);
                delete.setLong(4, now);
                return delete.executeUpdate();
            }
        });
        if (consumed != 1) {
            throw new OAuthRequestException(400, "unknown, expired or already used state: start the install again");
        }
        return new Callback(shop, code);
    }

    /** Trades the callback's code for an offline access token (expiring, when configured) and stores it. Returns the shop. */
    public String exchangeCode(Callback callback) {
        ShopifyTokenEndpoint.Grant grant = new ShopifyTokenEndpoint(tokens.getBaseUrl(), apiKey, apiSecret)
                .exchangeCode(callback.shop(), callback.code(), expiringTokens);
        tokens.storeGrant(callback.shop(), grant);
        return callback.shop();
    }

    private void requireConfigured() {
        if (apiKey.isEmpty() || apiSecret.isEmpty()) {
            throw new OAuthRequestException(503, "Shopify OAuth is not configured: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET");
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
