package io.tajo.connectors.skills;

import static io.tajo.connectors.testing.ShopifyWebhookSender.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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

/** The customer-sync skill: customers reach Brevo only while it is enabled; its delete_behavior and list_id. */
class CustomerSyncSkillTest {

    @TempDir
    Path dataDir;
    @RegisterExtension
    final ServiceUnderTest tajo = new ServiceUnderTest();
    final BrevoStub brevo = tajo.brevo();
    RunningService service;
    ShopifyWebhookSender shopify;

    private Map<String, String> env() {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
        env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
        env.put("TAJO_SKILLS_POLL_INTERVAL_MS", "200");
        return env;
    }

    private void start(Map<String, String> env) throws Exception {
        service = tajo.start(env);
        shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
    }

    private List<LoggedRequest> brevoRequests() throws InterruptedException {
        service.awaitOutboxEmpty();
        return brevo.requests();
    }

    private void awaitRoute(String routeId, ServiceStatus status) {
        await().atMost(Duration.ofSeconds(5)).until(() -> service.context().getRouteController().getRouteStatus(routeId) == status);
    }

    @Test
    void whileDisabledCustomersAreAcknowledgedAndNotSentAndOrdersStillAre() throws Exception {
        Map<String, String> env = env();
        start(env);
        assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
        assertThat(brevoRequests()).extracting(LoggedRequest::getUrl).containsExactly("/v3/contacts");

        Cli.Run disable = Cli.tajo(env, "skills", "disable", "customer-sync");
        assertThat(disable.exit()).as(disable.err()).isZero();
        awaitRoute("customer-sync", ServiceStatus.Stopped);
        brevo.answerLikeBrevo();
        ObjectNode update = fixture("customers-update").put("updated_at", "2022-01-05T10:00:00-05:00").put("first_name", "Robert");
        assertThat(shopify.deliver("customers/update", update)).isEqualTo(200);
        assertThat(shopify.deliver("customers/delete", fixture("customers-delete"))).isEqualTo(200);
        assertThat(shopify.deliver("orders/create", fixture("orders-create"))).isEqualTo(200);

        // the order, its event and the buyer's order totals; nothing of the customer update or delete
        List<LoggedRequest> whileDisabled = brevoRequests();
        assertThat(whileDisabled).extracting(r -> r.getMethod().value() + " " + r.getUrl())
                .containsExactlyInAnyOrder("POST /v3/orders/status", "POST /v3/events", "POST /v3/contacts");
        assertThat(whileDisabled).filteredOn(r -> r.getUrl().equals("/v3/contacts")).singleElement().satisfies(r ->
                assertThat(BrevoStub.body(r).path("attributes").fieldNames()).toIterable()
                        .contains("ORDER_COUNT", "TOTAL_SPENT").doesNotContain("FIRSTNAME", "LASTNAME"));

        Cli.Run enable = Cli.tajo(env, "skills", "enable", "customer-sync");
        assertThat(enable.exit()).as(enable.err()).isZero();
        awaitRoute("customer-sync", ServiceStatus.Started);
        brevo.answerLikeBrevo();
        ObjectNode later = fixture("customers-update").put("updated_at", "2022-01-06T10:00:00-05:00").put("first_name", "Roberta");
        assertThat(shopify.deliver("customers/update", later)).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json(
                "{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Roberta\",\"LASTNAME\":\"Biller\",\"SHOPIFY_CUSTOMER_ID\":\"706405506930370084\"},\"updateEnabled\":true}")));
    }

    @Test
    void theSkillsDeleteBehaviorAndListIdApplyWhereTheMappingFileSetsNone() throws Exception {
        Map<String, String> env = env();
        env.put("TAJO_SKILL_CUSTOMER_SYNC_DELETE_BEHAVIOR", "hard");
        env.put("TAJO_SKILL_CUSTOMER_SYNC_LIST_ID", "9");
        start(env);   // the shipped mappings/shopify.yaml, which sets neither
        assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json(
                "{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Bob\",\"LASTNAME\":\"Biller\",\"SHOPIFY_CUSTOMER_ID\":\"706405506930370084\"},\"listIds\":[9],"
                        + "\"updateEnabled\":true}")));
        brevo.answerLikeBrevo();

        assertThat(shopify.deliver("customers/delete", fixture("customers-delete"))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod().value()).isEqualTo("DELETE");
            assertThat(r.getUrl()).isEqualTo("/v3/contacts/bob%40biller.com?identifierType=email_id");
        });
    }

    @Test
    void aMappingFilesOwnSettingsWinOverTheSkills() throws Exception {
        Map<String, String> env = env();
        env.put("TAJO_SKILL_CUSTOMER_SYNC_DELETE_BEHAVIOR", "hard");
        env.put("TAJO_SKILL_CUSTOMER_SYNC_LIST_ID", "9");
        Path mappings = Files.createDirectories(dataDir.resolve("mappings"));
        Files.writeString(mappings.resolve("shopify.yaml"), """
                customers:
                  list_id: 12
                  delete_behavior: soft
                  field_mapping:
                    email: email
                    first_name: FIRSTNAME
                """);
        env.put("TAJO_MAPPINGS_DIR", mappings.toString());
        start(env);
        assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> assertThat(BrevoStub.body(r).get("listIds"))
                .isEqualTo(BrevoStub.json("[12]")));
        brevo.answerLikeBrevo();

        assertThat(shopify.deliver("customers/delete", fixture("customers-delete"))).isEqualTo(200);
        assertThat(brevoRequests()).singleElement().satisfies(r -> {
            assertThat(r.getMethod().value()).isEqualTo("PUT");
            assertThat(r.getUrl()).isEqualTo("/v3/contacts/bob%40biller.com?identifierType=email_id");
            assertThat(BrevoStub.body(r)).isEqualTo(BrevoStub.json("{\"unlinkListIds\":[12]}"));
        });
    }

    @Test
    void aDeleteBehaviorOtherThanSoftOrHardStopsStartUpSayingSo() {
        Map<String, String> env = env();
        env.put("TAJO_SKILL_CUSTOMER_SYNC_DELETE_BEHAVIOR", "unsubscribe");
        assertThatThrownBy(() -> start(env)).hasStackTraceContaining(
                "tajo.skills.customer-sync.delete-behavior is 'unsubscribe': set soft or hard (TAJO_SKILL_CUSTOMER_SYNC_DELETE_BEHAVIOR)");
    }
}
