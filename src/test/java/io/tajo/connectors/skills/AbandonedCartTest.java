package io.tajo.connectors.skills;

import static io.tajo.connectors.testing.ShopifyWebhookSender.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ServiceUnderTest;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The abandoned-cart skill through signed Shopify webhooks into a running service: what reaches the Brevo stub,
 * request by request. Thresholds and delays are seconds here (set through the environment, as a merchant would set
 * minutes) and the scan runs every 200 ms, so nothing waits on a test-only clock.
 */
class AbandonedCartTest {

    private static final String RECOVERY_URL = "https://checkout.local/548380009/checkouts/123123123/recover?key=example-secret-token";
    // the fixture's two line items, as Brevo gets them
    private static final String ITEMS = """
            [{"product_id":"632910392","variant_id":"808950810","name":"IPod Nano - 8GB","quantity":1,"price":"199.00","sku":"IPOD2008PINK"},
             {"product_id":"632910392","variant_id":"808950810","name":"IPod Nano - 8GB","quantity":1,"price":"199.00","sku":"IPOD2008PINK"}]""";

    @TempDir
    Path dataDir;
    @RegisterExtension
    final ServiceUnderTest tajo = new ServiceUnderTest();
    final BrevoStub brevo = tajo.brevo();
    RunningService service;
    ShopifyWebhookSender shopify;

    /** A service with the skill enabled by default, a threshold of {@code threshold}, scanning every 200 ms. */
    private Map<String, String> env(String threshold) {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
        env.put("TAJO_SKILL_ABANDONED_CART_ENABLED", "true");
        env.put("TAJO_SKILL_ABANDONED_CART_INACTIVITY_THRESHOLD", threshold);
        env.put("TAJO_SKILL_ABANDONED_CART_SCAN_INTERVAL_MS", "200");
        env.put("TAJO_SKILLS_POLL_INTERVAL_MS", "200");
        return env;
    }

    private void start(Map<String, String> env) throws Exception {
        service = tajo.start(env);
        shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
    }

    /** The fixture checkout with its own token, cart token and email, last updated at {@code updatedAt} (whole seconds, -05:00). */
    private static ObjectNode checkout(String token, String email, Instant updatedAt) {
        String at = updatedAt.atOffset(ZoneOffset.ofHours(-5)).toString();
        return fixture("checkouts-create").put("token", token).put("cart_token", "cart-" + token).put("email", email)
                .put("created_at", at).put("updated_at", at);
    }

    /** The fixture order, placed now from the given checkout and/or cart. */
    private static ObjectNode order(long id, String checkoutToken, String cartToken, Instant createdAt) {
        String at = createdAt.atOffset(ZoneOffset.ofHours(-5)).toString();
        ObjectNode order = fixture("orders-create").put("id", id).put("created_at", at).put("updated_at", at);
        order.put("checkout_token", checkoutToken).put("cart_token", cartToken);
        return order;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private List<LoggedRequest> events(String name) {
        return brevo.requests("POST", "/v3/events").stream()
                .filter(r -> BrevoStub.body(r).path("event_name").asText().equals(name)).toList();
    }

    private List<LoggedRequest> emails() {
        return brevo.requests("POST", "/v3/smtp/email");
    }

    private static JsonNode abandoned(String token, String email, Instant at, String value) {
        return BrevoStub.json("""
                {"event_name":"cart_abandoned","event_date":"%s","identifiers":{"email_id":"%s"},
                 "event_properties":{"cart_id":"%s","items":%s,"value":"%s","currency":"USD","recovery_url":"%s"}}"""
                .formatted(at, email, token, ITEMS, value, RECOVERY_URL));
    }

    private static JsonNode reminder(String token, String email, long templateId, int step) {
        String key = UUID.nameUUIDFromBytes(("abandoned-cart:shopify:" + token + ":reminder-" + step).getBytes(StandardCharsets.UTF_8)).toString();
        return BrevoStub.json("""
                {"templateId":%d,"to":[{"email":"%s"}],
                 "params":{"cart_id":"%s","items":%s,"value":"421.88","currency":"USD","recovery_url":"%s"},
                 "headers":{"idempotencyKey":"%s"}}""".formatted(templateId, email, token, ITEMS, RECOVERY_URL, key));
    }

    /** Lets a few more scans run, so a step sent twice or too early would have reached the stub. */
    private void afterMoreScans() throws InterruptedException {
        service.awaitOutboxEmpty();
        Thread.sleep(1000);
        service.awaitOutboxEmpty();
    }

    @Test
    void anIdleCartFiresCartAbandonedOnceAfterTheThreshold() throws Exception {
        start(env("PT2S"));
        Instant updated = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-1", "ada@example.com", updated))).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> events("cart_abandoned").size() == 1);
        afterMoreScans();

        List<LoggedRequest> requests = brevo.requests();
        assertThat(requests).hasSize(1);
        assertThat(BrevoStub.body(requests.get(0))).isEqualTo(abandoned("c-1", "ada@example.com", updated.plusSeconds(2), "421.88"));
        assertThat(requests.get(0).getLoggedDate().toInstant()).isAfterOrEqualTo(updated.plusSeconds(2));
    }

    @Test
    void anOrderBeforeTheThresholdMeansNoAbandonment() throws Exception {
        start(env("PT3S"));
        Instant updated = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-ordered", "ada@example.com", updated))).isEqualTo(200);
        assertThat(shopify.deliver("checkouts/create", checkout("c-left", "bob@example.com", updated))).isEqualTo(200);
        assertThat(shopify.deliver("orders/create", order(9001, "c-ordered", null, now()))).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> events("cart_abandoned").size() == 1);
        afterMoreScans();

        assertThat(events("cart_abandoned")).singleElement().satisfies(r ->
                assertThat(BrevoStub.body(r)).isEqualTo(abandoned("c-left", "bob@example.com", updated.plusSeconds(3), "421.88")));
        assertThat(events("cart_recovered")).isEmpty();
        // the order itself went to Brevo as usual
        assertThat(events("order_placed")).hasSize(1);
    }

