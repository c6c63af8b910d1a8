package io.tajo.connectors.shopify;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.PlatformApiException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shopify's GraphQL leaky bucket, as the shop reports it on every answer ({@code extensions.cost}): before a
 * query, waits until the bucket holds what that query cost last time, so the shop is not driven into THROTTLED.
 * One instance per shop: every sync of the service draws on the same bucket.
 */
public class ShopifyThrottle {

    /** Exchange property set by {@link #readAnswer}: true when Shopify refused the query as THROTTLED. */
    public static final String THROTTLED = "shopifyThrottled";

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyThrottle.class);

    private final Map<String, Double> lastCost = new HashMap<>();
    private double available = -1;
    private double maximum;
    private double restoreRate;
    private long observedAtNanos;

    /** Waits, if need be, until the run's next query can be paid for. */
    public void awaitCapacity(@ExchangeProperty(ShopifySyncRun.PROPERTY) ShopifySyncRun run) throws InterruptedException {
        long waitMillis = millisUntilAffordable(run.resource());
        if (waitMillis > 0) {
            LOG.debug("Shopify {} sync waits {} ms for the query cost to be restored", run.resource(), waitMillis);
            run.throttledFor(waitMillis);
            Thread.sleep(waitMillis);
        }
    }

    synchronized long millisUntilAffordable(String queryKey) {
        Double cost = lastCost.get(queryKey);
        if (cost == null || available < 0 || restoreRate <= 0) {
            return 0;
        }
        double need = Math.min(cost, maximum);
        double now = Math.min(maximum, available + restoreRate * (System.nanoTime() - observedAtNanos) / 1e9);
        return now >= need ? 0 : (long) Math.ceil((need - now) / restoreRate * 1000);
    }

    /**
     * Reads a GraphQL answer: records its cost and the bucket, and sets {@link #THROTTLED} when Shopify refused
     * the query for lack of capacity (the caller asks again once {@link #awaitCapacity} lets it). Any other
     * GraphQL error ends the sync with Shopify's message.
     */
    public JsonNode readAnswer(Exchange exchange) throws IOException {
        JsonNode answer = ShopifyGraphql.JSON.readTree(exchange.getMessage().getBody(String.class));
        ShopifySyncRun run = exchange.getProperty(ShopifySyncRun.PROPERTY, ShopifySyncRun.class);
        record(run == null ? "other" : run.resource(), answer.path("extensions").path("cost"));
        boolean throttled = false;
        for (JsonNode error : answer.path("errors")) {
            if ("THROTTLED".equals(error.path("extensions").path("code").asText())) {
                throttled = true;
            } else {
                throw new PlatformApiException("Shopify GraphQL error: " + error.path("message").asText(error.toString()));
            }
        }
        exchange.setProperty(THROTTLED, throttled);
        if (throttled && run != null) {
            LOG.info("Shopify throttled the {} sync; the same page is asked again once the query cost is restored", run.resource());
        }
        return answer;
    }

    synchronized void record(String queryKey, JsonNode cost) {
        JsonNode status = cost.path("throttleStatus");
        if (cost.has("requestedQueryCost")) {
            lastCost.put(queryKey, cost.get("requestedQueryCost").asDouble());
        }
        if (status.has("currentlyAvailable") && status.has("restoreRate")) {
            available = status.get("currentlyAvailable").asDouble();
            maximum = status.path("maximumAvailable").asDouble(available);
            restoreRate = status.get("restoreRate").asDouble();
            observedAtNanos = System.nanoTime();
        }
    }
}
