package io.tajo.connectors.hubspot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.tajo.connectors.testing.HubSpotStub.contact;
import static io.tajo.connectors.testing.HubSpotStub.json;
import static io.tajo.connectors.testing.HubSpotStub.search;
import static io.tajo.connectors.testing.HubSpotStub.searchPage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.store.ConnectorCredentials;
import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HubSpot contacts sync through direct:hubspot-sync (the route the schedule runs): search pages committed with
 * their checkpoints, a run stopped mid-way resumed without sending anything twice, the 10,000-result cap (here 5)
 * passed by a new query from the last record's time, the OAuth token refreshed before it expires, 429 and 401.
 */
class HubSpotSyncTest {

    @TempDir
    Path dataDir;

    static HubSpotSyncRun sync(RunningService service, boolean full) {
        Exchange exchange = new DefaultExchange(service.context());
        exchange.setProperty(SyncRun.RESOURCE, "contacts");
        exchange.setProperty(SyncRun.FULL, full);
        Exchange done = service.context().createProducerTemplate().send("direct:hubspot-sync", exchange);
        if (done.getException() != null) {
            throw new RuntimeException(done.getException().getMessage(), done.getException());
        }
        return done.getMessage().getBody(HubSpotSyncRun.class);
    }

    static JsonNode person(long id, String modified) {
        return contact(id, "p" + id + "@example.com", "P" + id, null, null, modified);
    }

    static String upsert(long id) {
        return "POST /v3/contacts " + BrevoStub.json("{\"email\":\"p" + id + "@example.com\",\"attributes\":{\"FIRSTNAME\":\"P" + id
                + "\",\"HUBSPOT_CONTACT_ID\":\"" + id + "\"},\"updateEnabled\":true}");
    }

    static List<String> brevoRequests(BrevoStub brevo) {
        brevo.assertAllRequestsValid();
        return brevo.requests().stream().map(r -> r.getMethod() + " " + r.getUrl() + " " + BrevoStub.body(r)).toList();
    }

    @Test
    void pagesAreCommittedWithTheirCheckpointAndAStoppedSyncResumesWithoutSendingAnythingTwice() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            env.put("HUBSPOT_SYNC_PAGE_SIZE", "2");
            var server = hubspot.server();
            server.stubFor(search(Instant.EPOCH, null).willReturn(json(searchPage(List.of(
                    person(1, "2026-01-02T10:00:00Z"), person(2, "2026-01-02T10:00:01Z")), "2", 6))));
            server.stubFor(search(Instant.EPOCH, "2").willReturn(json(searchPage(List.of(
                    person(3, "2026-01-02T10:00:02Z"), person(4, "2026-01-02T10:00:02Z")), "4", 6))));
            server.stubFor(search(Instant.EPOCH, "4").willReturn(aResponse().withStatus(502)));

            try (RunningService service = RunningService.start(env)) {
                assertThatThrownBy(() -> sync(service, false)).hasMessageContaining("HTTP 502");
                assertThat(SyncCheckpoint.load(service.store(), "hubspot", "contacts")).contains(
                        new SyncCheckpoint("hubspot", "contacts", "1970-01-01T00:00:00Z", null, "4:4"));
                service.awaitOutboxEmpty();
            }
            assertThat(brevoRequests(brevo)).containsExactlyInAnyOrder(upsert(1), upsert(2), upsert(3), upsert(4));
            JsonNode first = hubspot.bodies(HubSpotStub.SEARCH).get(0);
            assertThat(first).isEqualTo(BrevoStub.json("{\"filterGroups\":[{\"filters\":[{\"propertyName\":\"lastmodifieddate\","
                    + "\"operator\":\"GTE\",\"value\":\"0\"}]}],\"sorts\":[{\"propertyName\":\"lastmodifieddate\",\"direction\":\"ASCENDING\"}],"
                    + "\"properties\":[\"email\",\"firstname\",\"lastmodifieddate\",\"lastname\",\"phone\"],\"limit\":2}"));
            assertThat(hubspot.requests(HubSpotStub.SEARCH).get(0).getHeader("Authorization"))
                    .isEqualTo("Bearer " + HubSpotStub.ACCESS_TOKEN);

