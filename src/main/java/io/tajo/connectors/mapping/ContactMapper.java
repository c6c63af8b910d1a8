package io.tajo.connectors.mapping;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tajo.connectors.brevo.BrevoCommand;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.brevo.UnmappedRecord;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Platform records to {@code upsertContact} commands through {@code mappings/<connector>.yaml}. A record
 * that cannot be mapped is set aside in {@link #UNMAPPED}, which {@code direct:brevo} dead-letters with the
 * reason in the same transaction as the others' commands; the others go on.
 */
public class ContactMapper {

    /** Exchange property: the connector whose mapping file applies (shopify, stripe, ...). */
    public static final String CONNECTOR = "tajoConnector";
    /** Exchange property: the section of that file (customers, ...). */
    public static final String RESOURCE = "tajoResource";
    /** Exchange property: the Brevo list to add contacts to when the mapping section sets no {@code list_id}. */
    public static final String LIST_ID = "tajoListId";
    /**
     * Exchange property: the records' version (epoch milliseconds or ISO-8601) when the caller knows it better
     * than the record's own {@code updated_at} (a Stripe customer has none: its event's {@code created} is used).
     */
    public static final String SOURCE_VERSION = "tajoSourceVersion";
    /** Exchange property set here: the {@link UnmappedRecord}s of the body. */
    public static final String UNMAPPED = BrevoOutbox.UNMAPPED;

    /** Mapping section setting: the record field holding its version; updated_at unless set. */
    public static final String VERSION_FIELD = "version_field";

    private static final Logger LOG = LoggerFactory.getLogger(ContactMapper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private String dir = "mappings";
    private String attributeTypes = "";
    private String defaultPhoneRegion = "US";
    private Mappings mappings;
    private final Map<String, Object> skillDefaults = new LinkedHashMap<>();

    public void setDir(String dir) { this.dir = dir; }
    public void setAttributeTypes(String attributeTypes) { this.attributeTypes = attributeTypes; }
    public void setDefaultPhoneRegion(String defaultPhoneRegion) { this.defaultPhoneRegion = defaultPhoneRegion; }

    /** customer-sync's list_id (tajo.skills.customer-sync.list-id): used where a mapping section sets none. */
    public void setDefaultListId(String listId) { setDefault("list_id", listId); }

    /** customer-sync's delete_behavior, soft or hard: used where a mapping section sets none. */
    public void setDefaultDeleteBehavior(String deleteBehavior) {
        if (deleteBehavior != null && !deleteBehavior.isBlank() && !List.of("soft", "hard").contains(deleteBehavior.trim())) {
            throw new IllegalArgumentException("tajo.skills.customer-sync.delete-behavior is '" + deleteBehavior
                    + "': set soft or hard (TAJO_SKILL_CUSTOMER_SYNC_DELETE_BEHAVIOR)");
        }
        setDefault("delete_behavior", deleteBehavior);
    }

    private void setDefault(String setting, String value) {
        if (value == null || value.isBlank()) {
            skillDefaults.remove(setting);
        } else {
            skillDefaults.put(setting, value.trim());
        }
    }

    /** Loads and checks every mapping file: a broken one stops start-up with its file and line. */
    public void start() {
        mappings = Mappings.load(Path.of(dir), BrevoAttributeTypes.parse(attributeTypes), defaultPhoneRegion);
        LOG.info("Mappings loaded for {}", mappings.connectors().isEmpty() ? "no connector" : mappings.connectors());
    }

    /**
     * A mapping section's settings (list_id, delete_behavior, ...) over customer-sync's defaults: what the section
     * sets wins. Only the defaults when the connector has no such section.
     */
    public Map<String, Object> settings(String connector, String resource) {
        Map<String, Object> settings = new LinkedHashMap<>(skillDefaults);
        if (mappings.connectors().contains(connector)) {
            mappings.resource(connector, resource).settings().forEach((key, value) -> {
                if (value != null && !value.toString().isBlank()) {
                    settings.put(key, value);
                }
            });
        }
        return settings;
    }

    /** The top-level record fields a mapping section reads, plus its version field (see {@link ResourceMapping#sourceFields}). */
    public Set<String> sourceFields(String connector, String resource) {
        ResourceMapping mapping = mappings.resource(connector, resource);
        Set<String> names = new TreeSet<>(mapping.sourceFields());
        names.add(versionField(mapping));
        return names;
    }

    /** The record field holding its version: the section's version_field, else updated_at. */
    private static String versionField(ResourceMapping mapping) {
        Object versionSetting = mapping.settings().get(VERSION_FIELD);
        return versionSetting == null || versionSetting.toString().isBlank() ? "updated_at" : versionSetting.toString().trim();
    }

    /** Body: one record or an array of them. Returns their commands, for {@code direct:brevo}. */
    public List<BrevoCommand> toContactCommands(Exchange exchange) {
        String connector = exchange.getProperty(CONNECTOR, String.class);
        String resource = exchange.getProperty(RESOURCE, String.class);
        // read, never changed: a tree already is used as it is (a copy of it was a tenth of a webhook's CPU)
        JsonNode body = exchange.getMessage().getBody() instanceof JsonNode tree ? tree
                : JSON.valueToTree(exchange.getMessage().getBody(JsonNode.class));
        ResourceMapping mapping = mappings.resource(connector, resource);
        Object listId = mapping.settings().get("list_id");
        if (listId == null || listId.toString().isBlank()) {
            // the connector's own list (SHOPIFY_CUSTOMERS_LIST_ID), else customer-sync's
            String routeListId = exchange.getProperty(LIST_ID, String.class);
            listId = routeListId == null || routeListId.isBlank() ? skillDefaults.get("list_id") : routeListId.trim();
        }
        Object callerVersion = exchange.getProperty(SOURCE_VERSION);
        JsonNode version = callerVersion == null ? null : JSON.valueToTree(callerVersion);
        String versionField = versionField(mapping);
        List<BrevoCommand> commands = new ArrayList<>();
        List<UnmappedRecord> unmapped = new ArrayList<>();
        for (JsonNode record : body.isArray() ? body : List.of(body)) {
            String sourceId = record.hasNonNull("id") ? resource + "/" + record.get("id").asText() : null;
            try {
                MappedContact contact = mapping.map(record);
                ObjectNode payload = JSON.createObjectNode();
                payload.set("attributes", JSON.valueToTree(contact.attributes()));
                if (listId != null) {
                    payload.putArray("listIds").add(Long.parseLong(listId.toString()));
                }
                commands.add(new BrevoCommand("upsertContact", contact.email(), payload, connector, sourceId,
                        version != null ? version : version(record.get(versionField)), null));
            } catch (MappingException e) {
                unmapped.add(new UnmappedRecord(connector, sourceId, record.toString(), e.getMessage()));
                LOG.info("{} record {} not mapped: {}", connector, sourceId, e.getMessage());
            }
        }
        exchange.setProperty(UNMAPPED, unmapped);
        return commands;
    }

    /** A date-time without an offset (WooCommerce's *_gmt fields) is read as UTC; anything else is kept as is. */
    static JsonNode version(JsonNode value) {
        // in UTC already (the usual case): spares the attempt below, whose exception costs more than the rest of the record
        if (value != null && value.isTextual() && !value.asText().trim().endsWith("Z")) {
            try {
                return TextNode.valueOf(LocalDateTime.parse(value.asText().trim()).toInstant(ZoneOffset.UTC).toString());
            } catch (DateTimeParseException hasAnOffsetOrIsNoDate) {
                return value;
            }
        }
        return value;
    }
}
