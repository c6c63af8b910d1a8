package io.tajo.connectors.mapping;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The Brevo contact attribute types a mapping can target. */
public enum AttributeType {
    TEXT, FLOAT, DATE, BOOLEAN;

    /** The name used in configuration and messages: text, float, date, boolean. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<AttributeType> named(String label) {
        return Arrays.stream(values()).filter(type -> type.label().equals(label)).findFirst();
    }
}
