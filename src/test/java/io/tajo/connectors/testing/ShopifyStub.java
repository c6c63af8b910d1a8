package io.tajo.connectors.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * WireMock standing in for a shop's Admin API and OAuth endpoints on 127.0.0.1 (SHOPIFY_BASE_URL). The GraphQL
 * endpoint keeps webhook subscriptions like Shopify does: {@code webhookSubscriptionCreate} adds one,
 * {@code webhookSubscriptions} lists them, and topics set to be refused answer with a userError.
 */
public final class ShopifyStub implements AutoCloseable {

    public static final String API_VERSION = "2026-10";
    public static final String GRAPHQL = "/admin/api/" + API_VERSION + "/graphql.json";
    public static final String TOKEN = "/admin/oauth/access_token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final Subscriptions subscriptions = new Subscriptions();

    public ShopifyStub() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(subscriptions));
        server.start();
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The GraphQL endpoint answers {@code shop { name }} with this name, for this token only (401 otherwise). */
    public void acceptToken(String token, String shopName) {
        subscriptions.token = token;
        subscriptions.shopName = shopName;
        server.stubFor(post(urlPathEqualTo(GRAPHQL)).willReturn(aResponse().withTransformers(Subscriptions.NAME)));
    }

    /** webhookSubscriptionCreate for this topic answers with a userError. */
    public void refuseTopic(String topic, String message) {
        subscriptions.refused.put(topic, message);
    }

    public List<JsonNode> subscriptions() {
        return List.copyOf(subscriptions.created);
    }

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    public List<LoggedRequest> requests(String path) {
        return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getUrl().split("\\?")[0].equals(path))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .collect(Collectors.toList());
    }

    /** The GraphQL requests whose query contains this text (e.g. webhookSubscriptionCreate), oldest first. */
    public List<JsonNode> graphql(String containing) {
        List<JsonNode> bodies = new ArrayList<>();
        for (LoggedRequest request : requests(GRAPHQL)) {
            JsonNode body = parse(request.getBodyAsString());
            if (body.path("query").asText().contains(containing)) {
                bodies.add(body);
            }
        }
        return bodies;
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    /** The shop's side of the GraphQL calls the connector makes. */
    static final class Subscriptions implements ResponseDefinitionTransformerV2 {
        static final String NAME = "shopify-graphql";
        volatile String token;
        volatile String shopName;
        final List<JsonNode> created = new CopyOnWriteArrayList<>();
        final Map<String, String> refused = new ConcurrentHashMap<>();

        @Override
        public String getName() {
            return NAME;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            if (token == null || !token.equals(event.getRequest().getHeader("X-Shopify-Access-Token"))) {
                return json(401, "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}").build();
            }
            JsonNode request = parse(event.getRequest().getBodyAsString());
            String query = request.path("query").asText();
            JsonNode variables = request.path("variables");
            ObjectNode data = JSON.createObjectNode();
            if (query.contains("webhookSubscriptionCreate")) {
                ObjectNode payload = data.putObject("webhookSubscriptionCreate");
                ArrayNode userErrors = payload.putArray("userErrors");
                String topic = variables.path("topic").asText();
                if (refused.containsKey(topic)) {
                    ObjectNode error = userErrors.addObject();
                    error.putArray("field").add("webhookSubscription").add("uri");
                    error.put("message", refused.get(topic));
                    payload.putNull("webhookSubscription");
                } else {
                    ObjectNode subscription = JSON.createObjectNode();
                    subscription.put("id", "gid://shopify/WebhookSubscription/" + (1000 + created.size()));
                    subscription.put("topic", topic);
                    subscription.put("uri", variables.path("webhookSubscription").path("uri").asText());
                    created.add(subscription);
                    payload.set("webhookSubscription", subscription);
                }
            } else if (query.contains("webhookSubscriptions")) {
                ObjectNode page = data.putObject("webhookSubscriptions");
                ArrayNode nodes = page.putArray("nodes");
                created.forEach(nodes::add);
                page.putObject("pageInfo").put("hasNextPage", false).putNull("endCursor");
            } else if (query.contains("shop")) {
                data.putObject("shop").put("name", shopName);
            } else {
                return json(200, "{\"errors\":[{\"message\":\"unexpected query\"}]}").build();
            }
            ObjectNode response = JSON.createObjectNode();
            response.set("data", data);
            return json(200, response.toString()).build();
        }
    }

    /** Names of the topics subscribed, in order. */
    public Set<String> subscribedTopics() {
        return subscriptions.created.stream().map(s -> s.path("topic").asText()).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }
}
