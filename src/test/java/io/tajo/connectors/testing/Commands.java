package io.tajo.connectors.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Brevo commands as a connector route would send them to direct:brevo. */
public final class Commands {

    private Commands() {
    }

    public static Map<String, Object> upsertContact(String email, Map<String, Object> attributes) {
        return command("upsertContact", email, Map.of("attributes", attributes));
    }

    public static Map<String, Object> upsertContactInList(String email, long listId, Map<String, Object> attributes) {
        return command("upsertContact", email, Map.of("attributes", attributes, "listIds", List.of(listId)));
    }

    public static Map<String, Object> command(String op, String identifier, Map<String, Object> payload) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("op", op);
        command.put("identifier", identifier);
        command.put("payload", payload);
        command.put("source", "test");
        return command;
    }

    public static Map<String, Object> versioned(Map<String, Object> command, String sourceId, String version) {
        Map<String, Object> copy = new LinkedHashMap<>(command);
        copy.put("sourceId", sourceId);
        copy.put("sourceVersion", version);
        return copy;
    }
}
