package io.tajo.connectors;

import static io.tajo.connectors.testing.ShopifyWebhookSender.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyWebhookSender;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route and mapping files in another Camel runtime: a plain CamelContext (no Camel Main, no tajo Java on
 * the start-up path) loads routes/ with its own properties and its own HTTP server, and a signed Shopify
 * webhook goes through to the Brevo stub.
 */
class EmbeddingTest {

    @TempDir
    Path dataDir;

    @Test
    void aPlainCamelContextRunsTheRouteFiles() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            int port = RunningService.freePort();
            Properties properties = new Properties();
            try (var in = Files.newInputStream(Path.of("application.properties"))) {
                properties.load(in);
            }
            // the host runtime's own settings, as a Spring Boot application.yml or Quarkus config would give them
            Map<String, String> host = Map.of(
                    "tajo.data-dir", dataDir.toString(),
                    "tajo.brevo.api-key", BrevoStub.API_KEY,
                    "tajo.brevo.base-url", brevo.baseUrl(),
                    "tajo.brevo.dispatch.poll-interval", "50",
                    "tajo.shopify.api-secret", ShopifyWebhookSender.SECRET);
            properties.putAll(host);

            try (CamelContext camel = new DefaultCamelContext()) {
                camel.getPropertiesComponent().setInitialProperties(properties);
                VertxPlatformHttpServerConfiguration http = new VertxPlatformHttpServerConfiguration();
                http.setBindHost("127.0.0.1");
                http.setBindPort(port);
                http.setMaxBodySize(1024L * 1024);
                camel.addService(new VertxPlatformHttpServer(http));
                // beans first, as camel.main.routes-include-pattern lists them
                List<Resource> routes = new ArrayList<>();
                routes.add(ResourceHelper.resolveMandatoryResource(camel, "file:routes/beans.camel.yaml"));
                try (var files = Files.list(Path.of("routes"))) {
                    files.filter(f -> f.toString().endsWith(".camel.yaml") && !f.endsWith("beans.camel.yaml")).sorted()
                            .forEach(f -> routes.add(ResourceHelper.resolveResource(camel, "file:" + f)));
                }
                PluginHelper.getRoutesLoader(camel).loadRoutes(routes);
                camel.start();

                ShopifyWebhookSender shopify = new ShopifyWebhookSender("http://127.0.0.1:" + port + "/webhooks/shopify");
                assertThat(shopify.deliver("customers/create", fixture("customers-create"))).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).until(() -> brevo.requests().size() == 1);
                assertThat(BrevoStub.body(brevo.requests().get(0))).isEqualTo(BrevoStub.json(
                        "{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Bob\",\"LASTNAME\":\"Biller\",\"SHOPIFY_CUSTOMER_ID\":\"706405506930370084\"},\"updateEnabled\":true}"));
            }
            brevo.assertAllRequestsValid();
        }
    }
}
