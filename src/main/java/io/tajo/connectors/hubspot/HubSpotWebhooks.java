package io.tajo.connectors.hubspot;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.mapping.ContactMapper;
import io.tajo.connectors.store.SourceContacts;
import io.tajo.connectors.webhook.WebhookBody;
import io.tajo.connectors.webhook.WebhookRejectedException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HubSpot-specific steps of {@code hubspot-webhooks}: check a delivery's v3 signature against the public URL,
 * sort its events (up to 100) into contacts to read and contacts to delete, leaving out the events taken before,
 * and build the one batch read and the deletions.
 */
public class HubSpotWebhooks {

    /** Exchange property set by {@link #verify}: the {@link Delivery}, which the route chooses on. */
    public static final String DELIVERY = "hubspotDelivery";
    static final int MAX_EVENTS = 100;
    static final String RESOURCE = "contacts";
    static final Set<String> UPSERT_TYPES = Set.of("contact.creation", "contact.propertyChange", "contact.merge",
            "contact.restore");
    static final Set<String> DELETION_TYPES = Set.of("contact.deletion", "contact.privacyDeletion");

    private static final Logger LOG = LoggerFactory.getLogger(HubSpotWebhooks.class);

    private BrevoOutbox outbox;
    private ContactMapper contactMapper;
    private String publicUrl = "";
    private String clientSecret = "";
    private String previousClientSecret = "";
    private Duration tolerance = Duration.ofMinutes(5);
    private HubSpotSignature signature;

    public void setOutbox(BrevoOutbox outbox) { this.outbox = outbox; }
    public void setContactMapper(ContactMapper contactMapper) { this.contactMapper = contactMapper; }
    public void setPublicUrl(String publicUrl) { this.publicUrl = publicUrl == null ? "" : publicUrl.trim().replaceAll("/+$", ""); }
    public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
    public void setPreviousClientSecret(String previousClientSecret) { this.previousClientSecret = previousClientSecret; }
    public void setTolerance(String tolerance) { this.tolerance = Duration.parse(tolerance.trim()); }

    public void start() {
        signature = new HubSpotSignature(clientSecret, previousClientSecret, tolerance, Clock.systemUTC());
        if (!signature.hasSecret()) {
            LOG.info("HubSpot webhooks not configured: no HUBSPOT_CLIENT_SECRET, so every delivery is refused (401)");
        }
    }

    /** A delivery's events still to take, by what they need: contacts to read (and upsert), contacts to delete. */
    public static final class Delivery {
        private final Set<String> contactIds = new LinkedHashSet<>();
        private final List<String> upsertKeys = new ArrayList<>();
        private final List<JsonNode> deletions = new ArrayList<>();
        private final List<String> deletionKeys = new ArrayList<>();

        public boolean hasUpserts() { return !contactIds.isEmpty(); }
        public boolean hasDeletions() { return !deletions.isEmpty(); }
    }

    /**
     * 401 unless the v3 signature over the public URI matches under either secret and is at most 5 minutes old;
     * 400 unless the body is an array of at most 100 events. Sets {@link #DELIVERY}; the body stays raw bytes.
     */
    public void verify(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        body = body == null ? new byte[0] : body;
        signature.verify("POST", publicUrl + requestUri(exchange), body,
                exchange.getMessage().getHeader(HubSpotSignature.SIGNATURE_HEADER, String.class),
                exchange.getMessage().getHeader(HubSpotSignature.TIMESTAMP_HEADER, String.class));
        JsonNode events = WebhookBody.json(body);
        if (!events.isArray()) {
            throw new WebhookRejectedException(400, "not an array of HubSpot events");
        }
        if (events.size() > MAX_EVENTS) {
            throw new WebhookRejectedException(400, events.size() + " events, more than HubSpot's " + MAX_EVENTS);
        }
        exchange.setProperty(DELIVERY, sort(events));
    }

    /** The path and query HubSpot called, as received (platform-http gives the request URI). */
    private static String requestUri(Exchange exchange) {
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        if (uri == null || uri.isEmpty()) {
            uri = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
            String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
            uri = query == null || query.isEmpty() ? uri : uri + "?" + query;
        }
        int scheme = uri.indexOf("://");
        if (scheme >= 0) {  // an absolute request URI: keep its path and query
            int path = uri.indexOf('/', scheme + 3);
            uri = path < 0 ? "/" : uri.substring(path);
        }
        return uri;
    }

