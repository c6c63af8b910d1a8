package io.tajo.connectors.brevo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns claimed outbox rows into Brevo calls (DESIGN §4): compatible commands share one batch call
 * (contacts import, orders and products batches, list additions), the rest go one call each. A row is never
 * split across calls, so each call's answer settles whole rows.
 */
public class BrevoRequestPlanner {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private int importMinContacts = 20;
    private long importMaxBytes = 8L * 1024 * 1024;

    /** Fewer contacts than this, all from single-contact rows, go one by one through POST /contacts. */
    public void setImportMinContacts(int importMinContacts) { this.importMinContacts = importMinContacts; }
    public void setImportMaxBytes(long importMaxBytes) { this.importMaxBytes = importMaxBytes; }

    /** The calls for these rows, grouped by rate bucket (each group is sent in order, groups side by side). */
    public List<List<BrevoRequest>> plan(List<OutboxRow> rows) {
        Map<BrevoOp.RateBucket, List<BrevoRequest>> byBucket = new EnumMap<>(BrevoOp.RateBucket.class);
        Map<String, List<OutboxRow>> batches = new LinkedHashMap<>();
        for (OutboxRow row : rows) {
            if (row.batchKey() == null || (row.solo() && row.commands().size() == 1)) {
                add(byBucket, single(row));
            } else {
                batches.computeIfAbsent(row.op() + "|" + row.batchKey() + (row.solo() ? "|solo:" + row.id() : ""),
                        key -> new ArrayList<>()).add(row);
            }
        }
        batches.values().forEach(group -> batched(group).forEach(request -> add(byBucket, request)));
        return new ArrayList<>(byBucket.values());
    }

    private static void add(Map<BrevoOp.RateBucket, List<BrevoRequest>> byBucket, BrevoRequest request) {
        byBucket.computeIfAbsent(request.bucket(), bucket -> new ArrayList<>()).add(request);
    }

    private List<BrevoRequest> batched(List<OutboxRow> group) {
        BrevoOp op = group.get(0).op();
        int commands = group.stream().mapToInt(row -> row.commands().size()).sum();
        boolean anyMulti = group.stream().anyMatch(row -> row.commands().size() > 1);
        boolean worthBatching = op == BrevoOp.UPSERT_CONTACT ? commands >= importMinContacts || anyMulti : commands > 1 || anyMulti;
        if (!worthBatching && op != BrevoOp.ADD_TO_LIST) {
            return group.stream().map(this::single).toList();
        }
        List<BrevoRequest> requests = new ArrayList<>();
        List<OutboxRow> packed = new ArrayList<>();
        int packedCommands = 0;
        long packedBytes = 0;
        for (OutboxRow row : group) {
            long rowBytes = op == BrevoOp.UPSERT_CONTACT ? estimatedBytes(row) : 0;
            if (!packed.isEmpty() && (packedCommands + row.commands().size() > op.maxPerRequest()
                    || packedBytes + rowBytes > importMaxBytes)) {
                requests.add(batch(op, packed));
                packed = new ArrayList<>();
                packedCommands = 0;
                packedBytes = 0;
            }
            packed.add(row);
            packedCommands += row.commands().size();
            packedBytes += rowBytes;
        }
        requests.add(batch(op, packed));
        return requests;
    }

    private static long estimatedBytes(OutboxRow row) {
        return row.commands().stream().mapToLong(c -> c.identifier().length() + 32L
                + (c.payload() == null ? 0 : c.payload().path("attributes").toString().length())).sum();
    }

