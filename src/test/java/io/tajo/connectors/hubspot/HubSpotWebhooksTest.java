package io.tajo.connectors.hubspot;

import static io.tajo.connectors.testing.HubSpotStub.contact;
import static io.tajo.connectors.testing.HubSpotStub.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /webhooks/hubspot through the running service: HubSpot's v3 signature (public URL, rotation, age, percent
 * escapes), a delivery of up to 100 events read in one batch call, repeats dropped, deletions and merges.
 */
class HubSpotWebhooksTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String PATH = "/webhooks/hubspot";

    @TempDir
    Path dataDir;

    private BrevoStub brevo;
    private HubSpotStub hubspot;
    private RunningService service;

    @BeforeEach
    void start() throws Exception {
        brevo = new BrevoStub();
        hubspot = new HubSpotStub();
        Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
        env.put("HUBSPOT_CLIENT_SECRET_PREVIOUS", "hubspot-client-secret-0");
        service = RunningService.start(env);
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        hubspot.close();
        brevo.close();
    }

    private int deliver(String pathAndQuery, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.url(pathAndQuery)))
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Signed as HubSpot signs it: under the client secret, for the public URL, now. */
    private int deliver(List<? extends JsonNode> events) throws Exception {
        byte[] body = HubSpotStub.body(events);
        return deliver(PATH, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, HubSpotStub.CLIENT_SECRET,
                System.currentTimeMillis()));
    }

    private List<String> brevoRequests() throws InterruptedException {
        service.awaitOutboxEmpty();
        brevo.assertAllRequestsValid();
        return brevo.requests().stream().map(r -> r.getMethod() + " " + r.getUrl()
                + (r.getBodyAsString().isEmpty() ? "" : " " + BrevoStub.body(r))).toList();
    }

    private static final String ADA = "{\"email\":\"ada@example.com\",\"attributes\":{\"FIRSTNAME\":\"Ada\","
            + "\"LASTNAME\":\"Lovelace\",\"SMS\":\"+16135550134\",\"HUBSPOT_CONTACT_ID\":\"101\"},\"updateEnabled\":true}";

    private void hubspotHasAda() {
        hubspot.answerBatchRead(List.of(contact(101, "ada@example.com", "Ada", "Lovelace", "613-555-0134",
                "2026-01-02T10:00:00.000Z")));
    }

    @Test
    void aSignedContactCreationIsReadInOneBatchCallAndUpsertedInBrevo() throws Exception {
        hubspotHasAda();
        assertThat(deliver(List.of(event(1, "contact.creation", 101, System.currentTimeMillis())))).isEqualTo(200);

        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(ADA));
        assertThat(hubspot.requests(HubSpotStub.BATCH_READ)).singleElement().satisfies(read ->
                assertThat(read.getHeader("Authorization")).isEqualTo("Bearer " + HubSpotStub.ACCESS_TOKEN));
        assertThat(hubspot.bodies(HubSpotStub.BATCH_READ).get(0)).isEqualTo(BrevoStub.json(
                "{\"properties\":[\"email\",\"firstname\",\"lastmodifieddate\",\"lastname\",\"phone\"],\"inputs\":[{\"id\":\"101\"}]}"));
    }

    @Test
    void aPropertyHubSpotHasEmptyIsNotSentSoItDoesNotBlankTheAttribute() throws Exception {
        hubspot.answerBatchRead(List.of(contact(102, "bea@example.com", "Bea", null, null, "2026-01-02T10:00:00Z")));
        assertThat(deliver(List.of(event(1, "contact.propertyChange", 102, System.currentTimeMillis())))).isEqualTo(200);
        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(
                "{\"email\":\"bea@example.com\",\"attributes\":{\"FIRSTNAME\":\"Bea\",\"HUBSPOT_CONTACT_ID\":\"102\"},\"updateEnabled\":true}"));
    }

    @Test
    void hubSpotsDocumentedBatchIsReadInOneCall() throws Exception {
        // HubSpot's example says eventType where deliveries say subscriptionType; both are read
        byte[] body = BrevoStub.json(Files.readString(Path.of("src/test/resources/fixtures/hubspot/webhook-batch-docs-example.json")))
                .toString().getBytes(StandardCharsets.UTF_8);
        hubspot.answerBatchRead(List.of(contact(1246965, "ada@example.com", "Ada", "Lovelace", "613-555-0134", "2026-01-02T10:00:00Z"),
                contact(1246978, "bea@example.com", "Bea", null, null, "2026-01-02T10:00:00Z")));

        assertThat(deliver(PATH, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, HubSpotStub.CLIENT_SECRET,
                System.currentTimeMillis()))).isEqualTo(200);

        assertThat(hubspot.bodies(HubSpotStub.BATCH_READ)).singleElement().satisfies(read -> assertThat(read.get("inputs"))
                .isEqualTo(BrevoStub.json("[{\"id\":\"1246965\"},{\"id\":\"1246978\"}]")));
        assertThat(brevoRequests()).containsExactlyInAnyOrder(
                "POST /v3/contacts " + BrevoStub.json(ADA.replace("\"101\"", "\"1246965\"")),
                "POST /v3/contacts " + BrevoStub.json("{\"email\":\"bea@example.com\",\"attributes\":{\"FIRSTNAME\":\"Bea\","
                        + "\"HUBSPOT_CONTACT_ID\":\"1246978\"},\"updateEnabled\":true}"));
    }

    @Test
    void aTamperedBodyIs401AndReadsNothing() throws Exception {
        hubspotHasAda();
        byte[] body = HubSpotStub.body(List.of(event(1, "contact.creation", 101, System.currentTimeMillis())));
        Map<String, String> headers = HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, HubSpotStub.CLIENT_SECRET,
                System.currentTimeMillis());
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("101", "102").getBytes(StandardCharsets.UTF_8);

        assertThat(deliver(PATH, tampered, headers)).isEqualTo(401);
        assertThat(hubspot.requests(HubSpotStub.BATCH_READ)).isEmpty();
        assertThat(brevoRequests()).isEmpty();
    }

    @Test
    void aTimestampOlderThanFiveMinutesIs401EvenWhenSigned() throws Exception {
        hubspotHasAda();
        byte[] body = HubSpotStub.body(List.of(event(1, "contact.creation", 101, System.currentTimeMillis())));
        long sixMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(6).toMillis();
        assertThat(deliver(PATH, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, HubSpotStub.CLIENT_SECRET,
                sixMinutesAgo))).isEqualTo(401);
        long fourMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(4).toMillis();
        assertThat(deliver(PATH, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, HubSpotStub.CLIENT_SECRET,
                fourMinutesAgo))).isEqualTo(200);
        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(ADA));
    }

    @Test
    void thePreviousSecretIsAcceptedDuringARotationAndAnyOtherIsNot() throws Exception {
        hubspotHasAda();
        byte[] body = HubSpotStub.body(List.of(event(1, "contact.creation", 101, System.currentTimeMillis())));
        long now = System.currentTimeMillis();
        assertThat(deliver(PATH, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, "some-other-secret", now)))
                .isEqualTo(401);
        assertThat(deliver(PATH, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, "hubspot-client-secret-0", now)))
                .isEqualTo(200);
        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(ADA));
    }

    @Test
    void behindAProxyTheSignatureIsOverThePublicUrlNotTheLocalOne() throws Exception {
        hubspotHasAda();
        byte[] body = HubSpotStub.body(List.of(event(1, "contact.creation", 101, System.currentTimeMillis())));
        long now = System.currentTimeMillis();
        assertThat(deliver(PATH, body, HubSpotStub.headers(service.url(PATH), body, HubSpotStub.CLIENT_SECRET, now)))
                .as("signed for the local URL").isEqualTo(401);
        assertThat(deliver(PATH, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + PATH, body, HubSpotStub.CLIENT_SECRET, now)))
                .as("signed for the public URL").isEqualTo(200);
        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(ADA));
    }

    @Test
    void theEscapesHubSpotDecodesAreDecodedBeforeCheckingAndOthersAreKept() throws Exception {
        hubspotHasAda();
        byte[] body = HubSpotStub.body(List.of(event(1, "contact.creation", 101, System.currentTimeMillis())));
        String sent = PATH + "?app=hub%3Aspot%2C%40eu&note=a%20b";
        String signedAs = HubSpotStub.PUBLIC_URL + PATH + "?app=hub:spot,@eu&note=a%20b";  // as HubSpot signs it
        long now = System.currentTimeMillis();
        assertThat(deliver(sent, body, HubSpotStub.headers(HubSpotStub.PUBLIC_URL + sent, body, HubSpotStub.CLIENT_SECRET, now)))
                .as("signed over the still-encoded URI").isEqualTo(401);
        assertThat(deliver(sent, body, HubSpotStub.headers(signedAs, body, HubSpotStub.CLIENT_SECRET, now))).isEqualTo(200);
        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(ADA));
    }

    @Test
    void aDeliveryOfOneHundredEventsIsOneBatchReadAndOneHundredUpserts() throws Exception {
        List<ObjectNode> contacts = new ArrayList<>();
        List<ObjectNode> events = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 1; i <= 100; i++) {
            contacts.add(contact(1000 + i, "c" + i + "@example.com", "C" + i, "L" + i, null, "2026-01-02T10:00:00Z"));
            events.add(event(5000 + i, i % 2 == 0 ? "contact.creation" : "contact.propertyChange", 1000 + i, now));
        }
        hubspot.answerBatchRead(contacts);

        assertThat(deliver(events)).isEqualTo(200);

        assertThat(hubspot.requests(HubSpotStub.BATCH_READ)).hasSize(1);
        JsonNode inputs = hubspot.bodies(HubSpotStub.BATCH_READ).get(0).get("inputs");
        assertThat(inputs).hasSize(100);
        assertThat(inputs.get(0).get("id").asText()).isEqualTo("1001");
        List<String> sent = brevoRequests();
        assertThat(sent).hasSize(100);
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            expected.add("POST /v3/contacts " + BrevoStub.json("{\"email\":\"c" + i + "@example.com\",\"attributes\":{\"FIRSTNAME\":\"C"
                    + i + "\",\"LASTNAME\":\"L" + i + "\",\"HUBSPOT_CONTACT_ID\":\"" + (1000 + i) + "\"},\"updateEnabled\":true}"));
        }
        assertThat(sent).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void moreThanOneHundredEventsIs400AndNothingIsRead() throws Exception {
        hubspotHasAda();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 1; i <= 101; i++) {
            events.add(event(i, "contact.creation", 101, System.currentTimeMillis()));
        }
        assertThat(deliver(events)).isEqualTo(400);
        assertThat(hubspot.requests(HubSpotStub.BATCH_READ)).isEmpty();
        assertThat(brevoRequests()).isEmpty();
    }

    @Test
    void anEventRepeatedWithinADeliveryOrInALaterOneIsTakenOnce() throws Exception {
        long now = System.currentTimeMillis();
        hubspot.answerBatchRead(List.of(contact(101, "ada@example.com", "Ada", "Lovelace", "613-555-0134", "2026-01-02T10:00:00.000Z"),
                contact(102, "bea@example.com", "Bea", null, null, "2026-01-02T10:00:00Z")));
        ObjectNode ada = event(1, "contact.creation", 101, now);
        assertThat(deliver(List.of(ada, ada.deepCopy(), event(2, "contact.creation", 102, now)))).isEqualTo(200);
        assertThat(hubspot.bodies(HubSpotStub.BATCH_READ).get(0).get("inputs")).isEqualTo(BrevoStub.json("[{\"id\":\"101\"},{\"id\":\"102\"}]"));

        // HubSpot retries the first two events (one already taken) with a new one
        hubspot.answerBatchRead(List.of(contact(103, "cy@example.com", "Cy", null, null, "2026-01-02T10:00:00Z")));
        assertThat(deliver(List.of(ada, event(3, "contact.creation", 103, now)))).isEqualTo(200);
        assertThat(hubspot.bodies(HubSpotStub.BATCH_READ)).hasSize(2);
        assertThat(hubspot.bodies(HubSpotStub.BATCH_READ).get(1).get("inputs")).isEqualTo(BrevoStub.json("[{\"id\":\"103\"}]"));

        // and the whole first delivery again: nothing to read, nothing sent
        assertThat(deliver(List.of(ada, event(2, "contact.creation", 102, now)))).isEqualTo(200);
        assertThat(hubspot.requests(HubSpotStub.BATCH_READ)).hasSize(2);

        assertThat(brevoRequests()).containsExactlyInAnyOrder("POST /v3/contacts " + BrevoStub.json(ADA),
                "POST /v3/contacts " + BrevoStub.json("{\"email\":\"bea@example.com\",\"attributes\":{\"FIRSTNAME\":\"Bea\","
                        + "\"HUBSPOT_CONTACT_ID\":\"102\"},\"updateEnabled\":true}"),
                "POST /v3/contacts " + BrevoStub.json("{\"email\":\"cy@example.com\",\"attributes\":{\"FIRSTNAME\":\"Cy\","
                        + "\"HUBSPOT_CONTACT_ID\":\"103\"},\"updateEnabled\":true}"));
    }

    @Test
    void aDeletedContactIsDeletedInBrevoByTheEmailItWasSentWith() throws Exception {
        hubspotHasAda();
        long now = System.currentTimeMillis();
        assertThat(deliver(List.of(event(1, "contact.creation", 101, now)))).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests().size() == 1);

        assertThat(deliver(List.of(event(2, "contact.deletion", 101, now + 1000), event(3, "contact.deletion", 999, now + 1000))))
                .isEqualTo(200);

        assertThat(hubspot.requests(HubSpotStub.BATCH_READ)).hasSize(1);
        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(ADA),
                "DELETE /v3/contacts/ada%40example.com?identifierType=email_id");
    }

    @Test
    void aMergeUpsertsTheSurvivingContact() throws Exception {
        hubspot.answerBatchRead(List.of(contact(101, "ada@example.com", "Ada", "Lovelace", "613-555-0134", "2026-01-02T10:00:00.000Z")));
        ObjectNode merge = event(7, "contact.merge", 101, System.currentTimeMillis());
        merge.put("primaryObjectId", "101").putArray("mergedObjectIds").add(104);
        merge.put("newObjectId", "101").put("numberOfPropertiesMoved", 3);

        assertThat(deliver(List.of(merge))).isEqualTo(200);

        assertThat(hubspot.bodies(HubSpotStub.BATCH_READ).get(0).get("inputs")).isEqualTo(BrevoStub.json("[{\"id\":\"101\"}]"));
        assertThat(brevoRequests()).containsExactly("POST /v3/contacts " + BrevoStub.json(ADA));
    }
}