    @Test
    void anOrderAfterTheAbandonmentFiresCartRecoveredAndEndsTheReminders() throws Exception {
        Map<String, String> env = env("PT1S");
        env.put("TAJO_SKILL_ABANDONED_CART_REMINDERS", "PT3S:12");
        start(env);
        Instant updated = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-2", "ada@example.com", updated))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("cart_abandoned").size() == 1);

        // the order names only the cart, as orders from a cart page do
        Instant ordered = now();
        assertThat(shopify.deliver("orders/create", order(9002, null, "cart-c-2", ordered))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> events("cart_recovered").size() == 1);
        // past the reminder's delay (abandoned at +1 s, reminder at +4 s) and then some scans
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), updated.plusSeconds(5)).toMillis()));
        afterMoreScans();

        assertThat(BrevoStub.body(events("cart_recovered").get(0))).isEqualTo(BrevoStub.json("""
                {"event_name":"cart_recovered","event_date":"%s","identifiers":{"email_id":"ada@example.com"},
                 "event_properties":{"cart_id":"c-2","order_id":"9002","value":"421.88","currency":"USD"}}""".formatted(ordered)));
        assertThat(events("cart_abandoned")).hasSize(1);
        assertThat(emails()).isEmpty();
    }

    @Test
    void aCartWorthLessThanTheMinimumIsLeftAlone() throws Exception {
        Map<String, String> env = env("PT1S");
        env.put("TAJO_SKILL_ABANDONED_CART_MIN_CART_VALUE", "500");
        start(env);
        Instant updated = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-small", "ada@example.com", updated))).isEqualTo(200);
        assertThat(shopify.deliver("checkouts/create", checkout("c-big", "bob@example.com", updated).put("total_price", "600.00")))
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> events("cart_abandoned").size() == 1);
        afterMoreScans();

        assertThat(brevo.requests()).singleElement().satisfies(r ->
                assertThat(BrevoStub.body(r)).isEqualTo(abandoned("c-big", "bob@example.com", updated.plusSeconds(1), "600.00")));
    }

    @Test
    void aRestartBeforeTheThresholdStillFiresExactlyOnce() throws Exception {
        Map<String, String> env = env("PT4S");
        start(env);
        Instant updated = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-3", "ada@example.com", updated))).isEqualTo(200);
        service.close();
        assertThat(brevo.requests()).isEmpty();

        start(env);
        await().atMost(Duration.ofSeconds(20)).until(() -> events("cart_abandoned").size() == 1);
        afterMoreScans();
        // and a restart after the abandonment does not send it again
        service.close();
        start(env);
        afterMoreScans();

        assertThat(brevo.requests()).singleElement().satisfies(r ->
                assertThat(BrevoStub.body(r)).isEqualTo(abandoned("c-3", "ada@example.com", updated.plusSeconds(4), "421.88")));
    }

    @Test
    void remindersGoOutAtTheirDelaysAndStopOnceTheEmailUnsubscribes() throws Exception {
        Map<String, String> env = env("PT1S");
        env.put("TAJO_SKILL_ABANDONED_CART_REMINDERS", "PT2S:12,PT8S:13");
        start(env);
        Instant updated = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-ada", "ada@example.com", updated))).isEqualTo(200);
        assertThat(shopify.deliver("checkouts/create", checkout("c-bob", "bob@example.com", updated))).isEqualTo(200);

        // abandoned at +1 s, first reminders at +3 s
        await().atMost(Duration.ofSeconds(15)).until(() -> emails().size() == 2);
        ObjectNode consent = fixture("customers-email-marketing-consent-update").put("email_address", "ada@example.com");
        ((ObjectNode) consent.get("email_marketing_consent")).put("state", "unsubscribed")
                .put("consent_updated_at", Instant.now().atOffset(ZoneOffset.UTC).toString());
        assertThat(shopify.deliver("customers_email_marketing_consent/update", consent)).isEqualTo(200);

        // second reminders at +9 s: only Bob's
        await().atMost(Duration.ofSeconds(20)).until(() -> emails().size() == 3);
        afterMoreScans();

        List<LoggedRequest> emails = emails();
        assertThat(emails).hasSize(3);
        assertThat(emails.subList(0, 2)).extracting(BrevoStub::body).containsExactlyInAnyOrder(
                reminder("c-ada", "ada@example.com", 12, 1), reminder("c-bob", "bob@example.com", 12, 1));
        assertThat(BrevoStub.body(emails.get(2))).isEqualTo(reminder("c-bob", "bob@example.com", 13, 2));
        assertThat(emails.subList(0, 2)).allSatisfy(r -> assertThat(r.getLoggedDate().toInstant()).isAfterOrEqualTo(updated.plusSeconds(3)));
        assertThat(emails.get(2).getLoggedDate().toInstant()).isAfterOrEqualTo(updated.plusSeconds(9));
        assertThat(events("cart_abandoned")).hasSize(2);
        // the unsubscribe itself reached Brevo as a blacklisting
        assertThat(brevo.requests("POST", "/v3/contacts")).singleElement().satisfies(r ->
                assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json("""
                        {"email":"ada@example.com","emailBlacklisted":true,"updateEnabled":true}""")));
        assertThat(brevo.requests()).hasSize(6);
    }

    @Test
    void theSkillStartsAndStopsAtRunTimeAsTajoSkillsSays() throws Exception {
        Map<String, String> env = env("PT1S");
        env.remove("TAJO_SKILL_ABANDONED_CART_ENABLED");   // off by default
        start(env);
        Instant updated = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-4", "ada@example.com", updated))).isEqualTo(200);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), updated.plusSeconds(2)).toMillis()));
        afterMoreScans();
        assertThat(brevo.requests()).isEmpty();

        Cli.Run enable = Cli.tajo(env, "skills", "enable", "abandoned-cart");
        assertThat(enable.exit()).as(enable.err()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> events("cart_abandoned").size() == 1);
        assertThat(BrevoStub.body(events("cart_abandoned").get(0))).isEqualTo(abandoned("c-4", "ada@example.com", updated.plusSeconds(1), "421.88"));

        Cli.Run disable = Cli.tajo(env, "skills", "disable", "abandoned-cart");
        assertThat(disable.exit()).as(disable.err()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                service.context().getRouteController().getRouteStatus("abandoned-cart-scan") == ServiceStatus.Stopped);
        Instant later = now();
        assertThat(shopify.deliver("checkouts/create", checkout("c-5", "bob@example.com", later))).isEqualTo(200);
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), later.plusSeconds(2)).toMillis()));
        afterMoreScans();

        assertThat(brevo.requests()).hasSize(1);
        assertThat(Cli.tajo(env, "skills", "list").out()).contains("abandoned-cart   disabled");
    }

    @Test
    void aMistypedReminderSettingStopsStartUpSayingWhatToWrite() {
        Map<String, String> env = env("PT1S");
        env.put("TAJO_SKILL_ABANDONED_CART_REMINDERS", "1h:12");
        assertThatThrownBy(() -> start(env)).hasStackTraceContaining(
                "tajo.skills.abandoned-cart.reminders: '1h:12' is not DELAY:TEMPLATE_ID (e.g. PT1H:12,P1D:13)");
    }
}
