package io.tajo.connectors.shopify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.tajo.connectors.PlatformApiException;
import io.tajo.connectors.store.ConnectorCredentials;
import io.tajo.connectors.store.ConnectorCredentials.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the Shopify shop and its current Admin API access token: {@code SHOPIFY_ACCESS_TOKEN} when set, else
 * the token stored by {@code tajo connectors connect shopify} or the OAuth install. An expiring offline token is
 * refreshed (and the new one stored) once it expires within the refresh margin; the row is locked meanwhile, so
 * of several nodes only one uses the refresh token (Shopify rotates it on every use).
 */
public class ShopifyAccessTokens {

    public static final String CONNECTOR = "shopify";
    private static final Logger LOG = LoggerFactory.getLogger(ShopifyAccessTokens.class);

    private ConnectorCredentials credentials;
    private String shopUrl = "";
    private String accessToken = "";
    private String apiKey = "";
    private String apiSecret = "";
    private String apiVersion = "2026-10";
    private String baseUrl = "";
    private Duration refreshMargin = Duration.ofMinutes(5);

    public void setCredentials(ConnectorCredentials credentials) { this.credentials = credentials; }
    public void setShopUrl(String shopUrl) { this.shopUrl = trim(shopUrl); }
    public void setAccessToken(String accessToken) { this.accessToken = trim(accessToken); }
    public void setApiKey(String apiKey) { this.apiKey = trim(apiKey); }
    public void setApiSecret(String apiSecret) { this.apiSecret = trim(apiSecret); }
    public void setApiVersion(String apiVersion) { this.apiVersion = trim(apiVersion); }
    public void setBaseUrl(String baseUrl) { this.baseUrl = trim(baseUrl); }
    public void setRefreshMargin(String margin) { this.refreshMargin = Duration.parse(margin.trim()); }

    public String getBaseUrl() { return baseUrl; }
    public String getApiVersion() { return apiVersion; }

    /** The shop's myshopify.com domain: {@code SHOPIFY_SHOP_URL}, else the stored one. */
    public String shop() {
        if (!shopUrl.isEmpty()) {
            return ShopDomain.normalise(shopUrl);
        }
        return stored().map(Credentials::shopUrl).orElseThrow(ShopifyAccessTokens::notConnected);
    }

    /** The shop {@code SHOPIFY_SHOP_URL} names, when set: the only one OAuth may connect. */
    public Optional<String> configuredShop() {
        return shopUrl.isEmpty() ? Optional.empty() : Optional.of(ShopDomain.normalise(shopUrl));
    }

    /** The app secret that signs webhooks: {@code SHOPIFY_API_SECRET}, else the one `connect --api-secret` stored. */
    public Optional<String> webhookSecret() {
        if (!apiSecret.isEmpty()) {
            return Optional.of(apiSecret);
        }
        return stored().map(Credentials::apiSecret).filter(secret -> secret != null && !secret.isBlank());
    }

    /** The shop deliveries must come from, when one is configured or stored. */
    public Optional<String> knownShop() {
        return configuredShop().or(() -> stored().map(Credentials::shopUrl));
    }

    /** True when a shop and a token are configured or stored. */
    public boolean isConnected() {
        return (!shopUrl.isEmpty() && !accessToken.isEmpty()) || stored().isPresent();
    }

    /** The access token to call the Admin API with now, refreshed first when it is about to expire. */
    public String current() {
        if (!accessToken.isEmpty()) {
            return accessToken;
        }
        Credentials stored = stored().orElseThrow(ShopifyAccessTokens::notConnected);
        if (!expiresWithinMargin(stored)) {
            return stored.accessToken();
        }
        try {
            return refreshIfExpiring();
        } catch (PlatformApiException e) {
            if (stored.tokenExpiresAt() > System.currentTimeMillis()) {
                LOG.warn("Shopify token refresh for {} failed, the current token is still valid until {}: {}",
                        stored.shopUrl(), Instant.ofEpochMilli(stored.tokenExpiresAt()), e.getMessage());
                return stored.accessToken();
            }
            throw e;
        }
    }

    /** The shop's Admin API with the current token. */
    public ShopifyAdminApi adminApi(String tokenHint, String shopHint) {
        return new ShopifyAdminApi(shop(), baseUrl, apiVersion, current(), tokenHint, shopHint);
    }

