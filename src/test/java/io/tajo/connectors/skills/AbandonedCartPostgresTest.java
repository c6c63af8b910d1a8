package io.tajo.connectors.skills;

import static io.tajo.connectors.testing.ShopifyWebhookSender.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The skills' SQL on a real PostgreSQL: choices, checkouts, orders, consent and every abandoned-cart step. */
class AbandonedCartPostgresTest {

    @TempDir
    Path dataDir;

    @Test
    void everyStepRunsOnPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start(); BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("TAJO_STATE_URL", postgres.getJdbcUrl("postgres", "postgres"));
            env.put("TAJO_STATE_USER", "postgres");
            env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
            env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
            env.put("TAJO_SKILL_ABANDONED_CART_INACTIVITY_THRESHOLD", "PT1S");
            env.put("TAJO_SKILL_ABANDONED_CART_REMINDERS", "PT3S:12");
            env.put("TAJO_SKILL_ABANDONED_CART_SCAN_INTERVAL_MS", "200");
            env.put("TAJO_SKILLS_POLL_INTERVAL_MS", "200");
            assertThat(Cli.tajo(env, "skills", "enable", "abandoned-cart").exit()).isZero();
            try (RunningService service = RunningService.start(env)) {
                ShopifyWebhookSender shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
                String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.ofHours(-5)).toString();
                for (String who : List.of("ada", "bob")) {
                    ObjectNode checkout = fixture("checkouts-create").put("token", "pg-" + who).put("cart_token", "cart-pg-" + who)
                            .put("email", who + "@example.com").put("created_at", at).put("updated_at", at);
                    assertThat(shopify.deliver("checkouts/create", checkout)).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(15)).until(() -> events(brevo, "cart_abandoned").size() == 2);

                ObjectNode consent = fixture("customers-email-marketing-consent-update").put("email_address", "bob@example.com");
                ((ObjectNode) consent.get("email_marketing_consent")).put("state", "unsubscribed")
                        .put("consent_updated_at", Instant.now().atOffset(ZoneOffset.UTC).toString());
                assertThat(shopify.deliver("customers_email_marketing_consent/update", consent)).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).until(() -> brevo.requests("POST", "/v3/smtp/email").size() == 1);

                ObjectNode order = fixture("orders-create").put("id", 7001).put("created_at", at).put("updated_at", at);
                order.put("cart_token", "cart-pg-ada");
                assertThat(shopify.deliver("orders/create", order)).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).until(() -> events(brevo, "cart_recovered").size() == 1);
                service.awaitOutboxEmpty();
                Thread.sleep(1000);
                service.awaitOutboxEmpty();

                assertThat(brevo.requests("POST", "/v3/smtp/email")).singleElement().satisfies(r ->
                        assertThat(BrevoStub.body(r).at("/to/0/email").asText()).isEqualTo("ada@example.com"));
                assertThat(events(brevo, "cart_recovered")).singleElement().satisfies(body ->
                        assertThat(body.path("event_properties").path("order_id").asText()).isEqualTo("7001"));
                assertThat(events(brevo, "cart_abandoned")).extracting(body -> body.at("/identifiers/email_id").asText())
                        .containsExactlyInAnyOrder("ada@example.com", "bob@example.com");
            }
            brevo.assertAllRequestsValid();
        }
    }

    private static List<JsonNode> events(BrevoStub brevo, String name) {
        return brevo.requests("POST", "/v3/events").stream().map(BrevoStub::body)
                .filter(body -> body.path("event_name").asText().equals(name)).toList();
    }
}
