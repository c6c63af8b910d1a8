package io.tajo.connectors.mapping;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The transforms a mapping file can name, with the attribute type each one sends. */
enum Transform {
    NUMBER(AttributeType.FLOAT),
    INTEGER(AttributeType.FLOAT),
    BOOLEAN(AttributeType.BOOLEAN),
    DATE(AttributeType.DATE),
    E164(AttributeType.TEXT),
    LOWER(AttributeType.TEXT),
    TRIM(AttributeType.TEXT),
    JOIN(AttributeType.TEXT),
    DEFAULT(null),
    CONST(null);

    /** What the transform sends; null when that depends on its input (default) or its value (const). */
    final AttributeType output;

    Transform(AttributeType output) {
        this.output = output;
    }

    /** The name used in mapping files. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Transform> named(String label) {
        return Arrays.stream(values()).filter(transform -> transform.label().equals(label)).findFirst();
    }
}