    private BrevoRequest batch(BrevoOp op, List<OutboxRow> rows) {
        List<BrevoCommand> commands = rows.stream().flatMap(row -> row.commands().stream()).toList();
        BrevoCommand first = commands.get(0);
        ObjectNode body = NODES.objectNode();
        String path;
        switch (op) {
            case UPSERT_CONTACT -> {
                path = "/contacts/import";
                // the same contact twice in one import: the later command wins, as it would have one by one
                Map<String, ObjectNode> contacts = new LinkedHashMap<>();
                for (BrevoCommand command : commands) {
                    ObjectNode contact = NODES.objectNode().put("email", command.identifier());
                    JsonNode attributes = command.payload().get("attributes");
                    if (attributes != null) {
                        contact.set("attributes", attributes);
                    }
                    contacts.remove(command.identifier());
                    contacts.put(command.identifier(), contact);
                }
                body.putArray("jsonBody").addAll(contacts.values());
                body.set("listIds", first.payload().get("listIds"));
                copyFlag(first.payload(), "emailBlacklisted", body, "emailBlacklist");
                copyFlag(first.payload(), "smsBlacklisted", body, "smsBlacklist");
                body.put("updateExistingContacts", true);
                body.put("emptyContactsAttributes", false);
            }
            case UPSERT_ORDER -> {
                path = "/orders/status/batch";
                ArrayNode orders = body.putArray("orders");
                commands.forEach(command -> orders.add(order(command)));
                body.put("historical", first.payload().path("historical").asBoolean(false));
            }
            case UPSERT_PRODUCT -> {
                path = "/products/batch";
                ArrayNode products = body.putArray("products");
                commands.forEach(command -> products.add(command.payload().deepCopy()));
                body.put("updateEnabled", true);
            }
            case ADD_TO_LIST -> {
                path = "/contacts/lists/" + first.payload().get("listId").asLong() + "/contacts/add";
                ArrayNode emails = body.putArray("emails");
                commands.stream().map(BrevoCommand::identifier).distinct().forEach(emails::add);
            }
            default -> throw new IllegalStateException(op + " has no batch call");
        }
        return new BrevoRequest(op.bucket(), "POST", path, null, body, rows);
    }

    private BrevoRequest single(OutboxRow row) {
        BrevoCommand command = row.commands().get(0);
        ObjectNode payload = command.payload() == null ? NODES.objectNode() : command.payload();
        BrevoOp op = row.op();
        return switch (op) {
            case UPSERT_CONTACT -> {
                ObjectNode body = NODES.objectNode().put("email", command.identifier());
                body.setAll(payload);
                body.put("updateEnabled", true);
                yield new BrevoRequest(op.bucket(), "POST", "/contacts", null, body, List.of(row));
            }
            case DELETE_CONTACT -> {
                String path = "/contacts/" + URLEncoder.encode(command.identifier(), StandardCharsets.UTF_8);
                // soft: the contact stays and only leaves the given lists
                yield payload.has("unlinkListIds")
                        ? new BrevoRequest(op.bucket(), "PUT", path, "identifierType=email_id",
                                NODES.objectNode().set("unlinkListIds", payload.get("unlinkListIds")), List.of(row))
                        : new BrevoRequest(op.bucket(), "DELETE", path, "identifierType=email_id", null, List.of(row));
            }
            case ADD_TO_LIST -> batch(op, List.of(row));
            case TRACK_EVENT -> {
                ObjectNode body = NODES.objectNode().put("event_name", payload.get("event_name").asText());
                String date = payload.hasNonNull("event_date") ? payload.get("event_date").asText() : command.occurredAt();
                if (date != null) {
                    body.put("event_date", date);
                }
                body.putObject("identifiers").put("email_id", command.identifier());
                for (String field : List.of("contact_properties", "event_properties")) {
                    if (payload.has(field)) {
                        body.set(field, payload.get(field));
                    }
                }
                yield new BrevoRequest(op.bucket(), "POST", "/events", null, body, List.of(row));
            }
            case UPSERT_ORDER -> new BrevoRequest(op.bucket(), "POST", "/orders/status", null, order(command), List.of(row));
            case UPSERT_PRODUCT -> {
                ObjectNode body = payload.deepCopy();
                body.put("updateEnabled", true);
                yield new BrevoRequest(op.bucket(), "POST", "/products", null, body, List.of(row));
            }
            case SEND_TEMPLATE_EMAIL -> {
                ObjectNode body = NODES.objectNode().put("templateId", payload.get("templateId").asLong());
                body.putArray("to").addObject().put("email", command.identifier());
                // headers: Brevo's idempotencyKey, so a send retried after a timeout is not mailed twice
                for (String field : List.of("params", "headers")) {
                    if (payload.has(field)) {
                        body.set(field, payload.get(field));
                    }
                }
                yield new BrevoRequest(op.bucket(), "POST", "/smtp/email", null, body, List.of(row));
            }
        };
    }

    /** An order as Brevo takes it; the command's identifier becomes the buyer's email when the payload names none. */
    private static ObjectNode order(BrevoCommand command) {
        ObjectNode order = command.payload().deepCopy();
        order.remove("historical");
        if (command.identifier() != null && !order.has("identifiers")) {
            order.putObject("identifiers").put("email_id", command.identifier());
        }
        return order;
    }

    private static void copyFlag(JsonNode from, String field, ObjectNode to, String as) {
        if (from.has(field)) {
            to.put(as, from.get(field).asBoolean());
        }
    }
}
