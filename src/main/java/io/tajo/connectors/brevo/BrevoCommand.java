package io.tajo.connectors.brevo;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one contract between mapping and sink (DESIGN §2): connectors produce these, only the sink speaks
 * Brevo's API. {@code sourceVersion} is the source record's own version (its updated_at, as an ISO-8601
 * date-time or epoch milliseconds): an older version never overwrites a newer one already accepted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BrevoCommand(String op, String identifier, ObjectNode payload, String source, String sourceId,
                           JsonNode sourceVersion, String occurredAt) {

    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

    /**
     * An email identifier is kept trimmed and in lower case: Brevo matches contacts by email without regard to
     * case, and so must the outbox, so that Bob@Example.com from one platform and bob@example.com from another
     * are one person.
     */
    public BrevoCommand {
        if (identifier != null && identifier.indexOf('@') > 0) {
            identifier = identifier.trim().toLowerCase(Locale.ROOT);
        }
    }

    public BrevoOp brevoOp() {
        return BrevoOp.of(op).orElseThrow(() -> new InvalidCommandException("unknown op '" + op + "'"));
    }

    /** The version as epoch milliseconds, or null when the command carries none. */
    public Long versionMillis() {
        if (sourceVersion == null || sourceVersion.isNull()) {
            return null;
        }
        if (sourceVersion.isNumber()) {
            return sourceVersion.asLong();
        }
        Long usual = usualIsoMillis(sourceVersion.asText());
        if (usual != null) {
            return usual;
        }
        try {
            return OffsetDateTime.parse(sourceVersion.asText()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(sourceVersion.asText()).toEpochMilli();
            } catch (DateTimeParseException again) {
                throw new InvalidCommandException("sourceVersion must be an ISO-8601 date-time or epoch milliseconds");
            }
        }
    }

    /**
     * The usual form of a version, {@code 2026-01-05T08:00:00Z} or {@code 2026-01-05T08:00:00.123+02:00}, read without
     * the general ISO parser, which costs microseconds and runs several times per command on a sync's hot path; null
     * for anything else (shorter forms, lower case, invalid fields), which the general parser then reads or refuses.
     */
    static Long usualIsoMillis(String text) {
        int n = text.length();
        if (n < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
                || text.charAt(16) != ':') {
            return null;
        }
        int i = 19;
        int millis = 0;
        if (text.charAt(i) == '.') {
            int digits = 0;
            while (++i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                millis = digits < 3 ? millis * 10 + text.charAt(i) - '0' : millis;
                digits++;
            }
            if (digits == 0 || digits > 9) {
                return null;
            }
            for (; digits < 3; digits++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && text.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (text.charAt(i) == '+' || text.charAt(i) == '-') && text.charAt(i + 3) == ':'
                && digits(text, i + 1, 2) >= 0 && digits(text, i + 4, 2) >= 0) {
            offsetSeconds = (text.charAt(i) == '-' ? -60 : 60) * (digits(text, i + 1, 2) * 60 + digits(text, i + 4, 2));
        } else {
            return null;
        }
        int[] fields = {digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2), digits(text, 11, 2), digits(text, 14, 2),
            digits(text, 17, 2)};
        if (Arrays.stream(fields).anyMatch(field -> field < 0)) {
            return null;
        }
        try {
            return LocalDateTime.of(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5])
                    .toEpochSecond(ZoneOffset.ofTotalSeconds(offsetSeconds)) * 1000 + millis;
        } catch (DateTimeException invalidField) {
            return null;
        }
    }

    /** The number written with the {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + c - '0';
        }
        return value;
    }

    /** Key under which commands of one op may share one Brevo request; null when it must go alone. */
    public String batchKey() {
        return switch (brevoOp()) {
            case UPSERT_CONTACT -> contactBatchKey();
            case ADD_TO_LIST -> "list:" + payload.path("listId").asLong();
            case UPSERT_ORDER -> "historical:" + payload.path("historical").asBoolean(false);
            case UPSERT_PRODUCT -> "products";
            default -> null;
        };
    }

    /**
     * Contacts import together only when they join the same lists and set the same blacklist flags; Brevo's
     * import needs at least one list, so a contact without one goes alone through {@code POST /contacts}.
     */
    private String contactBatchKey() {
        if (payload == null || payload.has("ext_id")) {
            return null;
        }
        List<Long> lists = new ArrayList<>();
        payload.path("listIds").forEach(id -> lists.add(id.asLong()));
        if (lists.isEmpty()) {
            return null;
        }
        lists.sort(null);
        return "lists:" + lists + ";email-bl:" + payload.path("emailBlacklisted").asText("")
                + ";sms-bl:" + payload.path("smsBlacklisted").asText("");
    }

    /** Checks what Brevo needs for this op; throws {@link InvalidCommandException} naming the problem. */
    public void validate() {
        BrevoOp brevoOp = brevoOp();
        if (source == null || source.isBlank()) {
            throw new InvalidCommandException("source is required");
        }
        versionMillis();
        switch (brevoOp) {
            case UPSERT_CONTACT, DELETE_CONTACT -> requireEmail();
            case ADD_TO_LIST -> {
                requireEmail();
                requirePayloadField("listId", JsonNode::canConvertToLong);
            }
            case TRACK_EVENT -> {
                requireEmail();
                requirePayloadField("event_name", n -> n.isTextual() && EVENT_NAME.matcher(n.asText()).matches());
            }
            case UPSERT_ORDER -> {
                for (String field : List.of("id", "createdAt", "updatedAt", "status")) {
                    requirePayloadField(field, JsonNode::isTextual);
                }
                requirePayloadField("amount", JsonNode::isNumber);
                requirePayloadField("products", JsonNode::isArray);
            }
            case UPSERT_PRODUCT -> {
                requirePayloadField("id", JsonNode::isTextual);
                requirePayloadField("name", JsonNode::isTextual);
            }
            case SEND_TEMPLATE_EMAIL -> {
                requireEmail();
                requirePayloadField("templateId", JsonNode::canConvertToLong);
            }
        }
        if (payload != null && payload.has("attributes") && !payload.get("attributes").isObject()) {
            throw new InvalidCommandException("payload.attributes must be an object");
        }
    }

    private void requireEmail() {
        if (identifier == null || identifier.indexOf('@') < 1 || identifier.indexOf('@') == identifier.length() - 1) {
            throw new InvalidCommandException(op + " needs an email identifier");
        }
    }

    private void requirePayloadField(String field, java.util.function.Predicate<JsonNode> valid) {
        JsonNode value = payload == null ? null : payload.get(field);
        if (value == null || !valid.test(value)) {
            throw new InvalidCommandException(op + " needs payload." + field);
        }
    }
}
