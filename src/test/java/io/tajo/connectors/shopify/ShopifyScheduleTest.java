package io.tajo.connectors.shopify;

import static io.tajo.connectors.testing.ShopifySyncStub.json;
import static io.tajo.connectors.testing.ShopifySyncStub.page;
import static io.tajo.connectors.testing.ShopifySyncStub.pageRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The quartz schedule (routes/sync-schedule.camel.yaml) pulls in batch and hybrid mode only, and only once Shopify is
 * connected; a run the platform stops is one WARN line, and the next fire time pulls again.
 */
class ShopifyScheduleTest {

    private static final String EVERY_SECOND = "0/1+*+*+*+*+?";

    @TempDir
    Path dataDir;

    @Test
    void inBatchModeTheScheduleRunsTheSync() throws Exception {
        try (ShopifySyncStub shopify = new ShopifySyncStub()) {
            shopify.server().stubFor(pageRequest("products", null).willReturn(json(page("products", List.of(), null, 2000))));
            Map<String, String> env = shopify.connect(RunningService.environment(dataDir, null));
            env.put("TAJO_SHOPIFY_MODE", "batch");
            env.put("SHOPIFY_SYNC_PRODUCTS_CRON", EVERY_SECOND);
            try (RunningService service = RunningService.start(env)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !shopify.graphqlRequests().isEmpty());
                assertThat(shopify.graphqlRequests().get(0).path("query").asText()).contains(" products(first: $first");
            }
        }
    }

    @Test
    void aRunThePlatformStopsIsOneWarningAndTheScheduleGoesOn() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        try (ShopifySyncStub shopify = new ShopifySyncStub()) {
            shopify.server().stubFor(pageRequest("products", null).willReturn(WireMock.aResponse().withStatus(503)));
            Map<String, String> env = shopify.connect(RunningService.environment(dataDir, null));
            env.put("TAJO_SHOPIFY_MODE", "batch");
            env.put("SHOPIFY_SYNC_PRODUCTS_CRON", EVERY_SECOND);
            try (RunningService service = RunningService.start(env)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> shopify.graphqlRequests().size() >= 2);
            }
        } finally {
            root.detachAppender(logged);
        }
        List<ILoggingEvent> stopped = logged.list.stream().filter(e -> e.getFormattedMessage().contains("sync stopped")).toList();
        assertThat(stopped).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).startsWith("shopify products sync stopped: ").contains("503")
                    .endsWith("; the next run resumes after the last committed page");
            assertThat(e.getThrowableProxy()).as("no stack trace").isNull();
        });
    }

    @Test
    void inRealtimeModeOrWithoutATokenNothingIsPulledAndTheReasonIsLoggedOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ShopifyConnection.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (ShopifySyncStub shopify = new ShopifySyncStub()) {
            Map<String, String> realtime = shopify.connect(RunningService.environment(dataDir, null));
            realtime.put("TAJO_SHOPIFY_MODE", "realtime");
            realtime.put("SHOPIFY_SYNC_PRODUCTS_CRON", EVERY_SECOND);
            Map<String, String> noToken = new java.util.HashMap<>(realtime);
            noToken.put("TAJO_SHOPIFY_MODE", "hybrid");
            noToken.remove("SHOPIFY_ACCESS_TOKEN");
            for (Map<String, String> env : List.of(realtime, noToken)) {
                try (RunningService service = RunningService.start(env)) {
                    Thread.sleep(2500);  // two or three schedule ticks
                }
            }
            assertThat(shopify.graphqlRequests()).isEmpty();
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "Shopify sync: mode realtime, no scheduled sync",
                "Shopify sync not connected: SHOPIFY_ACCESS_TOKEN is not set (or run tajo connectors connect shopify)");
    }
}
