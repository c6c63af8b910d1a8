package io.tajo.connectors.ops;

import static io.tajo.connectors.testing.ShopifyWebhookSender.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Chromium;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /status opened in headless Chromium after webhooks: one contact delivered, one refused, one waiting. */
class StatusPageTest {

    @TempDir
    Path dataDir;

    @Test
    void thePageShowsTheConnectorsOutboxDepthDeadLettersAndCircuit() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            brevo.server().stubFor(WireMock.post("/v3/contacts").atPriority(1)
                    .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo("bad@example.com")))
                    .willReturn(BrevoStub.json(400, "{\"code\":\"invalid_parameter\",\"message\":\"Invalid email\"}")));
            brevo.server().stubFor(WireMock.post("/v3/contacts").atPriority(1)
                    .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo("later@example.com")))
                    .willReturn(WireMock.aResponse().withStatus(503)));
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
            env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
            // the contact Brevo answers 503 for waits an hour before its next attempt: it stays in the outbox
            env.put("BREVO_RETRY_INITIAL_DELAY", "PT1H");
            env.put("BREVO_RETRY_MAX_DELAY", "PT1H");
            try (RunningService service = RunningService.start(env)) {
                ShopifyWebhookSender shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));
                assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
                assertThat(shopify.deliver("customers/create", customer(2, "bad@example.com"))).isEqualTo(200);
                assertThat(shopify.deliver("customers/create", customer(3, "later@example.com"))).isEqualTo(200);
                DeadLetters deadLetters = new DeadLetters(service.store());
                await().atMost(Duration.ofSeconds(15)).until(() -> brevo.requests().size() == 3 && deadLetters.count() == 1);
                assertThat(brevo.requests()).extracting(r -> BrevoStub.body(r).path("email").asText())
                        .containsExactlyInAnyOrder("bob@biller.com", "bad@example.com", "later@example.com");
                brevo.assertAllRequestsValid();
                assertThat(service.outbox().pending()).isEqualTo(1);

                String dom = Chromium.dumpDom(service.url("/status"));

                assertThat(dom).contains("<title>tajo status</title>")
                        .contains("<th scope=\"row\">shopify</th>", "<th scope=\"row\">stripe</th>",
                                "<th scope=\"row\">woocommerce</th>")
                        .contains("data-path=\"brevo.circuit\">CLOSED<", "data-path=\"outbox.pending\">1<",
                                "data-path=\"deadLetters\">1<")
                        .contains("data-path=\"connectors.1.outbox.pending\">1<", "data-path=\"connectors.1.deadLetters\">1<")
                        .contains("data-path=\"connectors.2.outbox.pending\">0<", "data-path=\"connectors.2.deadLetters\">0<")
                        .contains("✓ /webhooks/shopify", "✗ no signing secret set", "✗ not connected")
                        .contains("customers: <span class=\"muted\">never synced</span>",
                                "checkouts: <span class=\"muted\">webhooks only</span>")
                        .doesNotContain(ShopifyWebhookSender.SECRET);
                Chromium.screenshot(service.url("/status"), Path.of("target", "status-page.png"));

                HttpResponse<String> json = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(service.url("/status.json"))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(json.statusCode()).isEqualTo(200);
                assertThat(json.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
                JsonNode status = BrevoStub.json(json.body());
                assertThat(status.at("/brevo/circuit").asText()).isEqualTo("CLOSED");
                assertThat(status.at("/outbox/pending").asLong()).isEqualTo(1);
                assertThat(status.at("/connectors/1/name").asText()).isEqualTo("shopify");
                assertThat(status.at("/connectors/1/deadLetters").asLong()).isEqualTo(1);
            }
        }
    }

    private static ObjectNode customer(long id, String email) {
        return fixture("customers-create").put("id", id).put("email", email);
    }
}
