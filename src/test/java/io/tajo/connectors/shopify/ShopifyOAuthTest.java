package io.tajo.connectors.shopify;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.store.ConnectorCredentials;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OAuth install against the running service: redirect with a state, the callback's checks, exchange, refresh. */
class ShopifyOAuthTest {

    static final String CLIENT_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    static final String SECRET = "shpss_current_secret";
    static final String PREVIOUS_SECRET = "shpss_previous_secret";
    static final String SHOP = "tajo-test.myshopify.com";

    @TempDir
    Path dataDir;

    ShopifyStub shopify;
    RunningService service;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() throws Exception {
        shopify = new ShopifyStub();
        Map<String, String> env = RunningService.environment(dataDir, null);
        env.put("SHOPIFY_API_KEY", CLIENT_ID);
        env.put("SHOPIFY_API_SECRET", SECRET);
        env.put("SHOPIFY_API_SECRET_PREVIOUS", PREVIOUS_SECRET);
        env.put("SHOPIFY_BASE_URL", shopify.baseUrl());
        env.put("TAJO_PUBLIC_URL", "https://hooks.example.com/");
        env.put("TAJO_MASTER_KEY", "oauth test master key");
        env.put("SHOPIFY_TOKEN_REFRESH_INTERVAL_MS", "200");
        service = RunningService.start(env);
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        shopify.close();
    }

