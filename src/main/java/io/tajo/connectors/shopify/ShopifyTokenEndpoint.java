package io.tajo.connectors.shopify;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tajo.connectors.PlatformApiException;
import io.tajo.connectors.store.ConnectorCredentials;

/**
 * A shop's OAuth token endpoint, {@code POST {base}/admin/oauth/access_token}: trades an authorization code for an
 * offline access token (optionally an expiring one, {@code expiring=1}), and a refresh token for a new access token.
 */
public final class ShopifyTokenEndpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrlOverride;
    private final String clientId;
    private final String clientSecret;

    public ShopifyTokenEndpoint(String baseUrlOverride, String clientId, String clientSecret) {
        this.baseUrlOverride = baseUrlOverride;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** What Shopify granted. Times are seconds from now, null when absent (a non-expiring token). */
    public record Grant(String accessToken, String scope, Long expiresIn, String refreshToken, Long refreshTokenExpiresIn) {
        @Override
        public String toString() {
            return "Grant[token " + ConnectorCredentials.mask(accessToken) + ", scope " + scope + ", expiresIn " + expiresIn + "]";
        }
    }

    public Grant exchangeCode(String shop, String code, boolean expiring) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("code", code);
        if (expiring) {
            form.put("expiring", "1");
        }
        return call(shop, form, "exchange the authorization code");
    }

    public Grant refresh(String shop, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return call(shop, form, "refresh the access token");
    }

    private Grant call(String shop, Map<String, String> form, String what) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI uri = URI.create(ShopDomain.adminBase(shop, baseUrlOverride) + "/admin/oauth/access_token");
        HttpResponse<String> response = ShopifyHttp.send(HttpRequest.newBuilder(uri)
                .timeout(ShopifyHttp.TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), shop, "the shop domain");
        JsonNode json = parse(response.body());
        if (response.statusCode() >= 500 || response.statusCode() == 429) {
            throw new PlatformApiException("Shopify could not " + what + " for " + shop + " (HTTP " + response.statusCode()
                    + "): it is tried again later (https://www.shopifystatus.com)", response.statusCode());
        }
        if (response.statusCode() != 200 || json == null || !json.hasNonNull("access_token")) {
            String reason = json == null ? "" : (json.path("error").asText("") + " " + json.path("error_description").asText("")).trim();
            throw new PlatformApiException("Shopify refused to " + what + " for " + shop + " (HTTP " + response.statusCode()
                    + (reason.isEmpty() ? "" : ": " + oneLine(reason)) + "): check SHOPIFY_API_KEY and SHOPIFY_API_SECRET, "
                    + "or install the app again", response.statusCode());
        }
        return new Grant(json.get("access_token").asText(), text(json, "scope"), number(json, "expires_in"),
                text(json, "refresh_token"), number(json, "refresh_token_expires_in"));
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.get(field).asText() : null;
    }

    private static Long number(JsonNode json, String field) {
        return json.hasNonNull(field) && json.get(field).canConvertToLong() ? json.get(field).asLong() : null;
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
