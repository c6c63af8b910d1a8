package io.tajo.connectors.consent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** consent-sync to HubSpot: a Brevo unsubscribe posted to /webhooks/brevo reaches HubSpot's preferences API. */
class HubSpotConsentTest {

    private static final String TOKEN = "brevo-webhook-token-2";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dataDir;

    @Test
    void withoutASubscriptionIdTheContactIsUnsubscribedFromAllEmailOnce() throws Exception {
        List<LoggedRequest> calls = run(Map.of(), "ann@example.com");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.getUrl()).isEqualTo("/communication-preferences/v4/statuses/ann%40example.com/unsubscribe-all?channel=EMAIL");
            assertThat(call.getHeader("Authorization")).isEqualTo("Bearer " + HubSpotStub.ACCESS_TOKEN);
        });
    }

    @Test
    void aConfiguredSubscriptionTypeIsSetUnsubscribedWithItsLegalBasis() throws Exception {
        List<LoggedRequest> calls = run(Map.of("HUBSPOT_CONSENT_SUBSCRIPTION_ID", "4242",
                "HUBSPOT_CONSENT_LEGAL_BASIS", "LEGITIMATE_INTEREST_CLIENT"), "ann@example.com");
        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.getUrl()).isEqualTo("/communication-preferences/v4/statuses/ann%40example.com");
            assertThat(BrevoStub.json(call.getBodyAsString())).isEqualTo(BrevoStub.json("{\"channel\":\"EMAIL\","
                    + "\"statusState\":\"UNSUBSCRIBED\",\"subscriptionId\":4242,\"legalBasis\":\"LEGITIMATE_INTEREST_CLIENT\","
                    + "\"legalBasisExplanation\":\"Unsubscribed in Brevo\"}"));
        });
    }

    /** Starts the service connected to HubSpot only, posts two unsubscribes of the email, returns HubSpot's calls. */
    private List<LoggedRequest> run(Map<String, String> settings, String email) throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            hubspot.server().stubFor(post(urlPathMatching("/communication-preferences/v4/statuses/.*"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"status\":\"COMPLETE\",\"results\":[]}")));
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            env.put("TAJO_BREVO_WEBHOOK_TOKEN", TOKEN);
            env.put("TAJO_CONSENT_PUSH_INTERVAL_MS", "100");
            env.putAll(settings);
            try (RunningService service = RunningService.start(env)) {
                assertThat(unsubscribe(service, email, 1)).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> !preferenceCalls(hubspot).isEmpty());
                // Brevo's second word on the same email (another campaign): HubSpot has it already
                assertThat(unsubscribe(service, email, 2)).isEqualTo(200);
                Thread.sleep(600);
            }
            assertThat(brevo.requests()).isEmpty();
            return preferenceCalls(hubspot);
        }
    }

    private static List<LoggedRequest> preferenceCalls(HubSpotStub hubspot) {
        return hubspot.server().getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getUrl().startsWith("/communication-preferences/")).toList();
    }

    private static int unsubscribe(RunningService service, String email, int campaign) throws Exception {
        String body = "{\"id\":99,\"camp_id\":" + campaign + ",\"email\":\"" + email + "\",\"event\":\"unsubscribe\","
                + "\"ts_event\":" + (1_790_000_000L + campaign) + "}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(service.url("/webhooks/brevo"))).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
