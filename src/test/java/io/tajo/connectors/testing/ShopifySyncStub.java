package io.tajo.connectors.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/** WireMock standing in for a shop's GraphQL Admin API on 127.0.0.1, answering as Shopify does. */
public final class ShopifySyncStub implements AutoCloseable {

    public static final String ACCESS_TOKEN = "shpat_test_token";
    public static final String API_VERSION = "2026-10";
    public static final String GRAPHQL_PATH = "/admin/api/" + API_VERSION + "/graphql.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;

    private final ShopifyCostThrottle costThrottle;

    public ShopifySyncStub() {
        this(null);
    }

    private ShopifySyncStub(ShopifyCostThrottle costThrottle) {
        this.costThrottle = costThrottle;
        var options = options().bindAddress("127.0.0.1").dynamicPort();
        server = new WireMockServer(costThrottle == null ? options : options.extensions(costThrottle));
        server.start();
    }

    /** A stub that charges every GraphQL query to Shopify's cost bucket and answers THROTTLED when it is empty. */
    public static ShopifySyncStub enforcingCostLimit() {
        return new ShopifySyncStub(new ShopifyCostThrottle());
    }

    /** The cost limit this stub enforces; empty for an unthrottled stub. */
    public java.util.Optional<ShopifyCostThrottle> costThrottle() {
        return java.util.Optional.ofNullable(costThrottle);
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The environment that connects a test service to this stub; crons far away so only the test starts syncs. */
    public Map<String, String> connect(Map<String, String> env) {
        env.put("SHOPIFY_BASE_URL", baseUrl());
        env.put("SHOPIFY_SHOP_URL", "tajo-test.myshopify.com");
        env.put("SHOPIFY_ACCESS_TOKEN", ACCESS_TOKEN);
        env.put("SHOPIFY_API_VERSION", API_VERSION);
        for (String resource : new String[] {"CUSTOMERS", "ORDERS", "PRODUCTS"}) {
            env.put("SHOPIFY_SYNC_" + resource + "_CRON", "0+0+0+1+1+?+2099");
        }
        env.put("SHOPIFY_BULK_POLL_MS", "50");
        return env;
    }

    /** A GraphQL request for a page of {@code resource} after {@code cursor} (null: any other page, e.g. the first). */
    public static MappingBuilder pageRequest(String resource, String cursor) {
        MappingBuilder request = post(urlPathEqualTo(GRAPHQL_PATH))
                .withHeader("X-Shopify-Access-Token", equalTo(ACCESS_TOKEN))
                .withRequestBody(containing(" " + resource + "(first: $first"));
        return cursor == null
                ? request.atPriority(10)
                : request.atPriority(1).withRequestBody(matchingJsonPath("$.variables.after", equalTo(cursor)));
    }

    /** A page answer: the nodes, pageInfo, and the cost extension Shopify sends with every answer. */
    public static String page(String resource, List<? extends JsonNode> nodes, String endCursor, double available) {
        return page(resource, nodes, endCursor, available, 110);
    }

    /** A page answer whose query Shopify costed at {@code requestedCost} points. */
    public static String page(String resource, List<? extends JsonNode> nodes, String endCursor, double available,
                              double requestedCost) {
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode connection = answer.putObject("data").putObject(resource);
        ArrayNode array = connection.putArray("nodes");
        nodes.forEach(array::add);
        connection.putObject("pageInfo").put("hasNextPage", endCursor != null).put("endCursor", endCursor);
        cost(answer, requestedCost, available);
        return answer.toString();
    }

    /** Shopify's answer when the bucket cannot pay for the query. */
    public static String throttled(double available) {
        ObjectNode answer = JSON.createObjectNode();
        answer.putArray("errors").addObject().put("message", "Throttled").putObject("extensions").put("code", "THROTTLED");
        cost(answer, 110, available);
        return answer.toString();
    }

    private static void cost(ObjectNode answer, double requested, double available) {
        ObjectNode cost = answer.putObject("extensions").putObject("cost");
        cost.put("requestedQueryCost", requested);
        cost.putObject("throttleStatus").put("maximumAvailable", 2000.0).put("currentlyAvailable", available)
                .put("restoreRate", 100.0);
    }

    public static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    public static ObjectNode customer(long id, String email, String updatedAt) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", "gid://shopify/Customer/" + id);
        node.put("firstName", "First" + id);
        node.put("lastName", "Last" + id);
        node.putObject("defaultEmailAddress").put("emailAddress", email);
        node.putNull("defaultPhoneNumber");
        node.putObject("amountSpent").put("amount", "12.50").put("currencyCode", "EUR");
        node.put("numberOfOrders", "3");
        node.put("updatedAt", updatedAt);
        node.putNull("defaultAddress");
        return node;
    }

    /** GraphQL requests received, oldest first, as JSON. */
    public List<JsonNode> graphqlRequests() {
        return server.getAllServeEvents().stream().map(event -> event.getRequest())
                .filter(request -> request.getUrl().startsWith(GRAPHQL_PATH))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(request -> BrevoStub.json(request.getBodyAsString()))
                .collect(Collectors.toList());
    }

    public List<LoggedRequest> graphqlLoggedRequests() {
        return server.getAllServeEvents().stream().map(event -> event.getRequest())
                .filter(request -> request.getUrl().startsWith(GRAPHQL_PATH))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        server.stop();
    }
}
