package io.tajo.connectors.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC webhook signature: computed over the raw bytes, encoded as base64 or hex, compared in constant
 * time against every configured secret (the current one and, during a rotation, the previous one).
 */
public final class HmacSignature {

    public enum Encoding { BASE64, HEX }

    private final String algorithm;
    private final Encoding encoding;
    private final List<byte[]> secrets;

    public HmacSignature(String algorithm, Encoding encoding, String... secrets) {
        this.algorithm = algorithm;
        this.encoding = encoding;
        this.secrets = java.util.Arrays.stream(secrets).filter(Objects::nonNull).filter(s -> !s.isBlank())
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** True when at least one secret is configured: without one, nothing can be verified. */
    public boolean hasSecret() {
        return !secrets.isEmpty();
    }

    /** True when {@code provided} is the signature of {@code signed} under any of the secrets. */
    public boolean matches(byte[] signed, String provided) {
        return matchesAny(signed, provided == null ? List.of() : List.of(provided));
    }

    /**
     * True when any of the {@code provided} signatures (Stripe may send several {@code v1=}) is the signature of
     * {@code signed} under any of the secrets.
     */
    public boolean matchesAny(byte[] signed, List<String> provided) {
        List<byte[]> candidates = new java.util.ArrayList<>();
        for (String signature : provided) {
            if (signature == null || signature.isBlank()) {
                continue;
            }
            try {
                candidates.add(decode(signature.trim()));
            } catch (IllegalArgumentException notEncodedThatWay) {
                // another candidate may still match
            }
        }
        if (candidates.isEmpty()) {
            return false;
        }
        boolean match = false;
        for (byte[] secret : secrets) {
            byte[] expected = sign(secret, signed);
            for (byte[] candidate : candidates) {
                // no early exit: every secret and candidate costs the same, whichever matches
                match |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return match;
    }

    private byte[] decode(String provided) {
        return encoding == Encoding.BASE64 ? Base64.getDecoder().decode(provided) : HexFormat.of().parseHex(provided);
    }

    private byte[] sign(byte[] secret, byte[] signed) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, algorithm));
            return mac.doFinal(signed);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("Cannot compute " + algorithm + ": " + e.getMessage(), e);
        }
    }
}