    @Test
    void installRedirectsToShopifyWithAStateAndOurRedirectUri() throws Exception {
        HttpResponse<String> response = get("/oauth/shopify/install?shop=" + SHOP);
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(shopify.baseUrl() + "/admin/oauth/authorize?");
        Map<String, String> query = query(URI.create(location).getRawQuery());
        assertThat(query).containsEntry("client_id", CLIENT_ID)
                .containsEntry("scope", "read_customers,write_customers,read_orders,read_products,read_checkouts")
                .containsEntry("redirect_uri", "https://hooks.example.com/oauth/shopify/callback");
        assertThat(query.get("state")).matches("[A-Za-z0-9_-]{43}");
        assertThat(query(URI.create(get("/oauth/shopify/install?shop=" + SHOP).headers().firstValue("Location").orElseThrow()).getRawQuery())
                .get("state")).as("a new state each time").isNotEqualTo(query.get("state"));

        for (String bad : new String[] {"evil.example.com", "tajo-test.myshopify.com.evil.com", "-x.myshopify.com", ""}) {
            HttpResponse<String> refused = get("/oauth/shopify/install?shop=" + URLEncoder.encode(bad, StandardCharsets.UTF_8));
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.body()).contains("myshopify.com");
            assertThat(refused.headers().firstValue("Location")).isEmpty();
        }
    }

    @Test
    void aCallbackWithABadHmacAStaleTimestampOrAnUnknownStateIsRefused() throws Exception {
        String state = install();
        long now = System.currentTimeMillis() / 1000;

        Map<String, String> forged = callback(state, now);
        forged.put("hmac", sign(forged, "shpss_not_our_secret"));
        assertRefused(forged, "invalid hmac");

        Map<String, String> tampered = signed(callback(state, now), SECRET);
        tampered.put("code", "another-code");
        assertRefused(tampered, "invalid hmac");

        Map<String, String> noHmac = callback(state, now);
        assertRefused(noHmac, "invalid hmac");

        // 90 s either way is accepted; 100 s leaves this test 10 s of slack on a busy machine
        assertRefused(signed(callback(state, System.currentTimeMillis() / 1000 - 100), SECRET), "stale timestamp");
        assertRefused(signed(callback(state, System.currentTimeMillis() / 1000 + 100), SECRET), "stale timestamp");

        assertRefused(signed(callback("made-up-state", now), SECRET), "state");

        Map<String, String> otherShop = callback(state, now);
        otherShop.put("shop", "other-shop.myshopify.com");
        assertRefused(signed(otherShop, SECRET), "state");

        assertThat(shopify.requests(ShopifyStub.TOKEN)).as("no code exchanged").isEmpty();

        // the refusals above did not use the state up: the genuine callback still goes through
        stubTokenExchange("{\"access_token\":\"shpat_granted_by_oauth_0000001234\",\"scope\":\"read_customers\"}");
        assertThat(send(signed(callback(state, System.currentTimeMillis() / 1000), SECRET)).statusCode()).isEqualTo(200);
    }

    @Test
    void aGoodCallbackExchangesTheCodeAndStoresTheTokenOnce() throws Exception {
        stubTokenExchange("{\"access_token\":\"shpat_granted_by_oauth_0000001234\",\"scope\":\"read_customers,read_orders\"}");
        String state = install();
        Map<String, String> params = signed(callback(state, System.currentTimeMillis() / 1000), SECRET);

        HttpResponse<String> response = send(params);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Connected to " + SHOP);
        assertThat(response.body()).doesNotContain("shpat_");

        LoggedRequest exchange = shopify.requests(ShopifyStub.TOKEN).get(0);
        assertThat(exchange.getMethod().value()).isEqualTo("POST");
        assertThat(exchange.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(query(exchange.getBodyAsString())).isEqualTo(Map.of(
                "client_id", CLIENT_ID, "client_secret", SECRET, "code", "the-authorization-code", "expiring", "1"));

        ShopifyAccessTokens tokens = service.context().getRegistry().lookupByNameAndType("shopifyAccessTokens", ShopifyAccessTokens.class);
        assertThat(tokens.shop()).isEqualTo(SHOP);
        assertThat(tokens.current()).isEqualTo("shpat_granted_by_oauth_0000001234");
        ConnectorCredentials.Credentials stored = service.context().getRegistry()
                .lookupByNameAndType("connectorCredentials", ConnectorCredentials.class).find("shopify").orElseThrow();
        assertThat(stored.apiKey()).isEqualTo(CLIENT_ID);
        assertThat(stored.tokenExpiresAt()).isNull();

        HttpResponse<String> replay = send(params);
        assertThat(replay.statusCode()).as("a state is used once").isEqualTo(400);
        assertThat(replay.body()).contains("state");
        assertThat(shopify.requests(ShopifyStub.TOKEN)).hasSize(1);
    }

    @Test
    void theCallbackIsAcceptedUnderThePreviousSecretDuringARotation() throws Exception {
        stubTokenExchange("{\"access_token\":\"shpat_granted_by_oauth_0000001234\",\"scope\":\"read_customers\"}");
        HttpResponse<String> response = send(signed(callback(install(), System.currentTimeMillis() / 1000), PREVIOUS_SECRET));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void anExpiringTokenIsRefreshedBeforeItExpiresAndTheNewOneIsUsed() throws Exception {
        stubTokenExchange("{\"access_token\":\"shpat_expiring_first_0000000001\",\"scope\":\"read_customers\","
                + "\"expires_in\":120,\"refresh_token\":\"shprt_first_refresh_token_000001\",\"refresh_token_expires_in\":7776000}");
        shopify.server().stubFor(post(urlPathEqualTo(ShopifyStub.TOKEN)).withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(ShopifyStub.json(200, "{\"access_token\":\"shpat_expiring_second_000000002\",\"scope\":\"read_customers\","
                        + "\"expires_in\":3600,\"refresh_token\":\"shprt_second_refresh_token_00002\",\"refresh_token_expires_in\":7776000}")));

        assertThat(send(signed(callback(install(), System.currentTimeMillis() / 1000), SECRET)).statusCode()).isEqualTo(200);

        // expires in 2 minutes, inside the 5-minute margin: the scheduled refresh replaces it without anyone asking
        await().atMost(Duration.ofSeconds(10)).until(() -> shopify.requests(ShopifyStub.TOKEN).size() == 2);
        LoggedRequest refresh = shopify.requests(ShopifyStub.TOKEN).get(1);
        assertThat(query(refresh.getBodyAsString())).isEqualTo(Map.of("client_id", CLIENT_ID, "client_secret", SECRET,
                "grant_type", "refresh_token", "refresh_token", "shprt_first_refresh_token_000001"));

        ShopifyAccessTokens tokens = service.context().getRegistry().lookupByNameAndType("shopifyAccessTokens", ShopifyAccessTokens.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> tokens.current().equals("shpat_expiring_second_000000002"));
        ConnectorCredentials.Credentials stored = service.context().getRegistry()
                .lookupByNameAndType("connectorCredentials", ConnectorCredentials.class).find("shopify").orElseThrow();
        assertThat(stored.refreshToken()).isEqualTo("shprt_second_refresh_token_00002");
        assertThat(stored.tokenExpiresAt()).isBetween(System.currentTimeMillis() + 3_500_000, System.currentTimeMillis() + 3_600_000);

        // the new token is what Admin API calls carry, and it is not refreshed again while it is far from expiry
        shopify.acceptToken("shpat_expiring_second_000000002", "Tajo Test Shop");
        assertThat(tokens.adminApi("token", "shop").execute("query { shop { name } }", Map.of()).path("shop").path("name").asText())
                .isEqualTo("Tajo Test Shop");
        assertThat(shopify.requests(ShopifyStub.GRAPHQL).get(0).getHeader("X-Shopify-Access-Token"))
                .isEqualTo("shpat_expiring_second_000000002");
        Thread.sleep(600);
        assertThat(shopify.requests(ShopifyStub.TOKEN)).hasSize(2);
    }

    @Test
    void aCodeShopifyRefusesIsA502ThatSaysSoAndStoresNothing() throws Exception {
        shopify.server().stubFor(post(urlPathEqualTo(ShopifyStub.TOKEN)).willReturn(ShopifyStub.json(400,
                "{\"error\":\"invalid_request\",\"error_description\":\"The authorization code was not found or was already used\"}")));
        HttpResponse<String> response = send(signed(callback(install(), System.currentTimeMillis() / 1000), SECRET));
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).contains("Shopify refused to exchange the authorization code").contains("already used")
                .doesNotContain(SECRET);
        assertThat(service.context().getRegistry().lookupByNameAndType("connectorCredentials", ConnectorCredentials.class)
                .find("shopify")).isEmpty();
    }

    @Test
    void aFailedRefreshKeepsTheStillValidTokenAndTriesAgain() throws Exception {
        stubTokenExchange("{\"access_token\":\"shpat_expiring_first_0000000001\",\"scope\":\"read_customers\","
                + "\"expires_in\":120,\"refresh_token\":\"shprt_first_refresh_token_000001\"}");
        shopify.server().stubFor(post(urlPathEqualTo(ShopifyStub.TOKEN)).withRequestBody(containing("grant_type=refresh_token"))
                .willReturn(ShopifyStub.json(503, "{}")));
        assertThat(send(signed(callback(install(), System.currentTimeMillis() / 1000), SECRET)).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> shopify.requests(ShopifyStub.TOKEN).size() >= 3);
        ShopifyAccessTokens tokens = service.context().getRegistry().lookupByNameAndType("shopifyAccessTokens", ShopifyAccessTokens.class);
        assertThat(tokens.current()).isEqualTo("shpat_expiring_first_0000000001");
        assertThat(service.context().getRouteController().getRouteStatus("shopify-token-refresh").isStarted()).isTrue();
    }

    // ---- the merchant's browser and Shopify's side of the flow

    private String install() throws Exception {
        HttpResponse<String> response = get("/oauth/shopify/install?shop=" + SHOP);
        assertThat(response.statusCode()).isEqualTo(302);
        return query(URI.create(response.headers().firstValue("Location").orElseThrow()).getRawQuery()).get("state");
    }

    private void stubTokenExchange(String body) {
        shopify.server().stubFor(post(urlPathEqualTo(ShopifyStub.TOKEN)).withRequestBody(containing("code="))
                .willReturn(ShopifyStub.json(200, body)));
    }

    /** The parameters Shopify sends the merchant back with (host is base64 of the admin URL, as Shopify sends it). */
    private static Map<String, String> callback(String state, long timestamp) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", "the-authorization-code");
        params.put("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvdGFqby10ZXN0");
        params.put("shop", SHOP);
        params.put("state", state);
        params.put("timestamp", String.valueOf(timestamp));
        return params;
    }

    private static Map<String, String> signed(Map<String, String> params, String secret) {
        params.put("hmac", sign(params, secret));
        return params;
    }

    /** Shopify's signature: hex HMAC-SHA256 of the other parameters sorted by name, joined k=v&k=v. */
    private static String sign(Map<String, String> params, String secret) {
        String message = new TreeMap<>(params).entrySet().stream().filter(e -> !e.getKey().equals("hmac"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertRefused(Map<String, String> params, String reason) throws Exception {
        HttpResponse<String> response = send(params);
        assertThat(response.statusCode()).as(reason).isEqualTo(400);
        assertThat(response.body()).contains(reason);
    }

    private HttpResponse<String> send(Map<String, String> params) throws Exception {
        return get("/oauth/shopify/callback?" + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(service.url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return params;
    }
}
