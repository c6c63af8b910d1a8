package io.tajo.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.tajo.connectors.testing.Cli.Run;
import io.tajo.connectors.testing.JarProcess;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar: connect, register webhooks, and the service answers the OAuth install, as a user runs them. */
class ShopifyConnectIT {

    static final String TOKEN = "shpat_packaged_jar_token_0000000000001";

    @TempDir
    Path dataDir;

    @Test
    void connectRegisterAndInstallWorkFromThePackagedJar() throws Exception {
        try (ShopifyStub shopify = new ShopifyStub()) {
            shopify.acceptToken(TOKEN, "Tajo Test Shop");
            Map<String, String> env = RunningService.environment(dataDir, null);
            env.put("SHOPIFY_BASE_URL", shopify.baseUrl());
            env.put("TAJO_MASTER_KEY", "packaged jar master key");
            env.put("TAJO_PUBLIC_URL", "https://hooks.example.com");
            env.put("SHOPIFY_API_KEY", "client-id");
            env.put("SHOPIFY_API_SECRET", "shpss_jar_secret");

            Run connect = JarProcess.run(env, "connectors", "connect", "shopify", "--shop-url", "tajo-test.myshopify.com", "--api-key", TOKEN);
            assertThat(connect.exit()).as(connect.err()).isZero();
            assertThat(connect.out()).contains("Connected to Shopify shop \"Tajo Test Shop\" (tajo-test.myshopify.com).");

            Run register = JarProcess.run(env, "connectors", "webhooks", "register", "shopify");
            assertThat(register.exit()).as(register.err()).isZero();
            assertThat(register.out()).contains("15 subscriptions: 15 created");
            assertThat(connect.out() + connect.err() + register.out() + register.err()).doesNotContain(TOKEN);

            Path log = dataDir.resolve("tajo.log");
            try (JarProcess tajo = JarProcess.start(env, log)) {
                tajo.awaitHealthy(Duration.ofSeconds(60));
                HttpResponse<String> install = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(tajo.url("/oauth/shopify/install?shop=tajo-test.myshopify.com"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(install.statusCode()).isEqualTo(302);
                assertThat(install.headers().firstValue("Location").orElseThrow()).startsWith(shopify.baseUrl() + "/admin/oauth/authorize?client_id=client-id&");
                assertThat(tajo.log()).doesNotContain(TOKEN).doesNotContain("shpss_jar_secret");
            }
        }
    }
}
