package io.tajo.connectors.hubspot;

import static io.tajo.connectors.testing.HubSpotStub.json;
import static io.tajo.connectors.testing.HubSpotStub.searchPage;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tajo.connectors.testing.HubSpotStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quartz schedule searches HubSpot in batch and hybrid mode only, and only once HubSpot is connected. */
class HubSpotScheduleTest {

    private static final String EVERY_SECOND = "0/1+*+*+*+*+?";

    @TempDir
    Path dataDir;

    @Test
    void inBatchModeTheScheduleRunsTheSync() throws Exception {
        try (HubSpotStub hubspot = new HubSpotStub()) {
            hubspot.server().stubFor(post(urlPathEqualTo(HubSpotStub.SEARCH)).willReturn(json(searchPage(List.of(), null, 0))));
            Map<String, String> env = hubspot.connect(RunningService.environment(dataDir, null));
            env.put("TAJO_HUBSPOT_MODE", "batch");
            env.put("HUBSPOT_SYNC_CONTACTS_CRON", EVERY_SECOND);
            try (RunningService service = RunningService.start(env)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !hubspot.requests(HubSpotStub.SEARCH).isEmpty());
            }
            assertThat(hubspot.bodies(HubSpotStub.SEARCH).get(0).at("/sorts/0/direction").asText()).isEqualTo("ASCENDING");
        }
    }

    @Test
    void inRealtimeModeOrWithoutCredentialsNothingIsPulled() throws Exception {
        try (HubSpotStub hubspot = new HubSpotStub()) {
            hubspot.server().stubFor(post(urlPathEqualTo(HubSpotStub.SEARCH)).willReturn(json(searchPage(List.of(), null, 0))));
            Map<String, String> realtime = hubspot.connect(RunningService.environment(dataDir, null));
            realtime.put("TAJO_HUBSPOT_MODE", "realtime");
            realtime.put("HUBSPOT_SYNC_CONTACTS_CRON", EVERY_SECOND);
            Map<String, String> noToken = new HashMap<>(realtime);
            noToken.put("TAJO_HUBSPOT_MODE", "hybrid");
            noToken.remove("HUBSPOT_ACCESS_TOKEN");
            for (Map<String, String> env : List.of(realtime, noToken)) {
                try (RunningService service = RunningService.start(env)) {
                    Thread.sleep(2500);  // two or three schedule ticks
                }
            }
            assertThat(hubspot.requests(HubSpotStub.SEARCH)).isEmpty();
        }
    }
}
