package io.tajo.connectors.shopify;

import io.tajo.connectors.PlatformApiException;

/**
 * Left only for ShopifySync's bulk export path, which another change is rewriting: once that is merged, its three
 * throws become {@link PlatformApiException} and this class goes.
 */
@Deprecated
public class ShopifyApiException extends PlatformApiException {

    public ShopifyApiException(String message) {
        super(message);
    }
}
