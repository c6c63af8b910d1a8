package io.tajo.connectors.shopify;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.PlatformApiException;

/**
 * One shop's GraphQL Admin API: {@code POST {base}/admin/api/{version}/graphql.json} with the
 * {@code X-Shopify-Access-Token} header. Throttled calls are retried a few times after Shopify's wait.
 */
public final class ShopifyAdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int THROTTLE_RETRIES = 3;

    private final String shop;
    private final URI endpoint;
    private final String accessToken;
    private final String tokenHint;
    private final String shopHint;

    /**
     * @param tokenHint where the token came from, named in the line a 401 prints (e.g. {@code --api-key})
     * @param shopHint  where the shop came from, named when it cannot be reached (e.g. {@code --shop-url})
     */
    public ShopifyAdminApi(String shop, String baseUrlOverride, String apiVersion, String accessToken,
                           String tokenHint, String shopHint) {
        this.shop = shop;
        this.endpoint = URI.create(ShopDomain.adminBase(shop, baseUrlOverride) + "/admin/api/" + apiVersion + "/graphql.json");
        this.accessToken = accessToken;
        this.tokenHint = tokenHint;
        this.shopHint = shopHint;
    }

    public String shop() {
        return shop;
    }

    /** Runs a query or mutation and returns its {@code data}; GraphQL errors become a one-line failure. */
    public JsonNode execute(String query, Map<String, Object> variables) {
        ObjectNode request = JSON.createObjectNode();
        request.put("query", query);
        request.set("variables", JSON.valueToTree(variables == null ? Map.of() : variables));
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = ShopifyHttp.send(HttpRequest.newBuilder(endpoint)
                    .timeout(ShopifyHttp.TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header("X-Shopify-Access-Token", accessToken)
                    .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
                    .build(), shop, shopHint);
            int status = response.statusCode();
            JsonNode body = status == 200 ? parse(response.body()) : null;
            boolean throttled = status == 429 || (body != null && isThrottled(body));
            if (throttled && attempt < THROTTLE_RETRIES) {
                pause(response);
                continue;
            }
            if (status != 200) {
                throw ShopifyHttp.failure(status, shop, tokenHint, shopHint);
            }
            JsonNode errors = body.path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                JsonNode first = errors.get(0);
                String code = first.path("extensions").path("code").asText("");
                if ("ACCESS_DENIED".equals(code)) {
                    throw new PlatformApiException("Shopify denied access: " + first.path("message").asText()
                            + " (grant the app the access scope it names and install it again)", 200);
                }
                throw new PlatformApiException("Shopify refused the request: " + first.path("message").asText(code), 200);
            }
            return body.path("data");
        }
    }

    private static boolean isThrottled(JsonNode body) {
        for (JsonNode error : body.path("errors")) {
            if ("THROTTLED".equals(error.path("extensions").path("code").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void pause(HttpResponse<String> response) {
        long seconds = response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                return 1L;
            }
        }).orElse(1L);
        try {
            Thread.sleep(Math.min(Math.max(seconds, 1), 10) * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformApiException("Interrupted while waiting out Shopify's throttle", 429);
        }
    }

    private JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new PlatformApiException("Shopify (" + shop + ") answered something that is not JSON: check " + shopHint
                    + " (and SHOPIFY_BASE_URL when set)", 200);
        }
    }
}
