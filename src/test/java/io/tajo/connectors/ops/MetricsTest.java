package io.tajo.connectors.ops;

import static io.tajo.connectors.testing.ShopifyWebhookSender.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /observe/metrics after signed Shopify webhooks, a Brevo 429 and a contact Brevo refuses: the exact series. */
class MetricsTest {

    @TempDir
    Path dataDir;

    @Test
    void webhooksA429AndARefusedContactShowAsExactPrometheusSeries() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            // the first contact call is rate limited (reset in 1 s), a contact with this email is refused for good
            brevo.server().stubFor(WireMock.post("/v3/contacts").atPriority(1).inScenario("rate")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(BrevoStub.json(429, "{\"code\":\"too_many_requests\",\"message\":\"slow down\"}")
                            .withHeader("x-sib-ratelimit-remaining", "0").withHeader("x-sib-ratelimit-reset", "1"))
                    .willSetStateTo("ok"));
            brevo.server().stubFor(WireMock.post("/v3/contacts").atPriority(1)
                    .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo("bad@example.com")))
                    .willReturn(BrevoStub.json(400, "{\"code\":\"invalid_parameter\",\"message\":\"Invalid email\"}")));
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("SHOPIFY_API_SECRET", ShopifyWebhookSender.SECRET);
            env.put("SHOPIFY_SHOP_URL", ShopifyWebhookSender.SHOP);
            try (RunningService service = RunningService.start(env)) {
                ShopifyWebhookSender shopify = new ShopifyWebhookSender(service.url("/webhooks/shopify"));

                assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
                service.awaitOutboxEmpty();
                assertThat(shopify.deliver("customers/create", customer(2, "ada@example.com"))).isEqualTo(200);
                assertThat(shopify.deliver("customers/create", customer(3, "bad@example.com"))).isEqualTo(200);
                service.awaitOutboxEmpty();

                assertThat(brevo.requests()).extracting(LoggedRequest::getUrl, r -> BrevoStub.body(r).path("email").asText())
                        .containsExactlyInAnyOrder(
                                org.assertj.core.groups.Tuple.tuple("/v3/contacts", "bob@biller.com"),
                                org.assertj.core.groups.Tuple.tuple("/v3/contacts", "bob@biller.com"),
                                org.assertj.core.groups.Tuple.tuple("/v3/contacts", "ada@example.com"),
                                org.assertj.core.groups.Tuple.tuple("/v3/contacts", "bad@example.com"));
                brevo.assertAllRequestsValid();

                HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(service.url("/observe/metrics"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body().lines()).contains(
                        "tajo_commands_enqueued_total{connector=\"shopify\",op=\"upsertContact\"} 3.0",
                        "tajo_commands_delivered_total{connector=\"shopify\",op=\"upsertContact\"} 2.0",
                        "tajo_commands_dead_lettered_total{code=\"invalid_parameter\",connector=\"shopify\"} 1.0",
                        "tajo_brevo_rate_limited_total 1.0",
                        "tajo_brevo_requests_seconds_count{endpoint=\"POST /contacts\",status=\"201\"} 2",
                        "tajo_brevo_requests_seconds_count{endpoint=\"POST /contacts\",status=\"429\"} 1",
                        "tajo_brevo_requests_seconds_count{endpoint=\"POST /contacts\",status=\"400\"} 1",
                        "tajo_outbox_pending 0.0",
                        "tajo_dead_letters 1.0");
                // Camel's own route meters are there too, by route id
                assertThat(metrics.body()).contains("routeId=\"shopify-webhooks\"");
            }
        }
    }

    private static ObjectNode customer(long id, String email) {
        ObjectNode customer = fixture("customers-create");
        return customer.put("id", id).put("email", email);
    }
}
