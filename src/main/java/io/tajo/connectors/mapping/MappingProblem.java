package io.tajo.connectors.mapping;

import java.nio.file.Path;

/**
 * A definition error in a mapping file. {@code field} is the field_mapping key it concerns, or null for
 * file and section problems; {@code message} is complete on its own (it names the field too).
 */
public record MappingProblem(Path file, int line, String field, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
