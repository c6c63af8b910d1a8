package io.tajo.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Requested costs worked out by hand with Shopify's published rules (object 1, connection 2 + first × a record). */
class ShopifyQueryCostTest {

    @Test
    void shopifysOwnExampleCosts12() {
        assertThat(ShopifyQueryCost.of("query { products(first: 10) { edges { node { title } } } }", Map.of())).isEqualTo(12);
    }

    @Test
    void aCustomerCostsFiveAndAPageOf250IsMoreThanShopifyAccepts() {
        // the customer 1, defaultEmailAddress, defaultPhoneNumber, amountSpent, defaultAddress 1 each; pageInfo 1
        assertThat(ShopifyGraphql.requestedCost("customers", 250)).isEqualTo(2 + 250 * 5 + 1);
        assertThat(ShopifyGraphql.largestPage("customers")).isEqualTo(199);
        assertThat(ShopifyGraphql.requestedCost("customers", 199)).isEqualTo(998);
    }

    @Test
    void anOrderWithItsFiftyLineItemsCosts255() {
        // the order 1, totalPriceSet 1 + shopMoney 1, lineItems 2 + 50 × (item 1, product 1, variant 1, originalUnitPriceSet 2)
        assertThat(ShopifyGraphql.requestedCost("orders", 1)).isEqualTo(2 + (1 + 2 + 2 + 50 * 5) + 1);
        assertThat(ShopifyGraphql.largestPage("orders")).isEqualTo(3);
    }

    @Test
    void aProductCostsSix() {
        // the product 1, featuredMedia / preview / image 3, priceRangeV2 / minVariantPrice 2
        assertThat(ShopifyGraphql.requestedCost("products", 100)).isEqualTo(2 + 100 * 6 + 1);
        assertThat(ShopifyGraphql.largestPage("products")).isEqualTo(166);
    }
}
