package io.tajo.connectors.mapping;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The declared type of each Brevo attribute, parsed from {@code tajo.brevo.attribute-types}. */
public final class BrevoAttributeTypes {
    private final Map<String, AttributeType> types;

    private BrevoAttributeTypes(Map<String, AttributeType> types) {
        this.types = types;
    }

    /** Parses {@code NAME:type,NAME:type,...}; an empty declaration declares nothing. */
    public static BrevoAttributeTypes parse(String declaration) {
        Map<String, AttributeType> types = new HashMap<>();
        for (String item : declaration.split(",")) {
            String entry = item.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String name = colon < 0 ? "" : entry.substring(0, colon).strip();
            Optional<AttributeType> type = colon < 0
                    ? Optional.empty()
                    : AttributeType.named(entry.substring(colon + 1).strip());
            if (name.isEmpty() || type.isEmpty()) {
                throw new IllegalArgumentException("bad entry '" + entry
                        + "' in tajo.brevo.attribute-types: expected NAME:text, NAME:float, NAME:date or NAME:boolean");
            }
            types.put(name, type.get());
        }
        return new BrevoAttributeTypes(Map.copyOf(types));
    }

    public Optional<AttributeType> typeOf(String attribute) {
        return Optional.ofNullable(types.get(attribute));
    }
}
