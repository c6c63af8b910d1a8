package io.tajo.connectors.testing;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tajo.connectors.shopify.ShopifyQueryCost;

/**
 * Shopify's GraphQL Admin API cost limit, enforced by a WireMock stub: a leaky bucket of {@link #MAXIMUM} points
 * restored at {@link #RESTORE_RATE} points/s (the figures ShopifySyncStub answers with). Each GraphQL answer costs
 * the {@code extensions.cost.requestedQueryCost} it was stubbed with (1 when it names none); a query the bucket
 * cannot pay for is answered THROTTLED, one asking for more than a single query may cost (by Shopify's published cost
 * rules, {@link ShopifyQueryCost}) MAX_COST_EXCEEDED, and every answer reports the bucket as it is now.
 */
public final class ShopifyCostThrottle implements ResponseTransformerV2 {

    public static final double MAXIMUM = 2000;
    public static final double RESTORE_RATE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger queries = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private double available = MAXIMUM;
    private long updatedAt = System.nanoTime();
    private double pointsSpent;

    @Override
    public String getName() {
        return "shopify-cost-throttle";
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        if (!serveEvent.getRequest().getUrl().startsWith(ShopifySyncStub.GRAPHQL_PATH) || response.getStatus() != 200) {
            return response;
        }
        queries.incrementAndGet();
        ObjectNode answer;
        try {
            answer = (ObjectNode) JSON.readTree(response.getBodyAsString());
        } catch (Exception notJson) {
            return response;
        }
        // Shopify refuses, before running it, a query asking for more than a single query may cost
        int requested = requestedCost(serveEvent.getRequest().getBodyAsString());
        if (requested > ShopifyQueryCost.MAX) {
            queries.decrementAndGet();
            refused.incrementAndGet();
            ObjectNode refusal = JSON.createObjectNode();
            refusal.putArray("errors").addObject().put("message", "Query cost is " + requested
                    + ", which exceeds the single query max cost limit (" + ShopifyQueryCost.MAX + ").").putObject("extensions")
                    .put("code", "MAX_COST_EXCEEDED").put("cost", requested).put("maxCost", ShopifyQueryCost.MAX);
            return Response.Builder.like(response).but().body(refusal.toString()).build();
        }
        JsonNode stubbedCost = answer.path("extensions").path("cost").path("requestedQueryCost");
        double cost = stubbedCost.isNumber() ? stubbedCost.asDouble() : 1;
        boolean paid;
        double left;
        synchronized (this) {
            long now = System.nanoTime();
            available = Math.min(MAXIMUM, available + RESTORE_RATE * (now - updatedAt) / 1e9);
            updatedAt = now;
            paid = available >= cost;
            if (paid) {
                available -= cost;
                pointsSpent += cost;
            }
            left = available;
        }
        if (!paid) {
            throttled.incrementAndGet();
            answer = (ObjectNode) JSON.createObjectNode();
            answer.putArray("errors").addObject().put("message", "Throttled").putObject("extensions").put("code", "THROTTLED");
        }
        ObjectNode extensions = answer.path("extensions").isObject() ? (ObjectNode) answer.get("extensions") : answer.putObject("extensions");
        ObjectNode costNode = extensions.putObject("cost");
        costNode.put("requestedQueryCost", cost);
        costNode.putObject("throttleStatus").put("maximumAvailable", MAXIMUM).put("currentlyAvailable", left)
                .put("restoreRate", RESTORE_RATE);
        return Response.Builder.like(response).but().body(answer.toString()).build();
    }

    private static int requestedCost(String body) {
        try {
            JsonNode request = JSON.readTree(body);
            JsonNode first = request.path("variables").path("first");
            return ShopifyQueryCost.of(request.path("query").asText(), first.isInt() ? Map.of("first", first.asInt()) : Map.of());
        } catch (Exception notAQueryItCanPrice) {
            return 0;
        }
    }

    /** Queries refused as costing more than a single query may (MAX_COST_EXCEEDED). */
    public int refused() {
        return refused.get();
    }

    /** GraphQL queries received. */
    public int queries() {
        return queries.get();
    }

    /** Queries answered THROTTLED (Shopify's 429 for GraphQL). */
    public int throttled() {
        return throttled.get();
    }

    /** Points the stub charged for the queries it answered. */
    public synchronized double pointsSpent() {
        return pointsSpent;
    }
}
