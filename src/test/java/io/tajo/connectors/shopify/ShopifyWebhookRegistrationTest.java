package io.tajo.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.Cli.Run;
import io.tajo.connectors.testing.ShopifyStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tajo connectors webhooks register shopify}: the missing subscriptions created, idempotently. */
class ShopifyWebhookRegistrationTest {

    static final String TOKEN = "shpat_webhook_registration_000000000001";
    static final String CALLBACK = "https://hooks.example.com/webhooks/shopify";
    static final List<String> ALL_TOPICS = List.of("CUSTOMERS_CREATE", "CUSTOMERS_UPDATE", "CUSTOMERS_DELETE",
            "CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE", "CUSTOMERS_MARKETING_CONSENT_UPDATE",
            "ORDERS_CREATE", "ORDERS_PAID", "ORDERS_UPDATED", "ORDERS_FULFILLED", "ORDERS_CANCELLED",
            "CHECKOUTS_CREATE", "CHECKOUTS_UPDATE", "PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE");

    @TempDir
    Path dataDir;

    final ShopifyStub shopify = new ShopifyStub();

    @AfterEach
    void stop() {
        shopify.close();
    }

    /** Connected the way a merchant does it: tajo connectors connect shopify stored the token. */
    Map<String, String> connected() {
        shopify.acceptToken(TOKEN, "Tajo Test Shop");
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.toString());
        env.put("SHOPIFY_BASE_URL", shopify.baseUrl());
        env.put("TAJO_MASTER_KEY", "webhook test master key");
        Run connect = Cli.tajo(env, "connectors", "connect", "shopify", "--shop-url", "tajo-test.myshopify.com", "--api-key", TOKEN);
        assertThat(connect.exit()).as(connect.err()).isZero();
        env.put("TAJO_PUBLIC_URL", "https://hooks.example.com/");
        return env;
    }

    @Test
    void theFirstRunCreatesEveryMissingSubscriptionAndTheSecondNone() {
        Map<String, String> env = connected();

        Run first = Cli.tajo(env, "connectors", "webhooks", "register", "shopify");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("15 subscriptions: 15 created (" + CALLBACK + ").");
        assertThat(first.out() + first.err()).doesNotContain(TOKEN);

        List<JsonNode> mutations = shopify.graphql("webhookSubscriptionCreate");
        assertThat(mutations).extracting(m -> m.path("variables").path("topic").asText()).containsExactlyElementsOf(ALL_TOPICS);
        assertThat(mutations).allSatisfy(m -> {
            assertThat(m.path("query").asText()).contains("webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription)")
                    .contains("userErrors { field message }");
            assertThat(m.path("variables").path("webhookSubscription"))
                    .isEqualTo(ShopifyStub.parse("{\"uri\":\"" + CALLBACK + "\",\"format\":\"JSON\"}"));
        });
        assertThat(shopify.graphql("webhookSubscriptions(first: 250")).hasSize(1);
        assertThat(shopify.requests(ShopifyStub.GRAPHQL)).allSatisfy(r -> assertThat(r.getHeader("X-Shopify-Access-Token")).isEqualTo(TOKEN));

        Run second = Cli.tajo(env, "connectors", "webhooks", "register", "shopify");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).startsWith("15 subscriptions: 0 created, 15 already registered");
        assertThat(shopify.graphql("webhookSubscriptionCreate")).hasSize(15);
        assertThat(shopify.subscriptions()).hasSize(15);
    }

    @Test
    void onlyTheEnabledResourcesTopicsAreSubscribedAndTheRestFollowLater() {
        Map<String, String> env = connected();
        env.put("SHOPIFY_RESOURCES", "customers");
        assertThat(Cli.tajo(env, "connectors", "webhooks", "register", "shopify").out()).startsWith("5 subscriptions: 5 created");
        env.put("SHOPIFY_RESOURCES", "customers,orders");
        assertThat(Cli.tajo(env, "connectors", "webhooks", "register", "shopify").out())
                .startsWith("10 subscriptions: 5 created, 5 already registered");
        assertThat(shopify.subscribedTopics()).containsExactlyElementsOf(ALL_TOPICS.subList(0, 10));
    }

    @Test
    void aUserErrorIsReportedAndTheRunFails() {
        Map<String, String> env = connected();
        shopify.refuseTopic("ORDERS_PAID", "Address for this topic has already been taken");

        Run run = Cli.tajo(env, "connectors", "webhooks", "register", "shopify");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).startsWith("15 subscriptions: 14 created, 0 already registered, 1 failed");
        assertThat(run.err()).isEqualTo("tajo: Shopify refused the subscription ORDERS_PAID: webhookSubscription.uri: "
                + "Address for this topic has already been taken\n");
    }

    @Test
    void aLocalPublicUrlIsRefusedUnlessACallbackUrlIsGiven() {
        Map<String, String> env = connected();
        env.remove("TAJO_PUBLIC_URL");

        Run local = Cli.tajo(env, "connectors", "webhooks", "register", "shopify");
        assertThat(local.exit()).isEqualTo(1);
        assertThat(local.err().lines()).hasSize(1);
        assertThat(local.err()).startsWith("tajo: Shopify cannot reach http://localhost:8080/webhooks/shopify").contains("TAJO_PUBLIC_URL");

        env.put("TAJO_PUBLIC_URL", "https://127.0.0.1:8443");
        assertThat(Cli.tajo(env, "connectors", "webhooks", "register", "shopify").exit()).isEqualTo(1);
        env.put("TAJO_PUBLIC_URL", "http://hooks.example.com");
        assertThat(Cli.tajo(env, "connectors", "webhooks", "register", "shopify").err()).contains("https");
        assertThat(shopify.graphql("webhookSubscription")).isEmpty();

        Run tunnel = Cli.tajo(env, "connectors", "webhooks", "register", "shopify", "--callback-url", "https://abc.tunnel.example/webhooks/shopify");
        assertThat(tunnel.exit()).as(tunnel.err()).isZero();
        assertThat(shopify.subscriptions()).allSatisfy(s -> assertThat(s.path("uri").asText()).isEqualTo("https://abc.tunnel.example/webhooks/shopify"));
    }

    @Test
    void withNothingConnectedItSaysHowToConnect() {
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.toString());
        env.put("TAJO_PUBLIC_URL", "https://hooks.example.com");
        Run run = Cli.tajo(env, "connectors", "webhooks", "register", "shopify");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("Shopify is not connected").contains("tajo connectors connect shopify");
    }

    @Test
    void aRevokedTokenNamesWhereTheTokenCameFrom() {
        Map<String, String> env = connected();
        shopify.acceptToken("shpat_some_other_token_000000000000", "Tajo Test Shop");
        Run run = Cli.tajo(env, "connectors", "webhooks", "register", "shopify");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("tajo: Shopify refused the token").contains("tajo connectors connect shopify");
    }
}
