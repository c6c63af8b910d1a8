package io.tajo.connectors.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One section of a mapping file: how a resource's records become Brevo contacts, plus its settings. */
public final class ResourceMapping {
    private final List<FieldMapping> fields;
    private final Map<String, Object> settings;

    ResourceMapping(List<FieldMapping> fields, Map<String, Object> settings) {
        this.fields = List.copyOf(fields);
        this.settings = Collections.unmodifiableMap(settings);
    }

    public MappedContact map(JsonNode record) throws MappingException {
        String email = null;
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (FieldMapping field : fields) {
            Object value = field.valueOf(record);
            if (value == null) {
                continue; // never send null or blank: another platform may own this attribute's value
            }
            if (field.isIdentifier()) {
                email = (String) value;
            } else {
                attributes.put(field.target(), value);
            }
        }
        if (email == null) {
            throw new MappingException("no email: the record has none after mapping");
        }
        return new MappedContact(email, attributes);
    }

    /**
     * The records' top-level fields the mapping reads, for platforms whose API returns only the fields asked
     * for (HubSpot's {@code properties}).
     */
    public Set<String> sourceFields() {
        Set<String> names = new TreeSet<>();
        fields.forEach(field -> field.sourceRoot().ifPresent(names::add));
        return names;
    }

    /** The section's keys other than field_mapping, as plain Java values. */
    public Map<String, Object> settings() {
        return settings;
    }
}
