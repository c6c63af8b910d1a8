package io.tajo.connectors.shopify;

/** Shopify refused a request for a reason waiting will not fix (bad query, access denied, failed bulk operation). */
public class ShopifyApiException extends RuntimeException {
    public ShopifyApiException(String message) {
        super(message);
    }
}
