package io.tajo.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShopDomainTest {

    @ParameterizedTest
    @ValueSource(strings = {"your-store.myshopify.com", "https://your-store.myshopify.com", "https://Your-Store.myshopify.com/",
            "http://your-store.myshopify.com/admin", " your-store.myshopify.com ", "your-store"})
    void whatAMerchantTypesBecomesTheShopDomain(String input) {
        assertThat(ShopDomain.normalise(input)).isEqualTo("your-store.myshopify.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "shop.example.com", "your-store.myshopify.com.evil.com", "-x.myshopify.com", "your_store.myshopify.com",
            "https://", "admin.shopify.com/store/your-store"})
    void anythingElseIsRefusedWithTheFix(String input) {
        assertThatThrownBy(() -> ShopDomain.normalise(input)).hasMessageContaining("your-store.myshopify.com");
    }
}
