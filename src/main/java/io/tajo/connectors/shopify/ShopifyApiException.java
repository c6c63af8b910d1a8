package io.tajo.connectors.shopify;

/** A Shopify call that failed, with a one-line message saying what is wrong and how to fix it; never a secret. */
public class ShopifyApiException extends RuntimeException {

    private final int status;

    public ShopifyApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status Shopify answered, 0 when it could not be reached. */
    public int status() {
        return status;
    }
}
