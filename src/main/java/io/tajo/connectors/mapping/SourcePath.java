package io.tajo.connectors.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A source path such as {@code addresses[0].city}, parsed once into steps over a JSON record. */
final class SourcePath {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)((?:\\[\\d{1,9}])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private final String root;
    private final List<UnaryOperator<JsonNode>> steps;

    private SourcePath(String root, List<UnaryOperator<JsonNode>> steps) {
        this.root = root;
        this.steps = steps;
    }

    /** The record's top-level field the path starts at ({@code addresses} for {@code addresses[0].city}). */
    String root() {
        return root;
    }

    /** Throws IllegalArgumentException on a malformed path. */
    static SourcePath parse(String path) {
        List<UnaryOperator<JsonNode>> steps = new ArrayList<>();
        String root = null;
        for (String segment : path.split("\\.", -1)) {
            Matcher parts = SEGMENT.matcher(segment);
            if (!parts.matches()) {
                throw new IllegalArgumentException("invalid source path '" + path
                        + "' (expected names and indexes, e.g. addresses[0].city)");
            }
            String name = parts.group(1);
            root = root == null ? name : root;
            steps.add(node -> node.get(name));
            Matcher indexes = INDEX.matcher(parts.group(2));
            while (indexes.find()) {
                int index = Integer.parseInt(indexes.group(1));
                steps.add(node -> node.get(index));
            }
        }
        return new SourcePath(root, List.copyOf(steps));
    }

    /** The value at this path, or null when any step is missing. */
    JsonNode read(JsonNode record) {
        JsonNode node = record;
        for (UnaryOperator<JsonNode> step : steps) {
            node = step.apply(node);
            if (node == null) {
                return null;
            }
        }
        return node;
    }
}
