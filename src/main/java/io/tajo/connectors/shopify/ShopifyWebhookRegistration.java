package io.tajo.connectors.shopify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.webhook.CallbackUrl;

/**
 * Subscribes the shop's webhook topics the enabled resources need to {@code {TAJO_PUBLIC_URL}/webhooks/shopify},
 * through the GraphQL Admin API. Idempotent: a topic already subscribed to the same URI is left as it is.
 */
public final class ShopifyWebhookRegistration {

    /** The topics each resource needs, as the GraphQL {@code WebhookSubscriptionTopic} enum names them. */
    public static final Map<String, List<String>> TOPICS = topics();

    static final String LIST = """
            query webhookSubscriptions($after: String) {
              webhookSubscriptions(first: 250, after: $after) {
                nodes { id topic uri }
                pageInfo { hasNextPage endCursor }
              }
            }""";

    static final String CREATE = """
            mutation webhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
              webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
                webhookSubscription { id topic uri }
                userErrors { field message }
              }
            }""";

    private final ShopifyAdminApi api;

    public ShopifyWebhookRegistration(ShopifyAdminApi api) {
        this.api = api;
    }

    /** The outcome: topics wanted, created, already there, and the refusals Shopify gave (topic: message). */
    public record Result(int wanted, int created, int existing, List<String> failures) {
        public String summary() {
            if (created == wanted) {
                return wanted + " subscriptions: " + created + " created";
            }
            return wanted + " subscriptions: " + created + " created, " + existing + " already registered"
                    + (failures.isEmpty() ? "" : ", " + failures.size() + " failed");
        }
    }

    /** The topics for a comma-separated list of resources (customers, orders, checkouts, products). */
    public static List<String> topicsFor(String resources) {
        Set<String> topics = new LinkedHashSet<>();
        for (String resource : resources.split(",")) {
            String name = resource.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            List<String> resourceTopics = TOPICS.get(name);
            if (resourceTopics == null) {
                throw new IllegalArgumentException("Unknown Shopify resource '" + name + "' in SHOPIFY_RESOURCES: use "
                        + String.join(", ", TOPICS.keySet()));
            }
            topics.addAll(resourceTopics);
        }
        return new ArrayList<>(topics);
    }

    /** {@code TAJO_PUBLIC_URL/webhooks/shopify}, or the full callback given, checked to be reachable by Shopify. */
    public static String callbackUrl(String publicUrlOrCallback, boolean isFullCallback) {
        return CallbackUrl.check("Shopify", publicUrlOrCallback, "/webhooks/shopify", isFullCallback);
    }

    /** Creates the subscriptions that are missing for these topics at this callback URL. */
    public Result register(List<String> topics, String callbackUrl) {
        Set<String> existing = existingTopics(callbackUrl);
        int created = 0;
        int already = 0;
        List<String> failures = new ArrayList<>();
        for (String topic : topics) {
            if (existing.contains(topic)) {
                already++;
                continue;
            }
            Map<String, Object> subscription = new LinkedHashMap<>();
            subscription.put("uri", callbackUrl);
            subscription.put("format", "JSON");
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("topic", topic);
            variables.put("webhookSubscription", subscription);
            JsonNode payload = api.execute(CREATE, variables).path("webhookSubscriptionCreate");
            JsonNode errors = payload.path("userErrors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> messages = new ArrayList<>();
                for (JsonNode error : errors) {
                    String field = error.path("field").isArray() && !error.path("field").isEmpty()
                            ? String.join(".", iterable(error.path("field"))) + ": " : "";
                    messages.add(field + error.path("message").asText());
                }
                failures.add(topic + ": " + String.join("; ", messages));
            } else if (payload.path("webhookSubscription").isMissingNode() || payload.path("webhookSubscription").isNull()) {
                failures.add(topic + ": Shopify created no subscription");
            } else {
                created++;
            }
        }
        return new Result(topics.size(), created, already, failures);
    }

    private Set<String> existingTopics(String callbackUrl) {
        Set<String> topics = new HashSet<>();
        String after = null;
        do {
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("after", after);
            JsonNode page = api.execute(LIST, variables).path("webhookSubscriptions");
            for (JsonNode node : page.path("nodes")) {
                if (callbackUrl.equals(node.path("uri").asText())) {
                    topics.add(node.path("topic").asText());
                }
            }
            after = page.path("pageInfo").path("hasNextPage").asBoolean(false)
                    ? page.path("pageInfo").path("endCursor").asText(null) : null;
        } while (after != null);
        return topics;
    }

    private static List<String> iterable(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Map<String, List<String>> topics() {
        Map<String, List<String>> topics = new LinkedHashMap<>();
        topics.put("customers", List.of("CUSTOMERS_CREATE", "CUSTOMERS_UPDATE", "CUSTOMERS_DELETE",
                "CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE", "CUSTOMERS_MARKETING_CONSENT_UPDATE"));
        topics.put("orders", List.of("ORDERS_CREATE", "ORDERS_PAID", "ORDERS_UPDATED", "ORDERS_FULFILLED", "ORDERS_CANCELLED"));
        topics.put("checkouts", List.of("CHECKOUTS_CREATE", "CHECKOUTS_UPDATE"));
        topics.put("products", List.of("PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE"));
        return java.util.Collections.unmodifiableMap(topics);
    }
}
