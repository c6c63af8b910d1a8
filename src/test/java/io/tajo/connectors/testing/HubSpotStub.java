package io.tajo.connectors.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * WireMock standing in for HubSpot's API on 127.0.0.1 (CRM v3 contacts batch read and search, the OAuth token
 * endpoint), answering as HubSpot does, and the signing of webhook deliveries as HubSpot signs them (v3).
 */
public final class HubSpotStub implements AutoCloseable {

    public static final String ACCESS_TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    public static final String CLIENT_SECRET = "hubspot-client-secret-1";
    /** The URL HubSpot calls: a proxy in front of the service, so it differs from the local one. */
    public static final String PUBLIC_URL = "https://hooks.example.com";
    public static final String BATCH_READ = "/crm/v3/objects/contacts/batch/read";
    public static final String SEARCH = "/crm/v3/objects/contacts/search";
    public static final String TOKEN = "/oauth/v1/token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;

    public HubSpotStub() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The environment connecting a test service to this stub (private app token, client secret, public URL). */
    public Map<String, String> connect(Map<String, String> env) {
        env.put("HUBSPOT_BASE_URL", baseUrl());
        env.put("HUBSPOT_ACCESS_TOKEN", ACCESS_TOKEN);
        env.put("HUBSPOT_CLIENT_SECRET", CLIENT_SECRET);
        env.put("TAJO_PUBLIC_URL", PUBLIC_URL);
        env.put("HUBSPOT_SYNC_CONTACTS_CRON", "0+0+0+1+1+?+2099");  // only the test starts syncs
        env.put("BREVO_RATE_CONTACTS", "1000/s");
        return env;
    }

    /** A CRM v3 contact as the batch read and the search return it; a null value is a property HubSpot has empty. */
    public static ObjectNode contact(long id, String email, String firstname, String lastname, String phone, String modified) {
        ObjectNode contact = JSON.createObjectNode().put("id", String.valueOf(id));
        ObjectNode properties = contact.putObject("properties");
        properties.put("email", email).put("firstname", firstname).put("lastname", lastname).put("phone", phone)
                .put("hs_object_id", String.valueOf(id)).put("lastmodifieddate", modified).put("createdate", "2026-01-01T00:00:00Z");
        contact.put("createdAt", "2026-01-01T00:00:00Z").put("updatedAt", modified).put("archived", false);
        return contact;
    }

    /** Answers every batch read with these contacts (status COMPLETE). */
    public void answerBatchRead(List<? extends JsonNode> contacts) {
        ObjectNode answer = JSON.createObjectNode().put("status", "COMPLETE");
        ArrayNode results = answer.putArray("results");
        contacts.forEach(results::add);
        answer.put("startedAt", "2026-01-02T10:00:00Z").put("completedAt", "2026-01-02T10:00:01Z");
        server.stubFor(post(urlPathEqualTo(BATCH_READ)).willReturn(json(answer.toString())));
    }

    /** A search for contacts modified since {@code since}, after {@code after} (null: the query's first page). */
    public static MappingBuilder search(Instant since, String after) {
        MappingBuilder request = post(urlPathEqualTo(SEARCH))
                .withRequestBody(matchingJsonPath("$.filterGroups[0].filters[0].value", equalTo(String.valueOf(since.toEpochMilli()))));
        return after == null ? request.withRequestBody(matchingJsonPath("$.after", absent()))
                : request.withRequestBody(matchingJsonPath("$.after", equalTo(after)));
    }

    /** A search answer: the page's contacts and, when there is one, the cursor of the next page. */
    public static String searchPage(List<? extends JsonNode> contacts, String after, int total) {
        ObjectNode answer = JSON.createObjectNode().put("total", total);
        ArrayNode results = answer.putArray("results");
        contacts.forEach(results::add);
        if (after != null) {
            answer.putObject("paging").putObject("next").put("after", after).put("link", "?after=" + after);
        }
        return answer.toString();
    }

    public static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json;charset=utf-8").withBody(body);
    }

    /** Requests received on a path, oldest first. */
    public List<LoggedRequest> requests(String path) {
        return server.getAllServeEvents().stream().map(event -> event.getRequest())
                .filter(request -> request.getUrl().split("\\?")[0].equals(path))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    public List<JsonNode> bodies(String path) {
        return requests(path).stream().map(request -> BrevoStub.json(request.getBodyAsString())).toList();
    }

    /** One webhook event, as HubSpot sends it in a delivery's array. */
    public static ObjectNode event(long eventId, String subscriptionType, long objectId, long occurredAt) {
        return JSON.createObjectNode().put("eventId", eventId).put("subscriptionId", 25).put("portalId", 33)
                .put("appId", 1160452).put("occurredAt", occurredAt).put("subscriptionType", subscriptionType)
                .put("attemptNumber", 0).put("objectId", objectId).put("changeSource", "CRM");
    }

    /** A delivery's body: the events as a compact JSON array, the bytes that are signed and sent. */
    public static byte[] body(List<? extends JsonNode> events) {
        ArrayNode array = JSON.createArrayNode();
        events.forEach(array::add);
        return array.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The headers HubSpot sends with a delivery to {@code uri}, signed v3 with {@code secret} at {@code timestamp}. */
    public static Map<String, String> headers(String uri, byte[] body, String secret, long timestamp) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-HubSpot-Signature-v3", signature("POST", uri, body, timestamp, secret));
        headers.put("X-HubSpot-Request-Timestamp", String.valueOf(timestamp));
        return headers;
    }

    /** HubSpot's v3 signature, written out from its documentation, independently of the service's code. */
    public static String signature(String method, String decodedUri, byte[] body, long timestamp, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((method + decodedUri).getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            mac.update(String.valueOf(timestamp).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
