package io.tajo.connectors.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

/** The contract check must be able to fail: a request Brevo's OpenAPI file forbids is reported. */
class BrevoStubTest {

    @Test
    void aRequestThatBreaksBrevosContractIsReported() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(brevo.baseUrl() + "/events"))
                    .header("api-key", BrevoStub.API_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"identifiers\":{\"email_id\":\"a@example.com\"}}")).build(),
                    HttpResponse.BodyHandlers.discarding());

            assertThatThrownBy(brevo::assertAllRequestsValid)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("POST /v3/events")
                    .hasMessageContaining("event_name");
        }
    }
}
