package io.tajo.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The OAuth redirect hmac, checked against the example of Shopify's OAuth documentation. */
class ShopifyOAuthHmacTest {

    // Shopify's documented example: secret "hush"
    static final String DOCUMENTED = "code=0907a61c0c8d55e99db179b68161bc00"
            + "&hmac=4712bf92ffc2917d15a2f5a273e39f0116667419aa4b6ac0b3baaf26fa3c4d20"
            + "&shop=some-shop.myshopify.com&timestamp=1337178173";

    @Test
    void shopifysDocumentedExampleVerifies() {
        Map<String, String> params = ShopifyOAuthHmac.parseQuery(DOCUMENTED);
        assertThat(ShopifyOAuthHmac.message(params))
                .isEqualTo("code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&timestamp=1337178173");
        assertThat(ShopifyOAuthHmac.isValid(params, List.of("hush"))).isTrue();
        assertThat(ShopifyOAuthHmac.isValid(params, List.of("wrong", "hush"))).as("the previous secret during a rotation").isTrue();
        assertThat(ShopifyOAuthHmac.isValid(params, List.of("wrong"))).isFalse();
        assertThat(ShopifyOAuthHmac.isValid(ShopifyOAuthHmac.parseQuery(DOCUMENTED.replace("1337178173", "1337178174")),
                List.of("hush"))).isFalse();
    }

    @Test
    void valuesAreSignedDecodedWithPercentAndAmpersandEscapedAndSignatureLeftOut() {
        Map<String, String> params = ShopifyOAuthHmac.parseQuery("shop=a.myshopify.com&host=YWJj%3D%3D&x=1%262%25&signature=s&hmac=h");
        assertThat(ShopifyOAuthHmac.message(params)).isEqualTo("host=YWJj==&shop=a.myshopify.com&x=1%262%25");
        assertThatThrownBy(() -> ShopifyOAuthHmac.parseQuery("shop=a&shop=b")).hasMessageContaining("twice");
    }
}
