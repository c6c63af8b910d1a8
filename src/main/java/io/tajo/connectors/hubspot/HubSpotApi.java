package io.tajo.connectors.hubspot;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.PlatformApiException;
import io.tajo.connectors.store.ConnectorCredentials;
import io.tajo.connectors.store.ConnectorCredentials.Credentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HubSpot's API as this connector calls it: the base URL ({@code HUBSPOT_BASE_URL}), the token (a private app's
 * {@code HUBSPOT_ACCESS_TOKEN}, or an OAuth access token refreshed from {@code HUBSPOT_REFRESH_TOKEN} before it
 * expires and kept, encrypted, in the store), every call through the shared {@link HubSpotRateLimiter}, a 429 waited
 * out (Retry-After, else backoff) and asked again, a 401 turned into one line naming the token setting.
 * Also whether scheduled syncs may run ({@code TAJO_HUBSPOT_MODE}).
 */
public class HubSpotApi {

    public static final String CONNECTOR = "hubspot";
    static final String BATCH_READ_PATH = "/crm/v3/objects/contacts/batch/read";
    static final String SEARCH_PATH = "/crm/v3/objects/contacts/search";
    static final String PREFERENCES_PATH = "/communication-preferences/v4/statuses/";
    private static final String CONTACTS_SCOPE = "crm.objects.contacts.read";
    private static final String PREFERENCES_SCOPE = "communication_preferences.write";
    static final String TOKEN_PATH = "/oauth/v1/token";

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ConnectorCredentials credentials;
    private HubSpotRateLimiter rateLimiter;
    private String baseUrl = "https://api.hubapi.com";
    private String accessToken = "";
    private String clientId = "";
    private String clientSecret = "";
    private String refreshToken = "";
    private Duration refreshMargin = Duration.ofMinutes(5);
    private int maxAttempts = 6;
    private Duration maxBackoff = Duration.ofSeconds(30);
    private String mode = "hybrid";

