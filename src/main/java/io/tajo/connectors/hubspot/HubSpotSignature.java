package io.tajo.connectors.hubspot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.tajo.connectors.webhook.HmacSignature;
import io.tajo.connectors.webhook.WebhookRejectedException;

/**
 * HubSpot's v3 request signature (DESIGN §5): {@code X-HubSpot-Signature-v3} is the base64 HMAC-SHA256, under the
 * app's client secret, of {@code method + uri + body + timestamp}, where the uri is the one HubSpot called (the
 * public URL, not the local one behind a proxy) with a few percent-encoded characters decoded, and the timestamp
 * ({@code X-HubSpot-Request-Timestamp}, epoch milliseconds) is at most five minutes old.
 */
public final class HubSpotSignature {

    public static final String SIGNATURE_HEADER = "X-HubSpot-Signature-v3";
    public static final String TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp";
    /** The escapes HubSpot decodes in the URI before signing it: {@code : / ? @ ! $ ' ( ) * , ;}. */
    private static final Pattern DECODED = Pattern.compile("%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)", Pattern.CASE_INSENSITIVE);

    private final HmacSignature hmac;
    private final Duration tolerance;
    private final Clock clock;

    public HubSpotSignature(String secret, String previousSecret, Duration tolerance, Clock clock) {
        this.hmac = new HmacSignature("HmacSHA256", HmacSignature.Encoding.BASE64, secret, previousSecret);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    public boolean hasSecret() {
        return hmac.hasSecret();
    }

    /** Throws a 401 {@link WebhookRejectedException} unless the request is signed by HubSpot, recently. */
    public void verify(String method, String uri, byte[] body, String signature, String timestamp) {
        if (signature == null || signature.isBlank() || timestamp == null || timestamp.isBlank()) {
            throw new WebhookRejectedException(401, "missing " + SIGNATURE_HEADER + " or " + TIMESTAMP_HEADER);
        }
        if (!hmac.hasSecret()) {
            throw new WebhookRejectedException(401, "no HubSpot client secret configured");
        }
        long sent;
        try {
            sent = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException(401, TIMESTAMP_HEADER + " is not epoch milliseconds");
        }
        if (Duration.between(Instant.ofEpochMilli(sent), clock.instant()).abs().compareTo(tolerance) > 0) {
            throw new WebhookRejectedException(401, "timestamp older than " + tolerance);
        }
        if (!hmac.matches(signed(method, uri, body, timestamp.trim()), signature.trim())) {
            throw new WebhookRejectedException(401, "bad signature");
        }
    }

    /** The bytes HubSpot signs: method, decoded uri, the raw body, timestamp. */
    static byte[] signed(String method, String uri, byte[] body, String timestamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + uri.length() + 32);
        out.writeBytes((method + decodeUri(uri)).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(body);
        out.writeBytes(timestamp.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Decodes only the escapes HubSpot decodes; any other ({@code %20}, {@code %3D}) stays as sent. */
    static String decodeUri(String uri) {
        Matcher escape = DECODED.matcher(uri);
        StringBuilder decoded = new StringBuilder(uri.length());
        while (escape.find()) {
            escape.appendReplacement(decoded, Matcher.quoteReplacement(
                    String.valueOf((char) Integer.parseInt(escape.group(1), 16))));
        }
        escape.appendTail(decoded);
        return decoded.toString();
    }
}
