package io.tajo.connectors.webhook;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signature check of one platform's webhooks, configured by the {@code signed-webhook} route template
 * (routes/signed-webhook.camel.yaml): an HMAC of the raw body, or of a template such as
 * {@code {timestamp}.{body}}, taken from a header, compared in constant time against the secret and, during a
 * rotation, the previous one. Nothing here is specific to a platform.
 */
public class SignedWebhook {

    /** Exchange property set on an unsigned test ping: nothing in it is read, it is answered 200. */
    public static final String PING = "tajoWebhookPing";

    private static final Logger LOG = LoggerFactory.getLogger(SignedWebhook.class);

    private String connector = "";
    private String signatureHeader = "";
    private String algorithm = "HmacSHA256";
    private String encoding = "hex";
    private String signed = "body";
    private String timestampHeader = "";
    private String dedupeHeader = "";
    private String secret = "";
    private String previousSecret = "";
    private String timestampTolerance = "";
    private String pingField = "";
    private Duration tolerance;
    private Clock clock = Clock.systemUTC();
    private HmacSignature signature;
    private String[] signedParts;

    public void setConnector(String connector) { this.connector = connector; }
    public void setSignatureHeader(String signatureHeader) { this.signatureHeader = signatureHeader; }
    public void setAlgorithm(String algorithm) { this.algorithm = algorithm; }
    public void setEncoding(String encoding) { this.encoding = encoding; }
    public void setSigned(String signed) { this.signed = signed; }
    public void setTimestampHeader(String timestampHeader) { this.timestampHeader = timestampHeader; }
    public void setDedupeHeader(String dedupeHeader) { this.dedupeHeader = dedupeHeader; }
    public void setSecret(String secret) { this.secret = secret; }
    public void setPreviousSecret(String previousSecret) { this.previousSecret = previousSecret; }
    /** ISO-8601 (PT5M); empty: the timestamp is not checked for age. */
    public void setTimestampTolerance(String timestampTolerance) { this.timestampTolerance = timestampTolerance; }
    /** A form field (or header) only the platform's unsigned test ping carries; empty: none. */
    public void setPingField(String pingField) { this.pingField = pingField; }
    void setClock(Clock clock) { this.clock = clock; }

    /** Checks the configuration once, at start-up: a template mistake stops the service with its reason. */
    public void start() {
        HmacSignature.Encoding enc = switch (encoding.trim().toLowerCase(Locale.ROOT)) {
            case "hex" -> HmacSignature.Encoding.HEX;
            case "base64" -> HmacSignature.Encoding.BASE64;
            default -> throw new IllegalArgumentException(connector + " webhooks: encoding '" + encoding
                    + "' is neither hex nor base64");
        };
        String template = signed.trim().equals("body") ? "{body}" : signed.trim();
        // the body is joined as raw bytes, so it is split out of the template rather than substituted as text
        signedParts = template.split("\\{body}", -1);
        if (signedParts.length != 2) {
            throw new IllegalArgumentException(connector + " webhooks: signed '" + signed
                    + "' must contain {body} exactly once (e.g. body or {timestamp}.{body})");
        }
        if (template.contains("{timestamp}") && timestampHeader.isBlank()) {
            throw new IllegalArgumentException(connector + " webhooks: signed '" + signed
                    + "' uses {timestamp} but no timestampHeader is set");
        }
        tolerance = timestampTolerance == null || timestampTolerance.isBlank() ? null : Duration.parse(timestampTolerance.trim());
        if (tolerance != null && timestampHeader.isBlank()) {
            throw new IllegalArgumentException(connector + " webhooks: timestampTolerance needs a timestampHeader");
        }
        signature = new HmacSignature(algorithm.trim(), enc, secret, previousSecret);
        try {
            javax.crypto.Mac.getInstance(algorithm.trim()); // an unknown algorithm fails here, not on the first delivery
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(connector + " webhooks: unknown algorithm '" + algorithm + "'", e);
        }
        if (!signature.hasSecret()) {
            LOG.info("{} webhooks not connected: no secret, so every delivery is refused (401)", connector);
        }
    }

    /**
     * Refuses (401, no detail) a delivery whose signature does not match; the body must be the raw bytes. An
     * unsigned test ping (pingField) is let through with exchange property {@link #PING} set, to be answered 200.
     */
    public void verify(Exchange exchange) {
        String provided = exchange.getMessage().getHeader(signatureHeader, String.class);
        if (provided == null || provided.isBlank()) {
            // platform-http turns the fields of a form-encoded POST into headers
            if (pingField != null && !pingField.isBlank() && exchange.getMessage().getHeader(pingField.trim()) != null) {
                exchange.setProperty(PING, true);
                return;
            }
            throw new WebhookRejectedException(401, "missing " + signatureHeader);
        }
        if (!signature.hasSecret()) {
            throw new WebhookRejectedException(401, "no " + connector + " webhook secret configured");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (!signature.matches(signedBytes(exchange, body == null ? new byte[0] : body), provided)) {
            throw new WebhookRejectedException(401, "bad signature");
        }
        if (tolerance != null) {
            checkAge(header(exchange, timestampHeader));
        }
    }

    /** The verified body parsed, for direct:map-contacts; a signed body that is not JSON is refused (400). */
    public void record(Exchange exchange) {
        exchange.getMessage().setBody(WebhookBody.json(exchange));
    }

    /** A replayed delivery is refused once its timestamp (epoch seconds, or milliseconds) is older than the tolerance. */
    private void checkAge(String timestamp) {
        long value;
        try {
            value = Long.parseLong(timestamp);
        } catch (NumberFormatException notEpoch) {
            throw new WebhookRejectedException(401, timestampHeader + " is not an epoch time");
        }
        Instant sent = value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
        if (Duration.between(sent, clock.instant()).abs().compareTo(tolerance) > 0) {
            throw new WebhookRejectedException(401, "timestamp outside the tolerance");
        }
    }

    private byte[] signedBytes(Exchange exchange, byte[] body) {
        if (signedParts[0].isEmpty() && signedParts[1].isEmpty()) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        out.writeBytes(fill(exchange, signedParts[0]));
        out.writeBytes(body);
        out.writeBytes(fill(exchange, signedParts[1]));
        return out.toByteArray();
    }

    private byte[] fill(Exchange exchange, String part) {
        String text = part;
        if (text.contains("{timestamp}")) {
            text = text.replace("{timestamp}", header(exchange, timestampHeader));
        }
        if (text.contains("{delivery}")) {
            text = text.replace("{delivery}", header(exchange, dedupeHeader));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank()) {
            throw new WebhookRejectedException(401, "missing " + name);
        }
        return value.trim();
    }
}
