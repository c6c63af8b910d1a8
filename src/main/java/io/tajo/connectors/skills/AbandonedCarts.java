package io.tajo.connectors.skills;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The abandoned-cart skill's steps (DESIGN §8). A remembered checkout idle past the inactivity threshold, worth at
 * least the minimum, with an email, no order and no unsubscribe, is abandoned: event {@code cart_abandoned}. Then a
 * reminder email at each configured delay after the abandonment, until an order for the checkout or its cart
 * arrives ({@code cart_recovered}) or the email unsubscribes. Each step's commands go to {@code direct:brevo} under
 * the idempotency key {@code abandoned-cart:<source>:<token>:<step>}, committed with them, so no step is sent twice,
 * across restarts and nodes; {@link #stepTaken} then records it. Time is the {@code clock} bean's.
 */
public class AbandonedCarts {

    /** Exchange property: the {@link CartStep} whose commands are being sent. */
    public static final String STEP = "abandonedCartStep";

    private static final Logger LOG = LoggerFactory.getLogger(AbandonedCarts.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Steps taken per scan at most; the next scan takes the rest. */
    private static final int SCAN_LIMIT = 500;
    private static final String ORDER_MATCH = "FROM checkout_order o WHERE o.source = c.source "
            + "AND (o.checkout_token = c.token OR (c.cart_token IS NOT NULL AND o.cart_token = c.cart_token))";

    private StateStore store;
    private Clock clock = Clock.systemUTC();
    private Duration inactivityThreshold = Duration.ofMinutes(30);
    private BigDecimal minCartValue = BigDecimal.ZERO;
    private Duration maxAge = Duration.ofDays(7);
    private List<Reminder> reminders = List.of();

    public void setStore(StateStore store) { this.store = store; }
    public void setClock(Clock clock) { this.clock = clock; }
    public void setInactivityThreshold(String threshold) { this.inactivityThreshold = Duration.parse(threshold.trim()); }
    public void setMinCartValue(String value) { this.minCartValue = value.isBlank() ? BigDecimal.ZERO : new BigDecimal(value.trim()); }
    public void setMaxAge(String maxAge) { this.maxAge = Duration.parse(maxAge.trim()); }
    public void setReminders(String reminders) { this.reminders = Reminder.parse(reminders); }

    /** A reminder email: Brevo template {@code templateId}, {@code delay} after the abandonment. */
    record Reminder(Duration delay, long templateId) {

        /** {@code PT1H:12,P1D:13}: delay (ISO-8601) and Brevo template id, in the order they are sent. */
        static List<Reminder> parse(String setting) {
            List<Reminder> parsed = new ArrayList<>();
            for (String entry : setting.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                String[] parts = entry.trim().split(":");
                try {
                    parsed.add(new Reminder(Duration.parse(parts[0].trim()), Long.parseLong(parts[1].trim())));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("tajo.skills.abandoned-cart.reminders: '" + entry.trim()
                            + "' is not DELAY:TEMPLATE_ID (e.g. PT1H:12,P1D:13)");
                }
            }
            for (int i = 1; i < parsed.size(); i++) {
                if (parsed.get(i).delay().compareTo(parsed.get(i - 1).delay()) <= 0) {
                    throw new IllegalArgumentException("tajo.skills.abandoned-cart.reminders: delays must increase (" + setting + ")");
                }
            }
            return List.copyOf(parsed);
        }
    }

    /** One step for one cart: its Brevo commands (none for a stop) and what {@link #stepTaken} records. */
    public record CartStep(String source, String token, String step, List<BrevoCommand> commands, long abandonedAt,
                           int remindersDone) {

        public String idempotencyKey() {
            return key(source, token, step);
        }

        static String key(String source, String token, String step) {
            return "abandoned-cart:" + source + ":" + token + ":" + step;
        }
    }

    /** Body: the steps due now, oldest carts first, at most the scan limit (the next scan takes the rest). */
    public List<CartStep> dueSteps() {
        long now = clock.millis();
        long idleSince = now - inactivityThreshold.toMillis();
        long oldest = now - maxAge.toMillis();
        List<CartStep> steps = store.inTransaction(connection -> Sql.list(connection,
                "SELECT c.source, c.token, c.email, c.body, c.updated_at, c.completed_at, "
                        + "a.abandoned_at, a.reminders_done, e.subscribed, "
                        + "(SELECT MIN(o.order_id) " + ORDER_MATCH + "), (SELECT MIN(o.created_at) " + ORDER_MATCH + ") "
                        + "FROM checkout c "
                        + "LEFT JOIN abandoned_cart a ON a.source = c.source AND a.token = c.token "
                        + "LEFT JOIN email_consent e ON e.email = LOWER(c.email) "
                        + "WHERE c.updated_at > ? AND c.email IS NOT NULL AND ("
                        // not yet abandoned: idle long enough, worth enough, no order, not unsubscribed
                        + "(a.token IS NULL AND c.updated_at <= ? AND c.completed_at IS NULL AND c.total >= ? "
                        + "AND (e.subscribed IS NULL OR e.subscribed) AND NOT EXISTS (SELECT 1 " + ORDER_MATCH + ")) "
                        // followed: a reminder is due, or an order or an unsubscribe ends it
                        + "OR (a.token IS NOT NULL AND a.finished IS NULL AND (a.next_reminder_at <= ? "
                        + "OR c.completed_at IS NOT NULL OR e.subscribed = FALSE OR EXISTS (SELECT 1 " + ORDER_MATCH + ")))) "
                        + "ORDER BY c.updated_at, c.token LIMIT ?",
                rs -> step(rs, now), oldest, idleSince, minCartValue, now, SCAN_LIMIT));
        if (!steps.isEmpty()) {
            LOG.info("Abandoned carts: {} steps due", steps.size());
        }
        return steps;
    }

    private CartStep step(ResultSet rs, long now) throws SQLException {
        String source = rs.getString(1);
        String token = rs.getString(2);
        String email = rs.getString(3);
        long updatedAt = rs.getLong(5);
        long abandonedAt = rs.getLong(7);
        boolean followed = !rs.wasNull();
        int remindersDone = rs.getInt(8);
        boolean unsubscribed = rs.getObject(9) != null && !rs.getBoolean(9);
        String orderId = rs.getString(10);
        long orderedAt = rs.getLong(11);
        boolean ordered = orderId != null || rs.getObject(6) != null;
        JsonNode checkout = readJson(rs.getString(4));
        ObjectNode properties = cartProperties(token, checkout);

        if (!followed) {
            long at = updatedAt + inactivityThreshold.toMillis();
            return new CartStep(source, token, "abandoned", List.of(event(source, email, "cart_abandoned", properties, at)), at, 0);
        }
        if (ordered) {
            ObjectNode recovered = JSON.createObjectNode().put("cart_id", token);
            if (orderId != null) {
                recovered.put("order_id", orderId);
            }
            recovered.setAll(properties.retain("value", "currency"));
            long at = orderId != null ? orderedAt : rs.getLong(6);
            return new CartStep(source, token, "recovered", List.of(event(source, email, "cart_recovered", recovered, at)),
                    abandonedAt, remindersDone);
        }
        if (unsubscribed) {
            return new CartStep(source, token, "unsubscribed", List.of(), abandonedAt, remindersDone);
        }
        // the latest reminder due; any earlier one not sent yet (the service was down) is skipped, not sent late
        int due = remindersDone;
        while (due < reminders.size() && abandonedAt + reminders.get(due).delay().toMillis() <= now) {
            due++;
        }
        String step = "reminder-" + due;
        if (due == remindersDone) {
            // tajo.skills.abandoned-cart.reminders changed since: nothing to send, the next reminder is set anew
            return new CartStep(source, token, step, List.of(), abandonedAt, due);
        }
        ObjectNode payload = JSON.createObjectNode().put("templateId", reminders.get(due - 1).templateId());
        payload.set("params", properties);
        // Brevo wants a UUID; the same for every attempt at this step
        payload.putObject("headers").put("idempotencyKey",
                UUID.nameUUIDFromBytes(CartStep.key(source, token, step).getBytes(StandardCharsets.UTF_8)).toString());
        return new CartStep(source, token, step, List.of(new BrevoCommand("sendTemplateEmail", email, payload, source, null, null, null)),
                abandonedAt, due);
    }

    /** What Brevo gets about the cart: the event's properties and the reminder template's params. */
    private static ObjectNode cartProperties(String token, JsonNode checkout) {
        ObjectNode properties = JSON.createObjectNode().put("cart_id", token);
        ArrayNode items = properties.putArray("items");
        for (JsonNode line : checkout.path("line_items")) {
            ObjectNode item = items.addObject()
                    .put("product_id", line.path("product_id").asText())
                    .put("variant_id", line.path("variant_id").asText())
                    .put("name", line.path("title").asText())
                    .put("quantity", line.path("quantity").asInt())
                    // Brevo's event properties take strings or integers: amounts travel as text
                    .put("price", line.path("price").asText());
            if (line.hasNonNull("sku") && !line.get("sku").asText().isBlank()) {
                item.put("sku", line.get("sku").asText());
            }
        }
        properties.put("value", checkout.path("total_price").asText());
        properties.put("currency", checkout.path("currency").asText());
        if (checkout.hasNonNull("abandoned_checkout_url")) {
            properties.put("recovery_url", checkout.get("abandoned_checkout_url").asText());
        }
        return properties;
    }

    private static BrevoCommand event(String source, String email, String name, ObjectNode properties, long at) {
        ObjectNode payload = JSON.createObjectNode().put("event_name", name);
        payload.set("event_properties", properties);
        return new BrevoCommand("trackEvent", email, payload, source, null, null, Instant.ofEpochMilli(at).toString());
    }

    /** After {@code direct:brevo} committed the step (or found it committed before): the cart moves past it. */
    public void stepTaken(Exchange exchange) {
        CartStep step = exchange.getProperty(STEP, CartStep.class);
        long now = clock.millis();
        store.inTransaction(connection -> switch (step.step()) {
            case "abandoned" -> Sql.update(connection, "INSERT INTO abandoned_cart (source, token, abandoned_at, reminders_done, "
                    + "next_reminder_at, updated_at) VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING", step.source(), step.token(),
                    step.abandonedAt(), nextReminderAt(step.abandonedAt(), 0), now);
            case "recovered", "unsubscribed" -> Sql.update(connection, "UPDATE abandoned_cart SET finished = ?, next_reminder_at = NULL, "
                    + "updated_at = ? WHERE source = ? AND token = ?", step.step(), now, step.source(), step.token());
            default -> Sql.update(connection, "UPDATE abandoned_cart SET reminders_done = ?, next_reminder_at = ?, updated_at = ? "
                    + "WHERE source = ? AND token = ? AND reminders_done <= ?", step.remindersDone(),
                    nextReminderAt(step.abandonedAt(), step.remindersDone()), now, step.source(), step.token(), step.remindersDone());
        });
        LOG.debug("Abandoned cart {} {}: {}", step.source(), step.token(), step.step());
    }

    private Long nextReminderAt(long abandonedAt, int remindersDone) {
        return remindersDone < reminders.size() ? abandonedAt + reminders.get(remindersDone).delay().toMillis() : null;
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("Corrupt checkout row: " + e.getMessage(), e);
        }
    }
}
