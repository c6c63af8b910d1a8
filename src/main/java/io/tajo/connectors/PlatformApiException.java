package io.tajo.connectors;

/**
 * A call to a platform (Shopify, Stripe, HubSpot) that failed, in one line naming the platform, the cause and the fix;
 * never a secret.
 */
public class PlatformApiException extends RuntimeException {

    private final int status;

    public PlatformApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** Refused for a reason waiting will not fix (a bad query, access denied, a missing setting). */
    public PlatformApiException(String message) {
        this(message, 0);
    }

    /** The HTTP status the platform answered; 0 when it could not be reached or the answer was no HTTP error. */
    public int status() {
        return status;
    }
}
