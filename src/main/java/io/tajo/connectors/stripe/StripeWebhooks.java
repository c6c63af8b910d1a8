package io.tajo.connectors.stripe;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import io.tajo.connectors.webhook.WebhookBody;
import io.tajo.connectors.webhook.WebhookRejectedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stripe-specific steps of {@code stripe-webhooks} and {@code stripe-event}: check a delivery's
 * {@code Stripe-Signature} (DESIGN §5), and turn each event type's object into Brevo commands, whether the event
 * came by webhook or from the sync's /v1/events; and the sync's listed charges.
 */
public class StripeWebhooks {

    public static final String SOURCE = "stripe";
    /** Exchange property set by {@link #identify}: the event's type, which the route chooses on. */
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
     * HMAC of {@code t + "." + body}. The body stays raw bytes.
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
    }

    /**
     * Entry of {@code direct:stripe-event}: the body is a Stripe event (a webhook's or one of /v1/events). Sets the
     * idempotency key ({@code stripe:<event id>}, the same whichever way the event came) and the event type.
     */
    public void identify(Exchange exchange) {
        JsonNode event = WebhookBody.json(exchange);
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
        JsonNode event = WebhookBody.json(exchange);
        long created = event.path("created").asLong() * 1000;
        // seconds only: an update in the same second as the creation must still win over it
        exchange.setProperty(ContactMapper.SOURCE_VERSION,
                "customer.created".equals(event.path("type").asText()) ? created : created + 1);
        return event.at("/data/object");
    }

    /** customer.deleted: the contact is deleted (hard) in Brevo, found by the email the customer was last sent with. */
    public List<BrevoCommand> customerDeleted(Exchange exchange) {
        JsonNode event = WebhookBody.json(exchange);
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
     * charge.refunded): a Brevo event, LAST_PAYMENT_DATE on the payer's contact (not for a refund, nor for a checkout
     * whose payment has not gone through yet), and for charges LIFETIME_VALUE: the sum of the payer's charges seen,
     * net of refunds.
     */
    public List<BrevoCommand> paymentCommands(Exchange exchange) {
        JsonNode event = WebhookBody.json(exchange);
        String type = event.path("type").asText();
        JsonNode object = event.at("/data/object");
        Optional<String> email = payerEmail(object);
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
        if (object.path("payment_status").isTextual()) {
            properties.put("payment_status", object.get("payment_status").asText());
        }
        ObjectNode payload = JSON.createObjectNode().put("event_name", PAYMENT_EVENTS.get(type));
        payload.set("event_properties", properties);
        List<BrevoCommand> commands = new ArrayList<>();
        commands.add(new BrevoCommand("trackEvent", email.get(), payload, SOURCE, null, null, occurredAt));

        // a checkout paid later (bank debits: checkout.session.async_payment_succeeded) has not paid yet
        boolean unpaidCheckout = "checkout.session.completed".equals(type) && !"paid".equals(object.path("payment_status").asText());
        if (!"charge.refunded".equals(type) && !unpaidCheckout) {
            commands.add(lastPayment(email.get(), created));
        }
        if (type.startsWith("charge.")) {
            // charges alone feed LIFETIME_VALUE: a payment's invoice, payment intent and checkout would count it again
            recordCharge(object, email.get()).ifPresent(commands::add);
        }
        return commands;
    }

    /**
     * Body: a page of listed charges (a sync's first run). They are history, so no Brevo event: per payer, the
     * latest LAST_PAYMENT_DATE and the LIFETIME_VALUE once the page's charges are counted. Charges that did not
     * succeed count for nothing.
     */
    public List<BrevoCommand> listedChargeCommands(Exchange exchange) {
        Map<String, Long> lastPaid = new LinkedHashMap<>();
        Map<String, Optional<BrevoCommand>> lifetime = new LinkedHashMap<>();
        for (JsonNode charge : exchange.getMessage().getBody(JsonNode.class)) {
            if (!"succeeded".equals(charge.path("status").asText())) {
                continue;
            }
            Optional<String> email = payerEmail(charge);
            if (email.isEmpty()) {
                LOG.debug("Stripe charge {} has no email and no known customer: not counted", charge.path("id").asText());
                continue;
            }
            lastPaid.merge(email.get(), charge.path("created").asLong(), Math::max);
            lifetime.put(email.get(), recordCharge(charge, email.get()));
        }
        List<BrevoCommand> commands = new ArrayList<>();
        lastPaid.forEach((email, created) -> commands.add(lastPayment(email, created)));
        lifetime.values().forEach(command -> command.ifPresent(commands::add));
        return commands;
    }

    /** The payer's email: on the object itself, or its customer's. */
    private Optional<String> payerEmail(JsonNode object) {
        return Optional.ofNullable(firstText(object.path("receipt_email"), object.at("/customer_details/email"),
                        object.path("customer_email"), object.at("/billing_details/email")))
                .or(() -> customerEmail(object));
    }

    /** LAST_PAYMENT_DATE; an older payment arriving late does not move the date back. */
    private static BrevoCommand lastPayment(String email, long createdSeconds) {
        ObjectNode contact = JSON.createObjectNode();
        contact.putObject("attributes").put("LAST_PAYMENT_DATE",
                Instant.ofEpochSecond(createdSeconds).atZone(ZoneOffset.UTC).toLocalDate().toString());
        return new BrevoCommand("upsertContact", email, contact, SOURCE, "last-payment/" + email,
                JSON.getNodeFactory().numberNode(createdSeconds * 1000), null);
    }

    /** Counts the charge (net of refunds, once) and returns the payer's new LIFETIME_VALUE, when it has one. */
    private Optional<BrevoCommand> recordCharge(JsonNode charge, String email) {
        Optional<StripeCharges.LifetimeValue> lifetime = StripeCharges.record(store, charge.path("id").asText(), email,
                charge.path("amount").asLong(), charge.path("amount_refunded").asLong(), charge.path("currency").asText(null),
                charge.path("created").asLong() * 1000);
        if (lifetime.isEmpty()) {
            LOG.info("Stripe charge {}: the payer's charges are in several (or unknown) currencies, LIFETIME_VALUE left as it is",
                    charge.path("id").asText());
            return Optional.empty();
        }
        ObjectNode contact = JSON.createObjectNode();
        contact.putObject("attributes").put("LIFETIME_VALUE", lifetime.get().value());
        // computed now: a computation that commits later but started earlier must not win
        return Optional.of(new BrevoCommand("upsertContact", email, contact, SOURCE, "lifetime-value/" + email,
                JSON.getNodeFactory().numberNode(lifetime.get().computedAt()), null));
    }

    /** customer.subscription.created|updated|deleted: SUBSCRIPTION_STATUS and PLAN on the customer's contact. */
    public List<BrevoCommand> subscriptionCommands(Exchange exchange) {
        JsonNode event = WebhookBody.json(exchange);
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
        // seconds only: an update in the same second as the creation (incomplete, then active) must still win over it
        long created = event.path("created").asLong() * 1000;
        long version = deleted ? created + 999 : "customer.subscription.created".equals(event.path("type").asText()) ? created : created + 1;
        return List.of(new BrevoCommand("upsertContact", email.get(), payload, SOURCE,
                "subscriptions/" + subscription.path("id").asText(), JSON.getNodeFactory().numberNode(version), null));
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

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate != null && candidate.isValueNode() && !candidate.isNull() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return null;
    }
}
