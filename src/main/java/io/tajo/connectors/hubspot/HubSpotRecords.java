package io.tajo.connectors.hubspot;

import java.util.Collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * HubSpot CRM objects as mappings/hubspot.yaml reads them: a contact's {@code properties} at the top level, with its
 * {@code id}; {@code lastmodifieddate} (the record's version) from {@code updatedAt} when the properties lack it.
 */
final class HubSpotRecords {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String VERSION = "lastmodifieddate";

    private HubSpotRecords() {
    }

    static ObjectNode record(JsonNode object) {
        ObjectNode record = object.path("properties").isObject() ? ((ObjectNode) object.get("properties")).deepCopy()
                : JSON.createObjectNode();
        record.put("id", object.path("id").asText());
        if (!record.hasNonNull(VERSION) && object.hasNonNull("updatedAt")) {
            record.put(VERSION, object.get("updatedAt").asText());
        }
        return record;
    }

    static ArrayNode records(JsonNode objects) {
        ArrayNode records = JSON.createArrayNode();
        objects.forEach(object -> records.add(record(object)));
        return records;
    }

    /** The properties to ask HubSpot for: those the mapping reads ({@code id} is not a property). */
    static ArrayNode properties(Collection<String> mappedFields) {
        ArrayNode properties = JSON.createArrayNode();
        mappedFields.stream().filter(field -> !field.equals("id")).forEach(properties::add);
        return properties;
    }
}