    private Delivery sort(JsonNode events) {
        Map<String, JsonNode> fresh = new LinkedHashMap<>();
        for (JsonNode event : events) {
            String type = type(event);
            if ((UPSERT_TYPES.contains(type) || DELETION_TYPES.contains(type)) && event.hasNonNull("objectId")) {
                fresh.putIfAbsent(key(event), event);  // the same event twice in one delivery counts once
            } else {
                LOG.debug("HubSpot event {} of type {} ignored", event.path("eventId").asText(), type);
            }
        }
        outbox.alreadyAccepted(fresh.keySet()).forEach(fresh::remove);
        Delivery delivery = new Delivery();
        fresh.forEach((key, event) -> {
            if (DELETION_TYPES.contains(type(event))) {
                delivery.deletions.add(event);
                delivery.deletionKeys.add(key);
            } else {
                delivery.contactIds.add(survivor(event));
                delivery.upsertKeys.add(key);
            }
        });
        return delivery;
    }

    /** The contact an event leaves behind: for a merge the primary (or new) contact, else the event's object. */
    private static String survivor(JsonNode event) {
        for (String field : List.of("newObjectId", "primaryObjectId", "objectId")) {
            if (event.hasNonNull(field) && !event.get(field).asText().isBlank()) {
                return event.get(field).asText();
            }
        }
        return event.path("objectId").asText();
    }

    /**
     * The one batch read of the delivery's contacts, with the properties mappings/hubspot.yaml reads; their events'
     * keys become the idempotency keys committed with the contacts' commands.
     */
    public String contactsReadRequest(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        exchange.setProperty(BrevoOutbox.IDEMPOTENCY_KEY, List.copyOf(delivery.upsertKeys));
        ObjectNode request = HubSpotRecords.JSON.createObjectNode();
        request.set("properties", HubSpotRecords.properties(contactMapper.sourceFields(HubSpotApi.CONNECTOR, RESOURCE)));
        delivery.contactIds.forEach(id -> request.withArray("inputs").addObject().put("id", id));
        return request.toString();
    }

    /** Body: the batch read's answer. Returns its contacts as records for {@code direct:map-contacts}. */
    public JsonNode contactRecords(JsonNode answer) {
        if (answer.path("errors").size() > 0) {
            LOG.info("HubSpot could not read {} of the contacts (deleted since?): {}", answer.get("errors").size(),
                    answer.get("errors").get(0).path("message").asText());
        }
        return HubSpotRecords.records(answer.path("results"));
    }

    /**
     * contact.deletion / contact.privacyDeletion: the contact is deleted in Brevo, found by the email it was last
     * sent with; the deletions' keys become the idempotency keys committed with these commands.
     */
    public List<BrevoCommand> deletionCommands(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        exchange.setProperty(BrevoOutbox.IDEMPOTENCY_KEY, List.copyOf(delivery.deletionKeys));
        exchange.removeProperty(BrevoOutbox.UNMAPPED);  // the contacts' records were dead-lettered with their commands
        List<BrevoCommand> commands = new ArrayList<>();
        for (JsonNode event : delivery.deletions) {
            String sourceId = RESOURCE + "/" + event.get("objectId").asText();
            Optional<String> email = SourceContacts.emailOf(outbox.store(), HubSpotApi.CONNECTOR, sourceId);
            if (email.isEmpty()) {
                LOG.info("HubSpot {} deleted, but it never reached Brevo: nothing to delete", sourceId);
                continue;
            }
            commands.add(new BrevoCommand("deleteContact", email.get(), HubSpotRecords.JSON.createObjectNode(),
                    HubSpotApi.CONNECTOR, sourceId, HubSpotRecords.JSON.getNodeFactory().numberNode(event.path("occurredAt").asLong()),
                    null));
        }
        return commands;
    }

    static String type(JsonNode event) {
        return event.path("subscriptionType").asText(event.path("eventType").asText(""));
    }

    /** DESIGN §2: eventId + subscriptionType + objectId + occurredAt. */
    static String key(JsonNode event) {
        return "hubspot:" + event.path("eventId").asText() + ":" + type(event) + ":" + event.path("objectId").asText()
                + ":" + event.path("occurredAt").asText();
    }
}