    public void setCredentials(ConnectorCredentials credentials) { this.credentials = credentials; }
    public void setRateLimiter(HubSpotRateLimiter rateLimiter) { this.rateLimiter = rateLimiter; }
    public void setBaseUrl(String baseUrl) { this.baseUrl = stripSlash(trim(baseUrl)); }
    public void setAccessToken(String accessToken) { this.accessToken = trim(accessToken); }
    public void setClientId(String clientId) { this.clientId = trim(clientId); }
    public void setClientSecret(String clientSecret) { this.clientSecret = trim(clientSecret); }
    public void setRefreshToken(String refreshToken) { this.refreshToken = trim(refreshToken); }
    public void setRefreshMargin(String margin) { this.refreshMargin = Duration.parse(margin.trim()); }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = Math.max(1, maxAttempts); }
    public void setMaxBackoff(String maxBackoff) { this.maxBackoff = Duration.parse(maxBackoff.trim()); }
    public void setMode(String mode) { this.mode = trim(mode).toLowerCase(Locale.ROOT); }

    /** Says once, at start, whether HubSpot can be called and whether scheduled syncs will run. */
    public void start() {
        if (!mode.equals("realtime") && !mode.equals("batch") && !mode.equals("hybrid")) {
            throw new IllegalArgumentException("TAJO_HUBSPOT_MODE must be realtime, batch or hybrid, not '" + mode + "'");
        }
        if (!isConnected()) {
            LOG.info("HubSpot API not connected: set HUBSPOT_ACCESS_TOKEN (private app), or HUBSPOT_CLIENT_ID, "
                    + "HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN (OAuth)");
        } else {
            LOG.info("HubSpot API connected ({}); {}", usesPrivateAppToken() ? "private app token" : "OAuth",
                    scheduledSyncEnabled() ? "contacts sync scheduled (" + mode + " mode)" : "no scheduled sync (realtime mode)");
        }
    }

    public boolean isConnected() {
        return usesPrivateAppToken() || (!clientId.isEmpty() && !clientSecret.isEmpty()
                && (!refreshToken.isEmpty() || stored().map(Credentials::refreshToken).isPresent()));
    }

    /** True when the scheduled (quartz) sync should pull: connected, and mode batch or hybrid. */
    public boolean scheduledSyncEnabled() {
        return isConnected() && !mode.equals("realtime");
    }

    /** {@code POST /crm/v3/objects/contacts/batch/read}; body: {@code {properties, inputs: [{id}]}}. */
    public JsonNode batchReadContacts(String request) {
        return post(BATCH_READ_PATH, request, CONTACTS_SCOPE);
    }

    /** {@code POST /crm/v3/objects/contacts/search}; body: {@code {filterGroups, sorts, properties, limit, after}}. */
    public JsonNode searchContacts(String request) {
        return post(SEARCH_PATH, request, CONTACTS_SCOPE);
    }

    /**
     * The email's subscription status (consent-sync): {@code POST /communication-preferences/v4/statuses/{email}} for
     * one subscription type, or {@code .../unsubscribe-all?channel=EMAIL} when no subscription id is given.
     */
    public JsonNode updateEmailSubscription(String email, String subscriptionId, boolean subscribed, String legalBasis,
                                            String explanation) {
        String subscriber = URLEncoder.encode(email, StandardCharsets.UTF_8);
        if (subscriptionId.isBlank()) {
            if (subscribed) {
                throw new IllegalArgumentException("subscribing again needs a subscription id (HUBSPOT_CONSENT_SUBSCRIPTION_ID)");
            }
            return post(PREFERENCES_PATH + subscriber + "/unsubscribe-all?channel=EMAIL", "", PREFERENCES_SCOPE);
        }
        ObjectNode body = JSON.createObjectNode().put("channel", "EMAIL")
                .put("statusState", subscribed ? "SUBSCRIBED" : "UNSUBSCRIBED")
                .put("subscriptionId", Long.parseLong(subscriptionId.trim()));
        if (!legalBasis.isBlank()) {
            body.put("legalBasis", legalBasis.trim()).put("legalBasisExplanation", explanation);
        }
        return post(PREFERENCES_PATH + subscriber, body.toString(), PREFERENCES_SCOPE);
    }

    private JsonNode post(String path, String request, String scope) {
        HttpResponse<String> response = send(() -> HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + accessToken())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build(), path);
        int status = response.statusCode();
        if (status == 200 || status == 207) {  // 207: a batch read where some ids no longer exist
            return parse(response.body());
        }
        if (status == 204) {
            return JSON.createObjectNode();
        }
        if (status == 401) {
            throw new PlatformApiException("HubSpot refused the token (HTTP 401): check " + tokenSetting(), status);
        }
        if (status == 403) {
            throw new PlatformApiException("HubSpot refused " + path + " (HTTP 403): the app needs the "
                    + scope + " scope", status);
        }
        throw new PlatformApiException("HubSpot answered HTTP " + status + " to " + path + reason(response.body())
                + (status >= 500 ? ": tried again later (https://status.hubspot.com)" : ""), status);
    }

    /** The token to call with now: the private app's, or the OAuth one, refreshed first when it is about to expire. */
    public String accessToken() {
        if (usesPrivateAppToken()) {
            return accessToken;
        }
        Optional<Credentials> stored = stored();
        if (stored.isPresent() && stored.get().accessToken() != null && !expiresWithinMargin(stored.get())) {
            return stored.get().accessToken();
        }
        return refreshIfExpiring();
    }

    /**
     * Trades the refresh token for a new access token when the stored one expires within the margin, holding the
     * credentials row locked meanwhile: one refresh at a time, cluster-wide.
     */
    public synchronized String refreshIfExpiring() {
        if (!isConnected()) {
            throw new PlatformApiException("HubSpot is not connected: set HUBSPOT_ACCESS_TOKEN (private app), or "
                    + "HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN (OAuth)", 0);
        }
        return credentials.store().inTransaction(connection -> {
            Optional<Credentials> locked = credentials.find(connection, CONNECTOR, true);
            if (locked.isPresent() && locked.get().accessToken() != null && !expiresWithinMargin(locked.get())) {
                return locked.get().accessToken();
            }
            String refresh = locked.map(Credentials::refreshToken).filter(token -> !token.isBlank()).orElse(refreshToken);
            JsonNode grant = refresh(refresh);
            long now = System.currentTimeMillis();
            String token = text(grant, "access_token", "accessToken");
            Long expiresIn = Optional.ofNullable(text(grant, "expires_in", "expiresIn")).map(Long::valueOf).orElse(null);
            String newRefresh = Optional.ofNullable(text(grant, "refresh_token", "refreshToken")).orElse(refresh);
            credentials.save(connection, new Credentials(CONNECTOR, baseUrl, token, clientId, null, newRefresh,
                    expiresIn == null ? null : now + expiresIn * 1000, null, null));
            LOG.info("HubSpot access token refreshed ({}), valid until {}", ConnectorCredentials.mask(token),
                    expiresIn == null ? "revoked" : Instant.ofEpochMilli(now + expiresIn * 1000));
            return token;
        });
    }

    private JsonNode refresh(String refresh) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("refresh_token", refresh);
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpResponse<String> response = send(() -> HttpRequest.newBuilder(URI.create(baseUrl + TOKEN_PATH)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), TOKEN_PATH);
        JsonNode grant = response.statusCode() == 200 ? parse(response.body()) : null;
        if (grant == null || text(grant, "access_token", "accessToken") == null) {
            throw new PlatformApiException("HubSpot refused to refresh the access token (HTTP " + response.statusCode()
                    + reason(response.body()) + "): check HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_REFRESH_TOKEN",
                    response.statusCode());
        }
        return grant;
    }

    /** One call within the rate limit; a 429 is waited out and asked again, up to maxAttempts. */
    private HttpResponse<String> send(Supplier<HttpRequest> request, String path) {
        try {
            for (int attempt = 1; ; attempt++) {
                rateLimiter.acquire();
                HttpResponse<String> response = CLIENT.send(request.get(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 429) {
                    return response;
                }
                if (attempt >= maxAttempts) {
                    throw new PlatformApiException("HubSpot kept answering 429 to " + path + " after " + attempt
                            + " attempts: lower HUBSPOT_RATE_LIMIT (other apps share the account's limit)", 429);
                }
                rateLimiter.pause(retryAfter(response, attempt));
            }
        } catch (IOException e) {
            throw new PlatformApiException("Cannot reach HubSpot at " + baseUrl + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (check HUBSPOT_BASE_URL and the network)", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformApiException("Interrupted while calling HubSpot", 0);
        }
    }

    /** Retry-After (seconds) when HubSpot sends it, else 1 s, 2 s, 4 s ... up to the maximum backoff. */
    private Duration retryAfter(HttpResponse<String> response, int attempt) {
        Optional<Duration> told = response.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofMillis((long) (Double.parseDouble(value.trim()) * 1000)));
            } catch (NumberFormatException notSeconds) {
                return Optional.empty();
            }
        });
        Duration backoff = told.orElse(Duration.ofSeconds(1L << Math.min(attempt - 1, 10)));
        return backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
    }

    private String tokenSetting() {
        return usesPrivateAppToken() ? "HUBSPOT_ACCESS_TOKEN (the private app's access token)"
                : "HUBSPOT_REFRESH_TOKEN, HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET (install the app again for a new refresh token)";
    }

    private boolean usesPrivateAppToken() {
        return !accessToken.isEmpty();
    }

    private boolean expiresWithinMargin(Credentials stored) {
        return stored.tokenExpiresAt() != null && stored.tokenExpiresAt() - System.currentTimeMillis() <= refreshMargin.toMillis();
    }

    private Optional<Credentials> stored() {
        return credentials == null ? Optional.empty() : credentials.find(CONNECTOR);
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw new PlatformApiException("HubSpot answered something that is not JSON", 0);
        }
    }

    /** HubSpot's error message, on one line, when its answer has one. */
    private static String reason(String body) {
        try {
            JsonNode error = JSON.readTree(body == null ? "" : body);
            String message = error == null ? "" : error.path("message").asText("");
            message = message.isEmpty() && error != null ? error.path("error_description").asText("") : message;
            message = message.replaceAll("\\s+", " ");
            return message.isEmpty() ? "" : ": " + (message.length() > 200 ? message.substring(0, 200) + "…" : message);
        } catch (IOException | RuntimeException notJson) {
            return "";
        }
    }

    private static String text(JsonNode json, String... fields) {
        for (String field : fields) {
            if (json.hasNonNull(field) && !json.get(field).asText().isBlank()) {
                return json.get(field).asText();
            }
        }
        return null;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
