package io.tajo.connectors.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/** One compiled field_mapping entry: where its value comes from and the conversions it goes through. */
final class FieldMapping {
    /** The target that sets the contact's identifier rather than an attribute. */
    static final String IDENTIFIER = "email";

    private final String description;
    private final String target;
    private final SourcePath source;
    private final Object constant;
    private final Object defaultValue;
    private final List<Conversion> steps;

    /** {@code constant}, when not null, replaces the source; {@code defaultValue} stands in for a missing one. */
    FieldMapping(String description, String target, SourcePath source, Object constant, Object defaultValue,
            List<Conversion> steps) {
        this.description = description;
        this.target = target;
        this.source = source;
        this.constant = constant;
        this.defaultValue = defaultValue;
        this.steps = List.copyOf(steps);
    }

    String target() {
        return target;
    }

    /** The record's top-level field this value is read from; empty for a constant. */
    Optional<String> sourceRoot() {
        return constant != null || source == null ? Optional.empty() : Optional.of(source.root());
    }

    boolean isIdentifier() {
        return target.equals(IDENTIFIER);
    }

    /** The converted value, or null when there is nothing to send. */
    Object valueOf(JsonNode record) throws MappingException {
        try {
            Object value = constant != null ? constant : Conversions.fromJson(source.read(record));
            if (value == null) {
                value = defaultValue;
            }
            if (value == null) {
                return null;
            }
            for (Conversion step : steps) {
                value = step.apply(value);
            }
            return value instanceof String text && text.isBlank() ? null : value;
        } catch (InvalidValueException e) {
            throw new MappingException(description + ": " + e.getMessage());
        }
    }
}
