package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health endpoint is UP only while the routes and the state store are. */
class HealthTest {

    @TempDir
    Path dataDir;

    @Test
    void healthIsUpWithTheStoreAndDownWithoutIt() throws Exception {
        try (RunningService service = RunningService.start(RunningService.environment(dataDir, null))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create(service.url("/observe/health"))).build();

            HttpResponse<String> up = http.send(health, HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).contains("\"status\":\"UP\"");

            service.store().close();
            await().untilAsserted(() -> {
                HttpResponse<String> down = http.send(health, HttpResponse.BodyHandlers.ofString());
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("\"status\":\"DOWN\"");
            });
        }
    }
}
