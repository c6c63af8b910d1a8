package io.tajo.connectors.shopify;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code hmac} Shopify adds to the redirects it sends an app (OAuth callback, app URL): hex HMAC-SHA256, keyed
 * with the app's client secret, of the other query parameters (decoded, {@code signature} excluded too) sorted by
 * name and joined {@code k=v&k=v}, with {@code %} and {@code &} (and {@code =} in names) percent-escaped.
 */
public final class ShopifyOAuthHmac {

    private ShopifyOAuthHmac() {
    }

    /** The decoded query parameters; a parameter given twice is refused (Shopify never sends one twice). */
    public static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> params = new TreeMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (params.put(name, value) != null) {
                throw new OAuthRequestException(400, "parameter " + name + " given twice");
            }
        }
        return params;
    }

    /** The message Shopify signs for these parameters. */
    public static String message(Map<String, String> params) {
        return new TreeMap<>(params).entrySet().stream()
                .filter(e -> !e.getKey().equals("hmac") && !e.getKey().equals("signature"))
                .map(e -> escape(e.getKey()).replace("=", "%3D") + "=" + escape(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** True when the {@code hmac} parameter matches under one of the secrets (current, then previous); constant time. */
    public static boolean isValid(Map<String, String> params, List<String> secrets) {
        String given = params.get("hmac");
        if (given == null || given.isEmpty()) {
            return false;
        }
        byte[] givenBytes = given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        String message = message(params);
        boolean valid = false;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                valid |= MessageDigest.isEqual(givenBytes, sign(message, secret).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return valid;
    }

    public static String sign(String message, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escape(String value) {
        return value.replace("%", "%25").replace("&", "%26");
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new OAuthRequestException(400, "malformed query string");
        }
    }
}
