package io.tajo.connectors.stripe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.mapping.ContactMapper;
import io.tajo.connectors.store.SourceContacts;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.webhook.HmacSignature;
import io.tajo.connectors.webhook.WebhookRejectedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stripe-specific steps of {@code stripe-webhooks}: check a delivery's {@code Stripe-Signature} (DESIGN §5),
 * and turn each event type's object into Brevo commands.
 */
public class StripeWebhooks {

    public static final String SOURCE = "stripe";
    /** Exchange property set by {@link #verify}: the event's type, which the route chooses on. */
    public static final String EVENT_TYPE = "stripeEventType";
    static final String SIGNATURE_HEADER = "Stripe-Signature";

    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PAYMENT_EVENTS = Map.of(
            "checkout.session.completed", "checkout_completed",
            "invoice.paid", "invoice_paid",
            "payment_intent.succeeded", "payment_succeeded",
            "charge.succeeded", "charge_succeeded",
            "charge.refunded", "charge_refunded");

    private StateStore store;
    private String secret = "";
    private String previousSecret = "";
    private long toleranceSeconds = 300;
    private HmacSignature signature;

    public void setStore(StateStore store) { this.store = store; }
    public void setSecret(String secret) { this.secret = secret; }
    public void setPreviousSecret(String previousSecret) { this.previousSecret = previousSecret; }
    public void setToleranceSeconds(long toleranceSeconds) { this.toleranceSeconds = toleranceSeconds; }

    /** Reports once whether deliveries can be verified at all. */
    public void start() {
        // the whole whsec_... string is the HMAC key, as stripe-java uses it
        signature = new HmacSignature("HmacSHA256", HmacSignature.Encoding.HEX, secret, previousSecret);
        if (!signature.hasSecret()) {
            LOG.info("Stripe webhooks not configured: no STRIPE_WEBHOOK_SECRET, so every delivery is refused (401)");
        }
    }

    /**
     * 401 unless {@code Stripe-Signature} carries a timestamp within the tolerance and a {@code v1} matching the
     * HMAC of {@code t + "." + body}; then sets the idempotency key ({@code stripe:<event id>}) and the event type.
     * The body stays raw bytes.
     */
    public void verify(Exchange exchange) {
        String header = exchange.getMessage().getHeader(SIGNATURE_HEADER, String.class);
        if (header == null || header.isBlank()) {
            throw new WebhookRejectedException(401, "missing " + SIGNATURE_HEADER);
        }
        String timestamp = null;
        List<String> v1 = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if ("t".equals(key)) {
                timestamp = value;
            } else if ("v1".equals(key)) {
                v1.add(value);
            }
        }
        if (timestamp == null || v1.isEmpty()) {
            throw new WebhookRejectedException(401, "no timestamp or v1 signature");
        }
        long t;
        try {
            t = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException(401, "timestamp not a number");
        }
        if (Math.abs(Instant.now().getEpochSecond() - t) > toleranceSeconds) {
            throw new WebhookRejectedException(401, "timestamp outside the tolerance");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        body = body == null ? new byte[0] : body;
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        if (!signature.matchesAny(signed, v1)) {
            throw new WebhookRejectedException(401, "bad signature");
        }
        JsonNode event = json(exchange);
        String id = event.path("id").asText("");
        if (id.isBlank() || !event.path("data").path("object").isObject()) {
            throw new WebhookRejectedException(400, "not a Stripe event");
        }
        exchange.setProperty(BrevoOutbox.IDEMPOTENCY_KEY, "stripe:" + id);
        exchange.setProperty(EVENT_TYPE, event.path("type").asText(""));
    }

    /**
     * customer.created|updated: the body becomes the customer, for {@code direct:map-contacts}, with the event's
     * time as the version (a Stripe customer has no updated_at).
     */
    public JsonNode customer(Exchange exchange) {
        JsonNode event = json(exchange);
        long created = event.path("created").asLong() * 1000;
        // seconds only: an update in the same second as the creation must still win over it
        exchange.setProperty(ContactMapper.SOURCE_VERSION,
                "customer.created".equals(event.path("type").asText()) ? created : created + 1);
        return event.at("/data/object");
    }

    /** customer.deleted: the contact is deleted (hard) in Brevo, found by the email the customer was last sent with. */
    public List<BrevoCommand> customerDeleted(Exchange exchange) {
        JsonNode event = json(exchange);
        JsonNode customer = event.at("/data/object");
        String sourceId = "customers/" + customer.path("id").asText();
        Optional<String> email = Optional.ofNullable(firstText(customer.path("email")))
                .or(() -> SourceContacts.emailOf(store, SOURCE, sourceId));
        if (email.isEmpty()) {
            LOG.info("Stripe {} deleted, but it never reached Brevo: nothing to delete", sourceId);
            return List.of();
        }
        // nothing follows a deletion: an update of the same second must not keep it from applying
        long version = event.path("created").asLong() * 1000 + 999;
        return List.of(new BrevoCommand("deleteContact", email.get(), JSON.createObjectNode(), SOURCE, sourceId,
                JSON.getNodeFactory().numberNode(version), null));
    }

