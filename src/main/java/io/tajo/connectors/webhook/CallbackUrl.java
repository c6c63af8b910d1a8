package io.tajo.connectors.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/** The public URL a platform is asked to deliver webhooks to, refused when the platform could not reach it. */
public final class CallbackUrl {

    private CallbackUrl() {
    }

    /**
     * {@code publicUrl + path}, or the full callback given: refused when not https or on a loopback / localhost
     * host, with what to set instead.
     */
    public static String check(String platform, String publicUrlOrCallback, String path, boolean isFullCallback) {
        String url = publicUrlOrCallback.trim().replaceAll("/+$", "");
        String callback = isFullCallback ? url : url + path;
        URI uri;
        try {
            uri = URI.create(callback);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + callback + "' is not a URL");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (isLocal(host)) {
            throw new IllegalArgumentException(platform + " cannot reach " + callback + " (a local address): set TAJO_PUBLIC_URL "
                    + "to the service's public https URL, or pass --callback-url (e.g. a tunnel's URL)");
        }
        if (!"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException(platform + " delivers webhooks to https URLs only, not " + callback
                    + ": set TAJO_PUBLIC_URL (or --callback-url) to an https URL");
        }
        return callback;
    }

    private static boolean isLocal(String host) {
        if (host.isEmpty() || host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        if (host.matches("[0-9.]+") || host.startsWith("[")) {
            try {
                InetAddress address = InetAddress.getByName(host);
                return address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress();
            } catch (Exception e) {
                return false;
            }
        }
        return false;
    }
}
