package io.tajo.connectors.consent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Creates the Brevo marketing webhook consent-sync listens to ({@code POST /webhooks}: unsubscribed, hardBounce,
 * spam, contactDeleted to {@code TAJO_PUBLIC_URL/webhooks/brevo}, with our bearer token). Idempotent: a marketing
 * webhook already sending these events to that URL is left as it is.
 */
public final class BrevoWebhookRegistration {

    public static final List<String> EVENTS = List.of("unsubscribed", "hardBounce", "spam", "contactDeleted");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;
    private final String apiKey;

    public BrevoWebhookRegistration(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.trim().replaceAll("/+$", "");
        this.apiKey = apiKey.trim();
    }

    /** Registers the webhook unless one is there; returns the line to print. */
    public String register(String callback, String token) {
        JsonNode existing = call(HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks?type=marketing")).GET(), "list the webhooks");
        for (JsonNode webhook : existing.path("webhooks")) {
            if (callback.equals(webhook.path("url").asText()) && covers(webhook.path("events"))) {
                return "Brevo webhook " + webhook.path("id").asText() + " already sends " + String.join(", ", EVENTS) + " to " + callback + ".";
            }
        }
        ObjectNode body = JSON.createObjectNode().put("url", callback)
                .put("description", "tajo-connectors consent-sync").put("type", "marketing");
        EVENTS.forEach(body.putArray("events")::add);
        body.putObject("auth").put("type", "bearer").put("token", token);
        JsonNode created = call(HttpRequest.newBuilder(URI.create(baseUrl + "/webhooks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), "create the webhook");
        return "Brevo webhook " + created.path("id").asText() + " created: " + String.join(", ", EVENTS) + " to " + callback + ".";
    }

    private static boolean covers(JsonNode events) {
        List<String> have = new ArrayList<>();
        events.forEach(event -> have.add(event.asText()));
        return have.containsAll(EVENTS);
    }

    private JsonNode call(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.timeout(Duration.ofSeconds(30)).header("api-key", apiKey)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Brevo (" + baseUrl + ") cannot be reached to " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        int status = response.statusCode();
        if (status == 401) {
            throw new IllegalStateException("Brevo refused BREVO_API_KEY (401): set a valid API key");
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Brevo answered " + status + " with something that is not JSON when asked to " + what);
        }
        if (status / 100 != 2) {
            throw new IllegalStateException("Brevo refused to " + what + " (" + status + " " + body.path("code").asText("")
                    + "): " + body.path("message").asText(""));
        }
        return body;
    }
}
