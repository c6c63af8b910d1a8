package io.tajo.connectors.consent;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tajo connectors webhooks register brevo} against the Brevo stub, as a user types it. */
class BrevoWebhookRegistrationTest {

    private static final String CALLBACK = "https://hooks.example.com/webhooks/brevo";

    @TempDir
    Path dataDir;

    @Test
    void createsTheMarketingWebhookWithTheBearerTokenOnceAndLeavesItAloneAfter() {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = environment(brevo);
            brevo.server().stubFor(get(urlPathEqualTo("/v3/webhooks")).willReturn(BrevoStub.json(200, "{\"webhooks\":[]}")));
            brevo.server().stubFor(post(urlPathEqualTo("/v3/webhooks")).willReturn(BrevoStub.json(201, "{\"id\":77}")));

            Cli.Run first = Cli.tajo(env, "connectors", "webhooks", "register", "brevo");
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.out()).isEqualTo("Brevo webhook 77 created: unsubscribed, hardBounce, spam, contactDeleted to " + CALLBACK + ".\n");
            assertThat(brevo.requests()).extracting(r -> r.getMethod().getName() + " " + r.getUrl())
                    .containsExactly("GET /v3/webhooks?type=marketing", "POST /v3/webhooks");
            assertThat(BrevoStub.body(brevo.requests("POST", "/v3/webhooks").get(0))).isEqualTo(BrevoStub.json(
                    "{\"url\":\"" + CALLBACK + "\",\"description\":\"tajo-connectors consent-sync\",\"type\":\"marketing\","
                            + "\"events\":[\"unsubscribed\",\"hardBounce\",\"spam\",\"contactDeleted\"],"
                            + "\"auth\":{\"type\":\"bearer\",\"token\":\"brevo-hook-token\"}}"));
            assertThat(brevo.requests().get(0).getHeader("api-key")).isEqualTo(BrevoStub.API_KEY);

            brevo.server().stubFor(get(urlPathEqualTo("/v3/webhooks")).willReturn(BrevoStub.json(200,
                    "{\"webhooks\":[{\"id\":77,\"url\":\"" + CALLBACK + "\",\"type\":\"marketing\","
                            + "\"events\":[\"unsubscribed\",\"hardBounce\",\"spam\",\"contactDeleted\"]}]}")));
            Cli.Run second = Cli.tajo(env, "connectors", "webhooks", "register", "brevo");
            assertThat(second.exit()).isZero();
            assertThat(second.out()).isEqualTo("Brevo webhook 77 already sends unsubscribed, hardBounce, spam, contactDeleted to " + CALLBACK + ".\n");
            assertThat(brevo.requests("POST", "/v3/webhooks")).hasSize(1);
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void withoutATokenOrWithALocalUrlItSaysWhatToSetOnOneLine() {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = environment(brevo);
            env.remove("TAJO_BREVO_WEBHOOK_TOKEN");
            Cli.Run noToken = Cli.tajo(env, "connectors", "webhooks", "register", "brevo");
            assertThat(noToken.exit()).isEqualTo(2);
            assertThat(noToken.err()).startsWith("tajo: TAJO_BREVO_WEBHOOK_TOKEN is not set").hasLineCount(1);

            env = environment(brevo);
            env.put("TAJO_PUBLIC_URL", "http://localhost:8080");
            Cli.Run local = Cli.tajo(env, "connectors", "webhooks", "register", "brevo");
            assertThat(local.exit()).isEqualTo(1);
            assertThat(local.err()).startsWith("tajo: Brevo cannot reach http://localhost:8080/webhooks/brevo").hasLineCount(1);

            brevo.server().stubFor(get(urlPathEqualTo("/v3/webhooks")).willReturn(BrevoStub.json(401,
                    "{\"code\":\"unauthorized\",\"message\":\"Key not found\"}")));
            Cli.Run refused = Cli.tajo(environment(brevo), "connectors", "webhooks", "register", "brevo");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).isEqualTo("tajo: Brevo refused BREVO_API_KEY (401): set a valid API key\n");
            assertThat(refused.out() + refused.err()).doesNotContain(BrevoStub.API_KEY).doesNotContain("brevo-hook-token");
        }
    }

    private Map<String, String> environment(BrevoStub brevo) {
        Map<String, String> env = RunningService.environment(dataDir, brevo);
        env.put("TAJO_PUBLIC_URL", "https://hooks.example.com");
        env.put("TAJO_BREVO_WEBHOOK_TOKEN", "brevo-hook-token");
        return env;
    }
}
