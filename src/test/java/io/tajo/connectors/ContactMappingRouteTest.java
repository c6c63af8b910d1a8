package io.tajo.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records through mappings/shopify.yaml to Brevo; the one that cannot be mapped is dead-lettered, the rest go on. */
class ContactMappingRouteTest {

    @TempDir
    Path dataDir;

    @Test
    void mappedRecordsReachBrevoAndUnmappableOnesAreDeadLetteredWithTheReason() throws Exception {
        String records = "["
                + "{\"id\":1,\"email\":\" Bob@Biller.com \",\"first_name\":\"Bob\",\"last_name\":\"Biller\","
                + "\"phone\":\"+1 613-555-0134\",\"total_spent\":\"12.50\",\"orders_count\":3,\"updated_at\":\"2026-01-02T10:00:00-05:00\"},"
                + "{\"id\":2,\"email\":\"eve@example.com\",\"phone\":\"call me maybe\",\"updated_at\":\"2026-01-02T10:00:00-05:00\"},"
                + "{\"id\":3,\"first_name\":\"NoEmail\",\"updated_at\":\"2026-01-02T10:00:00-05:00\"}"
                + "]";
        try (BrevoStub brevo = new BrevoStub();
             RunningService service = RunningService.start(RunningService.environment(dataDir, brevo))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(service.url("/test/records/shopify/customers")))
                            .POST(HttpRequest.BodyPublishers.ofString(records)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests().size() == 1);
            assertThat(BrevoStub.body(brevo.requests().get(0))).isEqualTo(BrevoStub.json(
                    "{\"email\":\"bob@biller.com\",\"attributes\":{\"FIRSTNAME\":\"Bob\",\"LASTNAME\":\"Biller\","
                            + "\"SMS\":\"+16135550134\",\"TOTAL_SPENT\":12.5,\"ORDER_COUNT\":3,\"SHOPIFY_CUSTOMER_ID\":\"1\"},\"updateEnabled\":true}"));

            List<DeadLetters.DeadLetter> letters = new DeadLetters(service.store()).list(DeadLetters.Filter.all());
            assertThat(letters).extracting(DeadLetters.DeadLetter::sourceId).containsExactly("customers/2", "customers/3");
            assertThat(letters).allSatisfy(letter -> {
                assertThat(letter.kind()).isEqualTo("record");
                assertThat(letter.source()).isEqualTo("shopify");
                assertThat(letter.errorCode()).isEqualTo("mapping_failed");
            });
            assertThat(letters.get(0).errorMessage()).contains("phone").contains("SMS").doesNotContain("call me maybe");
            assertThat(letters.get(1).errorMessage()).contains("no email");
            brevo.assertAllRequestsValid();
        }
    }
}
