package io.tajo.connectors.shopify;

/** A Shopify call that failed, with a one-line message saying what is wrong and how to fix it; never a secret. */
public class ShopifyApiException extends RuntimeException {

    private final int status;

    public ShopifyApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** Refused for a reason waiting will not fix (a bad query, access denied, a failed bulk operation). */
    public ShopifyApiException(String message) {
        this(message, 0);
    }

    /** The HTTP status Shopify answered; 0 when it could not be reached or the answer was no HTTP error. */
    public int status() {
        return status;
    }
}
