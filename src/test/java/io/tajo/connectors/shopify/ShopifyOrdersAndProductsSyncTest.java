package io.tajo.connectors.shopify;

import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static io.tajo.connectors.testing.ShopifySyncStub.page;
import static io.tajo.connectors.testing.ShopifySyncStub.pageRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A page of Shopify orders and one of products become exactly these Brevo batch calls. */
class ShopifyOrdersAndProductsSyncTest {

    @TempDir
    Path dataDir;

    @Test
    void aPageOfOrdersAndAPageOfProductsBecomeBrevoBatchCalls() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            shopify.server().stubFor(pageRequest("orders", null).willReturn(json(page("orders", List.of(
                    BrevoStub.json("""
                            {"id":"gid://shopify/Order/820982911946154508","name":"#1001","email":"Jon@Example.com",
                             "createdAt":"2026-01-02T09:00:00Z","updatedAt":"2026-01-02T10:00:00Z","cancelledAt":null,
                             "displayFinancialStatus":"PAID","totalPriceSet":{"shopMoney":{"amount":"59.90","currencyCode":"EUR"}},
                             "lineItems":{"nodes":[
                               {"quantity":2,"product":{"id":"gid://shopify/Product/632910392"},"variant":{"id":"gid://shopify/ProductVariant/808950810"},
                                "originalUnitPriceSet":{"shopMoney":{"amount":"19.95"}}},
                               {"quantity":1,"product":null,"variant":null,"originalUnitPriceSet":{"shopMoney":{"amount":"20.00"}}}]}}"""),
                    BrevoStub.json("""
                            {"id":"gid://shopify/Order/820982911946154509","name":"#1002","email":null,
                             "createdAt":"2026-01-02T09:30:00Z","updatedAt":"2026-01-02T10:05:00Z","cancelledAt":"2026-01-02T10:05:00Z",
                             "displayFinancialStatus":"REFUNDED","totalPriceSet":{"shopMoney":{"amount":"10.00","currencyCode":"EUR"}},
                             "lineItems":{"nodes":[]}}""")), null, 2000))));
            shopify.server().stubFor(pageRequest("products", null).willReturn(json(page("products", List.of(
                    BrevoStub.json("""
                            {"id":"gid://shopify/Product/632910392","title":"IPod Nano - 8GB","onlineStoreUrl":"https://shop.example.com/products/ipod-nano",
                             "productType":"Cult Products","updatedAt":"2026-01-02T10:00:00Z",
                             "featuredMedia":{"preview":{"image":{"url":"https://cdn.shopify.com/ipod.jpg"}}},
                             "priceRangeV2":{"minVariantPrice":{"amount":"199.0"}}}"""),
                    BrevoStub.json("""
                            {"id":"gid://shopify/Product/632910393","title":"Draft","onlineStoreUrl":null,"productType":"",
                             "updatedAt":"2026-01-02T10:01:00Z","featuredMedia":null,"priceRangeV2":{"minVariantPrice":{"amount":"5"}}}""")),
                    null, 2000))));

            try (RunningService service = RunningService.start(shopify.connect(RunningService.environment(dataDir, brevo)))) {
                assertThat(ShopifyIncrementalSyncTest.sync(service, "orders").records()).isEqualTo(2);
                assertThat(ShopifyIncrementalSyncTest.sync(service, "products").records()).isEqualTo(2);
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        brevo.requests("POST", "/v3/orders/status/batch").size() == 1 && brevo.requests("POST", "/v3/products/batch").size() == 1);

                JsonNode orders = BrevoStub.body(brevo.requests("POST", "/v3/orders/status/batch").get(0));
                assertThat(orders).isEqualTo(BrevoStub.json("""
                        {"orders":[
                          {"id":"820982911946154508","createdAt":"2026-01-02T09:00:00Z","updatedAt":"2026-01-02T10:00:00Z","status":"paid",
                           "amount":59.9,"products":[{"productId":"632910392","variantId":"808950810","quantity":2.0,"price":19.95}],
                           "identifiers":{"email_id":"jon@example.com"}},
                          {"id":"820982911946154509","createdAt":"2026-01-02T09:30:00Z","updatedAt":"2026-01-02T10:05:00Z","status":"cancelled",
                           "amount":10.0,"products":[]}],
                         "historical":true}"""));
                JsonNode products = BrevoStub.body(brevo.requests("POST", "/v3/products/batch").get(0));
                assertThat(products).isEqualTo(BrevoStub.json("""
                        {"products":[
                          {"id":"632910392","name":"IPod Nano - 8GB","url":"https://shop.example.com/products/ipod-nano",
                           "imageUrl":"https://cdn.shopify.com/ipod.jpg","price":199.0,"categories":["Cult Products"]},
                          {"id":"632910393","name":"Draft","price":5.0}],
                         "updateEnabled":true}"""));
                assertThat(SyncCheckpoint.load(service.store(), "shopify", "orders")).contains(
                        new SyncCheckpoint("shopify", "orders", "2026-01-02T10:05:00Z", "820982911946154509", null));
                assertThat(SyncCheckpoint.load(service.store(), "shopify", "products")).contains(
                        new SyncCheckpoint("shopify", "products", "2026-01-02T10:01:00Z", "632910393", null));
            }
            JsonNode ordersQuery = shopify.graphqlRequests().get(0);
            assertThat(ordersQuery.at("/query").asText()).contains("orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT)");
            assertThat(ordersQuery.at("/variables/first").asInt()).as("an order with 50 line items costs 255 of a query's 1,000 points").isEqualTo(3);
            brevo.assertAllRequestsValid();
        }
    }
}