            server.stubFor(search(Instant.EPOCH, "4").willReturn(json(searchPage(List.of(
                    person(5, "2026-01-02T10:00:03Z"), person(6, "2026-01-02T10:00:03Z")), null, 6))));
            server.resetRequests();
            brevo.server().resetRequests();
            try (RunningService service = RunningService.start(env)) {
                HubSpotSyncRun run = sync(service, false);
                assertThat(run.records()).isEqualTo(2);
                assertThat(run.summary()).startsWith("hubspot contacts: 2 records in ");
                assertThat(SyncCheckpoint.load(service.store(), "hubspot", "contacts")).contains(
                        new SyncCheckpoint("hubspot", "contacts", "2026-01-02T10:00:03Z", "5,6", null));
                service.awaitOutboxEmpty();
            }
            assertThat(hubspot.bodies(HubSpotStub.SEARCH)).singleElement()
                    .satisfies(resumed -> assertThat(resumed.get("after").asText()).isEqualTo("4"));
            assertThat(brevoRequests(brevo)).containsExactlyInAnyOrder(upsert(5), upsert(6));

            // the next incremental run asks from the last record's time and skips the two it sent at that time
            Instant last = Instant.parse("2026-01-02T10:00:03Z");
            server.stubFor(search(last, null).willReturn(json(searchPage(List.of(
                    person(6, "2026-01-02T10:00:03Z"), person(5, "2026-01-02T10:00:03Z")), "2", 4))));
            server.stubFor(search(last, "2").willReturn(json(searchPage(List.of(person(7, "2026-01-02T10:00:04Z")), null, 4))));
            server.resetRequests();
            brevo.server().resetRequests();
            try (RunningService service = RunningService.start(env)) {
                assertThat(sync(service, false).records()).isEqualTo(1);
                service.awaitOutboxEmpty();
            }
            assertThat(brevoRequests(brevo)).containsExactly(upsert(7));
        }
    }

    @Test
    void beforeTheQueryCapANewQueryStartsFromTheLastRecordsTimeSkippingTheRecordsSentAtThatTime() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            env.put("HUBSPOT_SYNC_PAGE_SIZE", "2");
            env.put("HUBSPOT_SYNC_QUERY_CAP", "5");
            var server = hubspot.server();
            // query 1 holds 8 contacts; after 4 a third page would pass the cap of 5
            server.stubFor(search(Instant.EPOCH, null).willReturn(json(searchPage(List.of(
                    person(1, "2026-01-02T10:00:00Z"), person(2, "2026-01-02T10:00:01Z")), "2", 8))));
            server.stubFor(search(Instant.EPOCH, "2").willReturn(json(searchPage(List.of(
                    person(3, "2026-01-02T10:00:02Z"), person(4, "2026-01-02T10:00:02Z")), "4", 8))));
            server.stubFor(search(Instant.EPOCH, "4").willReturn(aResponse().withStatus(400)
                    .withBody("{\"status\":\"error\",\"message\":\"paging past 10000 results\"}")));
            // query 2, from 10:00:02: contact 9 was modified at that time too and is new; 3 and 4 were sent
            Instant second = Instant.parse("2026-01-02T10:00:02Z");
            server.stubFor(search(second, null).willReturn(json(searchPage(List.of(
                    person(4, "2026-01-02T10:00:02Z"), person(9, "2026-01-02T10:00:02Z")), "2", 6))));
            server.stubFor(search(second, "2").willReturn(json(searchPage(List.of(
                    person(3, "2026-01-02T10:00:02Z"), person(5, "2026-01-02T10:00:05Z")), "4", 6))));
            // query 3, from 10:00:05 (query 2 too would pass the cap with a third page)
            Instant third = Instant.parse("2026-01-02T10:00:05Z");
            server.stubFor(search(third, null).willReturn(json(searchPage(List.of(
                    person(5, "2026-01-02T10:00:05Z"), person(6, "2026-01-02T10:00:06Z")), "2", 3))));
            server.stubFor(search(third, "2").willReturn(json(searchPage(List.of(person(7, "2026-01-02T10:00:07Z")), null, 3))));

            try (RunningService service = RunningService.start(env)) {
                HubSpotSyncRun run = sync(service, false);
                assertThat(run.records()).isEqualTo(8);
                assertThat(run.queries()).isEqualTo(3);
                assertThat(SyncCheckpoint.load(service.store(), "hubspot", "contacts")).contains(
                        new SyncCheckpoint("hubspot", "contacts", "2026-01-02T10:00:07Z", "7", null));
                service.awaitOutboxEmpty();
            }
            assertThat(hubspot.bodies(HubSpotStub.SEARCH)).extracting(body -> body.at("/filterGroups/0/filters/0/value").asText()
                    + "/" + body.path("after").asText("-")).containsExactly(
                    "0/-", "0/2",
                    second.toEpochMilli() + "/-", second.toEpochMilli() + "/2",
                    third.toEpochMilli() + "/-", third.toEpochMilli() + "/2");
            assertThat(brevoRequests(brevo)).containsExactlyInAnyOrder(upsert(1), upsert(2), upsert(3), upsert(4), upsert(9),
                    upsert(5), upsert(6), upsert(7));
        }
    }

    @Test
    void anOAuthTokenIsRefreshedBeforeItExpiresAndKeptEncrypted() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            env.remove("HUBSPOT_ACCESS_TOKEN");
            env.put("HUBSPOT_CLIENT_ID", "client-id-1");
            env.put("HUBSPOT_REFRESH_TOKEN", "refresh-token-1");
            env.put("HUBSPOT_TOKEN_REFRESH_MARGIN", "PT30M");
            env.put("HUBSPOT_SYNC_PAGE_SIZE", "1");
            env.put("TAJO_MASTER_KEY", "correct horse battery staple, a master key");
            var server = hubspot.server();
            // the first token expires within the 30-minute margin, so the next call refreshes again; the second does not
            server.stubFor(post(urlPathEqualTo(HubSpotStub.TOKEN)).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(json("{\"token_type\":\"bearer\",\"refresh_token\":\"refresh-token-1\",\"access_token\":\"access-1\","
                            + "\"expires_in\":1700}")).willSetStateTo("second"));
            server.stubFor(post(urlPathEqualTo(HubSpotStub.TOKEN)).inScenario("tokens").whenScenarioStateIs("second")
                    .willReturn(json("{\"token_type\":\"bearer\",\"refresh_token\":\"refresh-token-2\",\"access_token\":\"access-2\","
                            + "\"expires_in\":7200}")).willSetStateTo("third"));
            server.stubFor(search(Instant.EPOCH, null).willReturn(json(searchPage(List.of(person(1, "2026-01-02T10:00:00Z")), "1", 3))));
            server.stubFor(search(Instant.EPOCH, "1").willReturn(json(searchPage(List.of(person(2, "2026-01-02T10:00:01Z")), "2", 3))));
            server.stubFor(search(Instant.EPOCH, "2").willReturn(json(searchPage(List.of(person(3, "2026-01-02T10:00:02Z")), null, 3))));

            try (RunningService service = RunningService.start(env)) {
                assertThat(sync(service, false).records()).isEqualTo(3);
                String stored = service.store().inTransaction(connection -> Sql.first(connection,
                        "SELECT access_token FROM connector_credential WHERE connector = 'hubspot'", rs -> rs.getString(1))).orElseThrow();
                assertThat(stored).doesNotContain("access-2");
                ConnectorCredentials credentials = service.context().getRegistry()
                        .lookupByNameAndType("connectorCredentials", ConnectorCredentials.class);
                assertThat(credentials.find("hubspot").orElseThrow().accessToken()).isEqualTo("access-2");
                assertThat(credentials.find("hubspot").orElseThrow().refreshToken()).isEqualTo("refresh-token-2");
                service.awaitOutboxEmpty();
            }
            List<LoggedRequest> refreshes = hubspot.requests(HubSpotStub.TOKEN);
            assertThat(refreshes).hasSize(2);
            assertThat(refreshes.get(0).getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
            assertThat(refreshes.get(0).getBodyAsString()).isEqualTo(
                    "grant_type=refresh_token&client_id=client-id-1&client_secret=" + HubSpotStub.CLIENT_SECRET + "&refresh_token=refresh-token-1");
            assertThat(hubspot.requests(HubSpotStub.SEARCH)).extracting(r -> r.getHeader("Authorization"))
                    .containsExactly("Bearer access-1", "Bearer access-2", "Bearer access-2");
            assertThat(brevoRequests(brevo)).containsExactlyInAnyOrder(upsert(1), upsert(2), upsert(3));
        }
    }

    @Test
    void a429IsWaitedOutAndAskedAgain() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            var server = hubspot.server();
            server.stubFor(search(Instant.EPOCH, null).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                            .withBody("{\"status\":\"error\",\"message\":\"You have reached your secondly limit.\",\"category\":\"RATE_LIMITS\"}"))
                    .willSetStateTo("calm"));
            server.stubFor(search(Instant.EPOCH, null).inScenario("429").whenScenarioStateIs("calm")
                    .willReturn(json(searchPage(List.of(person(1, "2026-01-02T10:00:00Z")), null, 1))));

            try (RunningService service = RunningService.start(env)) {
                assertThat(sync(service, false).records()).isEqualTo(1);
                service.awaitOutboxEmpty();
            }
            List<LoggedRequest> searches = hubspot.requests(HubSpotStub.SEARCH);
            assertThat(searches).hasSize(2);
            assertThat(searches.get(1).getLoggedDate().getTime() - searches.get(0).getLoggedDate().getTime())
                    .as("waited for Retry-After").isGreaterThanOrEqualTo(1000);
            assertThat(brevoRequests(brevo)).containsExactly(upsert(1));
        }
    }

    @Test
    void callsBeyondTheRateLimitWaitForTheWindow() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            env.put("HUBSPOT_RATE_LIMIT", "2");
            env.put("HUBSPOT_RATE_WINDOW", "PT3S");
            env.put("HUBSPOT_SYNC_PAGE_SIZE", "1");
            var server = hubspot.server();
            server.stubFor(search(Instant.EPOCH, null).willReturn(json(searchPage(List.of(person(1, "2026-01-02T10:00:00Z")), "1", 3))));
            server.stubFor(search(Instant.EPOCH, "1").willReturn(json(searchPage(List.of(person(2, "2026-01-02T10:00:01Z")), "2", 3))));
            server.stubFor(search(Instant.EPOCH, "2").willReturn(json(searchPage(List.of(person(3, "2026-01-02T10:00:02Z")), null, 3))));

            try (RunningService service = RunningService.start(env)) {
                long started = System.nanoTime();
                assertThat(sync(service, false).records()).isEqualTo(3);
                assertThat((System.nanoTime() - started) / 1_000_000).as("the third call waits until the first leaves the 3 s window")
                        .isGreaterThanOrEqualTo(3000);
                service.awaitOutboxEmpty();
            }
            assertThat(hubspot.requests(HubSpotStub.SEARCH)).hasSize(3);
            assertThat(brevoRequests(brevo)).containsExactlyInAnyOrder(upsert(1), upsert(2), upsert(3));
        }
    }

    @Test
    void aRefusedTokenStopsTheSyncWithOneLineNamingTheSetting() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); HubSpotStub hubspot = new HubSpotStub()) {
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, brevo));
            hubspot.server().stubFor(post(urlPathEqualTo(HubSpotStub.SEARCH)).willReturn(aResponse().withStatus(401)
                    .withBody("{\"status\":\"error\",\"message\":\"Authentication credentials not found.\",\"category\":\"INVALID_AUTHENTICATION\"}")));
            try (RunningService service = RunningService.start(env)) {
                assertThatThrownBy(() -> sync(service, false))
                        .hasMessage("HubSpot refused the token (HTTP 401): check HUBSPOT_ACCESS_TOKEN (the private app's access token)");
                assertThat(SyncCheckpoint.load(service.store(), "hubspot", "contacts")).isEmpty();
            }
            assertThat(hubspot.requests(HubSpotStub.SEARCH)).hasSize(1);
            assertThat(brevo.requests()).isEmpty();
        }
    }
}
