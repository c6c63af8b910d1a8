package io.tajo.connectors.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Sends Shopify webhook deliveries the way Shopify does: compact JSON bytes, signed with the app secret. */
public final class ShopifyWebhookSender {

    public static final String SECRET = "shpss_test_secret";
    public static final String SHOP = "tajo-test.myshopify.com";
    private static final ObjectMapper JSON = new ObjectMapper();
    // HTTP/1.1 like Shopify: one connection per concurrent delivery, not one multiplexed h2c connection
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String url;

    public ShopifyWebhookSender(String url) {
        this.url = url;
    }

    /** A fixture from src/test/resources/fixtures/shopify, parsed so a test may change it before sending. */
    public static ObjectNode fixture(String name) {
        try (InputStream in = ShopifyWebhookSender.class.getResourceAsStream("/fixtures/shopify/" + name + ".json")) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] compact(Object json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The headers Shopify sends with a delivery of {@code body} on {@code topic}. */
    public static Map<String, String> headers(String topic, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Shopify-Topic", topic);
        headers.put("X-Shopify-Hmac-Sha256", sign(body, SECRET));
        headers.put("X-Shopify-Shop-Domain", SHOP);
        headers.put("X-Shopify-API-Version", "2026-07");
        headers.put("X-Shopify-Webhook-Id", UUID.randomUUID().toString());
        headers.put("X-Shopify-Triggered-At", "2026-01-02T10:00:00.000Z");
        return headers;
    }

    public int deliver(String topic, Object json) {
        byte[] body = compact(json);
        return send(body, headers(topic, body));
    }

    /** Delivers with headers a test changed (removed, tampered, replayed). */
    public int deliver(String topic, Object json, Consumer<Map<String, String>> change) {
        byte[] body = compact(json);
        Map<String, String> headers = headers(topic, body);
        change.accept(headers);
        return send(body, headers);
    }

    public int send(byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("delivery failed: " + e.getMessage(), e);
        }
    }
}