    /**
     * Payments (checkout.session.completed, invoice.paid, payment_intent.succeeded, charge.succeeded,
     * charge.refunded): a Brevo event, LAST_PAYMENT_DATE on the payer's contact (not for a refund), and for charges
     * LIFETIME_VALUE: the sum of the payer's charges seen, net of refunds.
     */
    public List<BrevoCommand> paymentCommands(Exchange exchange) {
        JsonNode event = json(exchange);
        String type = event.path("type").asText();
        JsonNode object = event.at("/data/object");
        Optional<String> email = Optional.ofNullable(firstText(object.path("receipt_email"), object.at("/customer_details/email"),
                        object.path("customer_email"), object.at("/billing_details/email")))
                .or(() -> customerEmail(object));
        if (email.isEmpty()) {
            LOG.info("Stripe {} {} has no email and no known customer: nothing sent to Brevo", type, object.path("id").asText());
            return List.of();
        }
        long created = event.path("created").asLong();
        String occurredAt = Instant.ofEpochSecond(created).toString();

        ObjectNode properties = JSON.createObjectNode().put("id", object.path("id").asText());
        // Brevo's event properties take strings or integers: amounts stay in the currency's minor units
        JsonNode amount = switch (type) {
            case "checkout.session.completed" -> object.path("amount_total");
            case "invoice.paid" -> object.path("amount_paid");
            case "payment_intent.succeeded" -> object.path("amount_received").asLong() > 0 ? object.get("amount_received")
                    : object.path("amount");
            case "charge.refunded" -> object.path("amount_refunded");
            default -> object.path("amount");
        };
        if (amount.canConvertToLong()) {
            properties.put("amount", amount.asLong());
        }
        if (object.hasNonNull("currency")) {
            properties.put("currency", object.get("currency").asText());
        }
        if (object.path("customer").isTextual()) {
            properties.put("customer_id", object.get("customer").asText());
        }
        if (object.path("number").isTextual()) {
            properties.put("number", object.get("number").asText());
        }
        ObjectNode payload = JSON.createObjectNode().put("event_name", PAYMENT_EVENTS.get(type));
        payload.set("event_properties", properties);
        List<BrevoCommand> commands = new ArrayList<>();
        commands.add(new BrevoCommand("trackEvent", email.get(), payload, SOURCE, null, null, occurredAt));

        if (!"charge.refunded".equals(type)) {
            ObjectNode contact = JSON.createObjectNode();
            contact.putObject("attributes").put("LAST_PAYMENT_DATE",
                    Instant.ofEpochSecond(created).atZone(ZoneOffset.UTC).toLocalDate().toString());
            // an older payment arriving late does not move the date back
            commands.add(new BrevoCommand("upsertContact", email.get(), contact, SOURCE, "last-payment/" + email.get(),
                    JSON.getNodeFactory().numberNode(created * 1000), null));
        }
        if (type.startsWith("charge.")) {
            // charges alone feed LIFETIME_VALUE: a payment's invoice, payment intent and checkout would count it again
            StripeCharges.record(store, object.path("id").asText(), email.get(), object.path("amount").asLong(),
                    object.path("amount_refunded").asLong(), object.path("currency").asText(null), created * 1000)
                    .ifPresentOrElse(lifetime -> {
                        ObjectNode contact = JSON.createObjectNode();
                        contact.putObject("attributes").put("LIFETIME_VALUE", lifetime.value());
                        // computed now: a computation that commits later but started earlier must not win
                        commands.add(new BrevoCommand("upsertContact", email.get(), contact, SOURCE, "lifetime-value/" + email.get(),
                                JSON.getNodeFactory().numberNode(lifetime.computedAt()), null));
                    }, () -> LOG.info("Stripe charges of {} are in several (or unknown) currencies: LIFETIME_VALUE left as it is",
                            email.get()));
        }
        return commands;
    }

    /** customer.subscription.created|updated|deleted: SUBSCRIPTION_STATUS and PLAN on the customer's contact. */
    public List<BrevoCommand> subscriptionCommands(Exchange exchange) {
        JsonNode event = json(exchange);
        JsonNode subscription = event.at("/data/object");
        Optional<String> email = customerEmail(subscription);
        if (email.isEmpty()) {
            LOG.info("Stripe subscription {} of customer {} not applied: the customer has not reached Brevo yet",
                    subscription.path("id").asText(), subscription.path("customer").asText());
            return List.of();
        }
        boolean deleted = "customer.subscription.deleted".equals(event.path("type").asText());
        ObjectNode attributes = JSON.createObjectNode()
                .put("SUBSCRIPTION_STATUS", deleted ? "canceled" : subscription.path("status").asText());
        JsonNode price = subscription.at("/items/data/0/price");
        String plan = firstText(price.path("nickname"), price.path("id"), subscription.at("/plan/nickname"), subscription.at("/plan/id"));
        if (plan != null) {
            attributes.put("PLAN", plan);
        }
        ObjectNode payload = JSON.createObjectNode();
        payload.set("attributes", attributes);
        long created = event.path("created").asLong() * 1000;
        return List.of(new BrevoCommand("upsertContact", email.get(), payload, SOURCE,
                "subscriptions/" + subscription.path("id").asText(), JSON.getNodeFactory().numberNode(deleted ? created + 999 : created), null));
    }

    /** The email the object's customer (an id, or an expanded customer) was last sent to Brevo with. */
    private Optional<String> customerEmail(JsonNode object) {
        JsonNode customer = object.path("customer");
        if (customer.isObject()) {
            String email = firstText(customer.path("email"));
            if (email != null) {
                return Optional.of(email);
            }
            customer = customer.path("id");
        }
        if (!customer.isTextual() || customer.asText().isBlank()) {
            return Optional.empty();
        }
        return SourceContacts.emailOf(store, SOURCE, "customers/" + customer.asText());
    }

    private static JsonNode json(Exchange exchange) {
        try {
            return JSON.readTree(exchange.getMessage().getBody(byte[].class));
        } catch (IOException e) {
            throw new WebhookRejectedException(400, "body is not JSON");
        }
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate != null && candidate.isValueNode() && !candidate.isNull() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return null;
    }
}
