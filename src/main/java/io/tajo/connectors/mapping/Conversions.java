package io.tajo.connectors.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The value conversions behind transforms and implied coercion. Values in flight are String,
 * BigDecimal, Long, Boolean, or a JSON list/object that only {@code join} turns into text.
 */
final class Conversions {
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    // yyyy-MM-dd, optionally followed by a time and an offset; the date is taken as written
    private static final DateTimeFormatter DATE_INPUT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart()
            .appendOffsetId()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);
    // digits before or after the point; beyond this a number is an error rather than a huge allocation
    private static final int MAX_MAGNITUDE = 100;

    private Conversions() {
    }

    /** A source value, or null when it is missing, null or blank. */
    static Object fromJson(JsonNode node) throws InvalidValueException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue().isBlank() ? null : node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() && node.canConvertToLong()
                    ? BigDecimal.valueOf(node.longValue())
                    : toNumber(node.asText());
        }
        return node;
    }

    /** 12.50 -> 12.5 and 1E+2 -> 100: no trailing zeros, never exponent notation. */
    private static BigDecimal normalized(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    static Object toNumber(Object value) throws InvalidValueException {
        if (value instanceof BigDecimal || value instanceof Long) {
            return value;
        }
        if (value instanceof String text) {
            try {
                BigDecimal number = new BigDecimal(text.strip());
                if (Math.abs(number.precision() - number.scale()) <= MAX_MAGNITUDE) {
                    return normalized(number);
                }
            } catch (NumberFormatException e) {
                // reported below, without the value
            }
        }
        throw new InvalidValueException("not a number");
    }

    static Object toInteger(Object value) throws InvalidValueException {
        Object number = toNumber(value);
        try {
            return number instanceof BigDecimal decimal ? decimal.longValueExact() : number;
        } catch (ArithmeticException e) {
            throw new InvalidValueException("not a whole number");
        }
    }

    static Object toBoolean(Object value) throws InvalidValueException {
        if (value instanceof Boolean) {
            return value;
        }
        String text = value instanceof JsonNode ? "" : toText(value).strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "1" -> Boolean.TRUE;
            case "false", "no", "0" -> Boolean.FALSE;
            default -> throw new InvalidValueException("not a boolean (expected true/false, yes/no or 1/0)");
        };
    }

    static String toDate(Object value) throws InvalidValueException {
        if (value instanceof String text) {
            try {
                return LocalDate.from(DATE_INPUT.parse(text.strip())).toString();
            } catch (DateTimeException e) {
                // reported below, without the value
            }
        }
        throw new InvalidValueException("not a date (expected yyyy-MM-dd, optionally with time and offset)");
    }

    static boolean isDate(String text) {
        try {
            toDate(text);
            return true;
        } catch (InvalidValueException e) {
            return false;
        }
    }

    static String toText(Object value) throws InvalidValueException {
        if (value instanceof JsonNode node) {
            throw new InvalidValueException(node.isArray()
                    ? "a list cannot be sent as text (use transform join)"
                    : "an object cannot be sent as text (map one of its fields)");
        }
        return value instanceof BigDecimal number ? number.toPlainString() : value.toString();
    }

    static String lower(Object value) throws InvalidValueException {
        return toText(value).toLowerCase(Locale.ROOT);
    }

    static String trim(Object value) throws InvalidValueException {
        return toText(value).strip();
    }

    static Conversion e164(String region) {
        return value -> {
            try {
                PhoneNumber number = PHONES.parse(toText(value), region);
                // possible, not valid: strict validation rejects numbers from newly assigned ranges and 555 test numbers
                if (PHONES.isPossibleNumber(number)) {
                    return PHONES.format(number, PhoneNumberFormat.E164);
                }
            } catch (NumberParseException e) {
                // reported below, without the number
            }
            throw new InvalidValueException("not a valid phone number for region " + region);
        };
    }

    static Conversion join(String separator) {
        return value -> {
            if (!(value instanceof JsonNode list && list.isArray())) {
                return toText(value); // already text, as Shopify sends tags: "vip, newsletter"
            }
            StringJoiner joined = new StringJoiner(separator);
            for (JsonNode item : list) {
                Object itemValue = fromJson(item);
                if (itemValue != null) {
                    joined.add(toText(itemValue));
                }
            }
            return joined.toString();
        };
    }

    /** The implied coercion to a declared type, applied after the explicit transforms. */
    static Conversion coercionTo(AttributeType type) {
        return switch (type) {
            case TEXT -> Conversions::toText;
            case FLOAT -> Conversions::toNumber;
            case DATE -> Conversions::toDate;
            case BOOLEAN -> Conversions::toBoolean;
        };
    }
}
