package io.tajo.connectors.shopify;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.mapping.ContactMapper;
import io.tajo.connectors.store.ConsentStates;
import io.tajo.connectors.store.EmailConsents;
import io.tajo.connectors.store.SourceContacts;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.webhook.HmacSignature;
import io.tajo.connectors.webhook.WebhookBody;
import io.tajo.connectors.webhook.WebhookRejectedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Shopify-specific steps of {@code shopify-webhooks}: check a delivery's signature and headers (DESIGN
 * §5), and turn each topic's payload into Brevo commands or stored state.
 */
public class ShopifyWebhooks {

    public static final String SOURCE = "shopify";
    private static final Logger LOG = LoggerFactory.getLogger(ShopifyWebhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REQUIRED_HEADERS = List.of("X-Shopify-Hmac-Sha256", "X-Shopify-Topic",
            "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id");
    private static final Map<String, String> ORDER_EVENTS = Map.of("orders/create", "order_placed", "orders/paid", "order_paid",
            "orders/fulfilled", "order_fulfilled", "orders/cancelled", "order_cancelled");

    private StateStore store;
    private ContactMapper contactMapper;
    private ShopifyAccessTokens tokens;
    private String previousSecret = "";
    private volatile Verification verification = new Verification(null, Optional.empty(), 0);

    public void setStore(StateStore store) { this.store = store; }
    public void setContactMapper(ContactMapper contactMapper) { this.contactMapper = contactMapper; }
    public void setTokens(ShopifyAccessTokens tokens) { this.tokens = tokens; }
    public void setPreviousSecret(String previousSecret) { this.previousSecret = previousSecret; }

    /** The secrets and shop deliveries are checked against, re-read each minute: `connect` may store them later. */
    private record Verification(HmacSignature signature, Optional<String> shop, long readAt) {
    }

    /** Reports once whether deliveries can be verified at all. */
    public void start() {
        if (!verification().signature().hasSecret()) {
            LOG.info("Shopify webhooks not connected: no app secret (SHOPIFY_API_SECRET or `tajo connectors connect shopify "
                    + "--api-secret`), so every delivery is refused (401)");
        }
    }

    private Verification verification() {
        Verification current = verification;
        if (System.currentTimeMillis() - current.readAt() > 60_000) {
            HmacSignature signature = new HmacSignature("HmacSHA256", HmacSignature.Encoding.BASE64,
                    tokens.webhookSecret().orElse(null), previousSecret);
            current = new Verification(signature, tokens.knownShop(), System.currentTimeMillis());
            verification = current;
        }
        return current;
    }

    /** 401 unless every required header is there and the HMAC of the raw body matches; the body stays raw bytes. */
    public void verify(Exchange exchange) {
        for (String header : REQUIRED_HEADERS) {
            String value = exchange.getMessage().getHeader(header, String.class);
            if (value == null || value.isBlank()) {
                throw new WebhookRejectedException(401, "missing " + header);
            }
        }
        Verification current = verification();
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (!current.signature().matches(body == null ? new byte[0] : body,
                exchange.getMessage().getHeader(REQUIRED_HEADERS.get(0), String.class))) {
            throw new WebhookRejectedException(401, "bad signature");
        }
        String domain = exchange.getMessage().getHeader("X-Shopify-Shop-Domain", String.class);
        if (current.shop().isPresent() && !current.shop().get().equalsIgnoreCase(domain)) {
            throw new WebhookRejectedException(401, "delivery for another shop");
        }
    }

    /** customers/delete: the customer's contact is deleted (hard) or taken off the customers list (soft). */
    public List<BrevoCommand> customerDeleted(Exchange exchange) {
        JsonNode customer = WebhookBody.json(exchange);
        String sourceId = "customers/" + customer.path("id").asText();
        Optional<String> email = SourceContacts.emailOf(store, SOURCE, sourceId);
        if (email.isEmpty()) {
            LOG.info("Shopify {} deleted, but it never reached Brevo: nothing to delete", sourceId);
            return List.of();
        }
        Map<String, Object> settings = contactMapper.settings(SOURCE, "customers");
        ObjectNode payload = JSON.createObjectNode();
        if (!"hard".equals(String.valueOf(settings.getOrDefault("delete_behavior", "soft")))) {
            Object listId = settings.get("list_id");
            if (listId == null) {
                LOG.info("Shopify {} deleted: soft delete_behavior and no list_id, so the Brevo contact stays as it is", sourceId);
                return List.of();
            }
            payload.putArray("unlinkListIds").add(Long.parseLong(listId.toString()));
        }
        // the delete is as new as the delivery: an older update arriving late must not bring the contact back
        return List.of(new BrevoCommand("deleteContact", email.get(), payload, SOURCE, sourceId,
                JSON.getNodeFactory().textNode(triggeredAt(exchange)), null));
    }

    /** customers_email_marketing_consent/update: only "subscribed" lets Brevo send campaigns. */
    public List<BrevoCommand> emailConsent(Exchange exchange) {
        JsonNode consent = WebhookBody.json(exchange);
        String email = consent.path("email_address").asText("");
        if (email.isBlank()) {
            return List.of();
        }
        String state = consent.at("/email_marketing_consent/state").asText();
        boolean subscribed = "subscribed".equals(state);
        JsonNode consentUpdatedAt = consent.at("/email_marketing_consent/consent_updated_at");
        // what Shopify now has: consent-sync pushes a Brevo unsubscribe to Shopify only when it differs
        ConsentStates.seen(store, SOURCE, email, subscribed);
        if (subscribed || "unsubscribed".equals(state)) {
            // what the abandoned-cart skill asks before each follow-up
            EmailConsents.record(store, email, subscribed, SOURCE,
                    OffsetDateTime.parse(consentUpdatedAt.isTextual() ? consentUpdatedAt.asText() : triggeredAt(exchange)).toInstant());
        }
        ObjectNode payload = JSON.createObjectNode().put("emailBlacklisted", !subscribed);
        Object listId = contactMapper.settings(SOURCE, "customers").get("list_id");
        if (subscribed && listId != null) {
            payload.putArray("listIds").add(Long.parseLong(listId.toString()));
        }
        return List.of(consentCommand(exchange, email, payload, "email-consent/" + consent.path("customer_id").asText(),
                consentUpdatedAt));
    }

    /** customers_marketing_consent/update: SMS consent of a customer already sent to Brevo. */
    public List<BrevoCommand> smsConsent(Exchange exchange) {
        JsonNode consent = WebhookBody.json(exchange);
        String customerId = consent.path("id").asText();
        Optional<String> email = SourceContacts.emailOf(store, SOURCE, "customers/" + customerId);
        if (email.isEmpty()) {
            LOG.info("SMS consent of Shopify customer {} not applied: the customer has not reached Brevo yet", customerId);
            return List.of();
        }
        boolean subscribed = "subscribed".equals(consent.at("/sms_marketing_consent/state").asText());
        return List.of(consentCommand(exchange, email.get(), JSON.createObjectNode().put("smsBlacklisted", !subscribed),
                "sms-consent/" + customerId, consent.at("/sms_marketing_consent/consent_updated_at")));
    }

    private BrevoCommand consentCommand(Exchange exchange, String email, ObjectNode payload, String sourceId, JsonNode updatedAt) {
        String version = updatedAt.isTextual() ? updatedAt.asText() : triggeredAt(exchange);
        return new BrevoCommand("upsertContact", email, payload, SOURCE, sourceId, JSON.getNodeFactory().textNode(version), null);
    }

    /** orders/*: the Brevo order, the order event, and the buyer's ORDER_COUNT, TOTAL_SPENT and LAST_ORDER_DATE. */
    public List<BrevoCommand> orderCommands(Exchange exchange) {
        JsonNode order = WebhookBody.json(exchange);
        String topic = exchange.getMessage().getHeader("X-Shopify-Topic", String.class);
        String orderId = order.path("id").asText();
        String email = firstText(order.path("email"), order.path("contact_email"), order.at("/customer/email"));
        BigDecimal amount = new BigDecimal(order.path("total_price").asText("0"));
        boolean cancelled = order.hasNonNull("cancelled_at");
        List<BrevoCommand> commands = new ArrayList<>();

        ObjectNode brevoOrder = JSON.createObjectNode()
                .put("id", orderId)
                .put("createdAt", utc(order.path("created_at").asText()))
                .put("updatedAt", utc(order.path("updated_at").asText()))
                .put("status", orderStatus(order))
                .put("amount", amount);
        var products = brevoOrder.putArray("products");
        for (JsonNode item : order.path("line_items")) {
            ObjectNode product = products.addObject()
                    .put("productId", firstText(item.path("product_id"), item.path("variant_id"), item.path("id")))
                    .put("quantity", item.path("quantity").asInt())
                    .put("price", new BigDecimal(item.path("price").asText("0")));
            if (item.hasNonNull("variant_id")) {
                product.put("variantId", item.get("variant_id").asText());
            }
        }
        commands.add(new BrevoCommand("upsertOrder", email, brevoOrder, SOURCE, "orders/" + orderId, order.get("updated_at"), null));
        Checkouts.orderPlaced(store, SOURCE, order);
        if (email == null) {
            return commands;
        }

        String event = ORDER_EVENTS.get(topic);
        if (event != null) {
            ObjectNode properties = JSON.createObjectNode()
                    .put("order_id", orderId)
                    .put("order_name", order.path("name").asText())
                    // Brevo's event properties take strings or integers: the amount travels as text
                    .put("amount", amount.toPlainString())
                    .put("currency", order.path("currency").asText())
                    .put("items", order.path("line_items").size());
            ObjectNode payload = JSON.createObjectNode().put("event_name", event);
            payload.set("event_properties", properties);
            commands.add(new BrevoCommand("trackEvent", email, payload, SOURCE, null, null,
                    "orders/create".equals(topic) ? order.path("created_at").asText() : order.path("updated_at").asText()));
        }

        ContactOrders.Totals totals = ContactOrders.record(store, SOURCE, orderId, email, amount, order.path("currency").asText(null),
                OffsetDateTime.parse(order.path("created_at").asText()).toInstant().toEpochMilli(), cancelled);
        ObjectNode attributes = JSON.createObjectNode()
                .put("ORDER_COUNT", totals.count())
                .put("TOTAL_SPENT", totals.spent());
        if (totals.lastOrderDate() != null) {
            attributes.put("LAST_ORDER_DATE", totals.lastOrderDate());
        }
        ObjectNode payload = JSON.createObjectNode();
        payload.set("attributes", attributes);
        // totals are computed now: a computation that commits later but started earlier must not win
        commands.add(new BrevoCommand("upsertContact", email, payload, SOURCE, "order-totals/" + email,
                JSON.getNodeFactory().numberNode(totals.computedAt()), null));
        return commands;
    }

    private static String orderStatus(JsonNode order) {
        if (order.hasNonNull("cancelled_at")) {
            return "cancelled";
        }
        if ("fulfilled".equals(order.path("fulfillment_status").asText())) {
            return "fulfilled";
        }
        String financial = order.path("financial_status").asText("");
        return financial.isEmpty() ? "pending" : financial;
    }

    /** products/create|update|delete: the product in Brevo's catalogue; a deleted one is marked so. */
    public List<BrevoCommand> productCommands(Exchange exchange) {
        JsonNode product = WebhookBody.json(exchange);
        String topic = exchange.getMessage().getHeader("X-Shopify-Topic", String.class);
        String id = product.path("id").asText();
        ObjectNode payload = JSON.createObjectNode().put("id", id);
        if ("products/delete".equals(topic)) {
            payload.put("name", "deleted product " + id).put("deletedAt", utc(triggeredAt(exchange)));
        } else {
            payload.put("name", product.path("title").asText(id));
            JsonNode variant = product.path("variants").path(0);
            if (variant.hasNonNull("price")) {
                payload.put("price", new BigDecimal(variant.get("price").asText()));
            }
            if (variant.hasNonNull("sku") && !variant.get("sku").asText().isBlank()) {
                payload.put("sku", variant.get("sku").asText());
            }
            if (product.at("/image/src").isTextual()) {
                payload.put("imageUrl", product.at("/image/src").asText());
            }
            if (product.hasNonNull("product_type") && !product.get("product_type").asText().isBlank()) {
                payload.putArray("categories").add(product.get("product_type").asText());
            }
        }
        JsonNode version = product.hasNonNull("updated_at") ? product.get("updated_at")
                : JSON.getNodeFactory().textNode(triggeredAt(exchange));
        return List.of(new BrevoCommand("upsertProduct", null, payload, SOURCE, "products/" + id, version, null));
    }

    /** checkouts/create|update: remembered (newest version wins) for the abandoned-cart skill, even while it is disabled. */
    public void rememberCheckout(Exchange exchange) {
        JsonNode checkout = WebhookBody.json(exchange);
        Checkouts.remember(store, SOURCE, checkout);
    }

    /** customers/create|update: the body parsed, for direct:map-contacts; 400 when it is not JSON. */
    public void record(Exchange exchange) {
        exchange.getMessage().setBody(WebhookBody.json(exchange));
    }

    private static String triggeredAt(Exchange exchange) {
        String triggered = exchange.getMessage().getHeader("X-Shopify-Triggered-At", String.class);
        return triggered == null || triggered.isBlank() ? Instant.now().toString() : triggered;
    }

    /** Brevo's order times: UTC, YYYY-MM-DDTHH:mm:ssZ. */
    static String utc(String timestamp) {
        return OffsetDateTime.parse(timestamp).withOffsetSameInstant(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'"));
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate != null && !candidate.isNull() && !candidate.isMissingNode() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return null;
    }
}
