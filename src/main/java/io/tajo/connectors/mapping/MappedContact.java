package io.tajo.connectors.mapping;

import java.util.Map;

/**
 * A record mapped to a Brevo contact: its identifier and its attributes in mapping order.
 * Attribute values are String, BigDecimal or Long, or Boolean; absent values are left out, never null.
 */
public record MappedContact(String email, Map<String, Object> attributes) {
}