    /**
     * Refreshes the stored token when it expires within the margin and returns the token to use. Holds the
     * credentials row locked from the check to the store of the new token: one refresh at a time, cluster-wide.
     */
    public synchronized String refreshIfExpiring() {
        if (!accessToken.isEmpty()) {
            return accessToken;
        }
        return credentials.store().inTransaction(connection -> {
            Optional<Credentials> locked = credentials.find(connection, CONNECTOR, true);
            if (locked.isEmpty()) {
                return null;
            }
            Credentials stored = locked.get();
            if (!expiresWithinMargin(stored)) {
                return stored.accessToken();
            }
            if (stored.refreshToken() == null) {
                throw new PlatformApiException("The stored Shopify token for " + stored.shopUrl() + " expires without a refresh "
                        + "token: install the app again (/oauth/shopify/install?shop=" + stored.shopUrl() + ")", 0);
            }
            ShopifyTokenEndpoint.Grant grant = tokenEndpoint(stored).refresh(stored.shopUrl(), stored.refreshToken());
            Credentials refreshed = withGrant(stored, grant);
            credentials.save(connection, refreshed);
            LOG.info("Shopify access token for {} refreshed ({}), valid until {}", stored.shopUrl(),
                    ConnectorCredentials.mask(grant.accessToken()),
                    refreshed.tokenExpiresAt() == null ? "revoked" : Instant.ofEpochMilli(refreshed.tokenExpiresAt()));
            return refreshed.accessToken();
        });
    }

    /** What the scheduled refresh calls: never throws, one line when a refresh fails. */
    public void refreshAhead() {
        try {
            refreshIfExpiring();
        } catch (RuntimeException e) {
            LOG.warn("Shopify token refresh failed: {}", e.getMessage());
        }
    }

    /** Stores a token granted by the OAuth install for a shop (replacing what was stored). */
    public void storeGrant(String shop, ShopifyTokenEndpoint.Grant grant) {
        Credentials previous = stored().filter(c -> c.shopUrl().equals(shop)).orElse(null);
        Credentials base = new Credentials(CONNECTOR, shop, null, apiKey.isEmpty() ? null : apiKey,
                previous == null ? null : previous.apiSecret(), null, null, null, null);
        credentials.save(withGrant(base, grant));
        LOG.info("Shopify shop {} connected by OAuth ({}{})", shop, ConnectorCredentials.mask(grant.accessToken()),
                grant.expiresIn() == null ? "" : ", expiring, refreshed ahead of expiry");
    }

    ShopifyTokenEndpoint tokenEndpoint(Credentials stored) {
        String clientId = !apiKey.isEmpty() ? apiKey : stored == null ? null : stored.apiKey();
        String clientSecret = !apiSecret.isEmpty() ? apiSecret : stored == null ? null : stored.apiSecret();
        if (clientId == null || clientSecret == null) {
            throw new PlatformApiException("Cannot refresh the Shopify token: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET "
                    + "(the app's client id and secret)", 0);
        }
        return new ShopifyTokenEndpoint(baseUrl, clientId, clientSecret);
    }

    private static Credentials withGrant(Credentials base, ShopifyTokenEndpoint.Grant grant) {
        long now = System.currentTimeMillis();
        Long expiresAt = grant.expiresIn() == null ? null : now + grant.expiresIn() * 1000;
        Long refreshExpiresAt = grant.refreshTokenExpiresIn() == null ? null : now + grant.refreshTokenExpiresIn() * 1000;
        return base.withToken(grant.accessToken(), expiresAt, grant.refreshToken(), refreshExpiresAt, grant.scope());
    }

    private boolean expiresWithinMargin(Credentials stored) {
        return stored.tokenExpiresAt() != null
                && stored.tokenExpiresAt() - System.currentTimeMillis() <= refreshMargin.toMillis();
    }

    private Optional<Credentials> stored() {
        return credentials == null ? Optional.empty() : credentials.find(CONNECTOR);
    }

    private static PlatformApiException notConnected() {
        return new PlatformApiException("Shopify is not connected: run tajo connectors connect shopify --shop-url "
                + "your-store.myshopify.com --api-key shpat_..., install the app (/oauth/shopify/install?shop=...), "
                + "or set SHOPIFY_SHOP_URL and SHOPIFY_ACCESS_TOKEN", 0);
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
