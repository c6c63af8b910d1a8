package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.testing.BrevoRateLimits;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher against a Brevo stub enforcing Brevo's published limits with Brevo's headers ({@link BrevoRateLimits}):
 * a steady stream at the published rate draws no 429, a spent window ({@code x-sib-ratelimit-remaining: 0}) holds the
 * next call until the reset, and a call refused 429 is sent again after the reset: every command reaches Brevo once.
 */
class BrevoRatePacingTest {

    private static final String EVENTS = "/v3/events";

    @TempDir
    Path dataDir;

    @Test
    void aSteadyStreamAtThePublishedRateDrawsNo429AndDeliversEveryCommandOnce() throws Exception {
        try (BrevoStub brevo = BrevoStub.enforcingRateLimits()) {
            try (RunningService service = RunningService.start(RunningService.environment(dataDir, brevo))) {
                service.send(events(0, 30));
                awaitDelivered(service);
            }
            List<ServeEvent> calls = brevo.served();
            assertThat(calls).extracting(BrevoRatePacingTest::status).as("answers, call by call").containsOnly(204);
            assertThat(calls).extracting(BrevoRatePacingTest::email).containsExactlyInAnyOrderElementsOf(emails(0, 30));
            assertThat(brevo.rateLimits().orElseThrow().refused()).isZero();
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void aSpentWindowHoldsTheNextCallUntilTheResetEvenWhenTheConfiguredRateIsTooHigh() throws Exception {
        try (BrevoStub brevo = BrevoStub.enforcingRateLimits()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            // a rate above the key's real limit (10/s): only Brevo's headers keep the dispatcher within it
            env.put("BREVO_RATE_EVENTS", "1000/s");
            try (RunningService service = RunningService.start(env)) {
                service.send(events(0, 25));
                awaitDelivered(service);
            }
            List<ServeEvent> calls = brevo.served();
            assertThat(calls).extracting(BrevoRatePacingTest::status).as("answers, call by call").containsOnly(204);
            assertThat(calls).extracting(BrevoRatePacingTest::email).containsExactlyInAnyOrderElementsOf(emails(0, 25));
            assertThat(calls).extracting(BrevoRatePacingTest::remaining).as("the window was spent twice")
                    .containsSubsequence("0", "0");
            for (int i = 0; i + 1 < calls.size(); i++) {
                if ("0".equals(remaining(calls.get(i)))) {
                    assertThat(arrival(calls.get(i + 1))).as("call %d came after the reset answered to call %d", i + 1, i)
                            .isGreaterThanOrEqualTo(arrival(calls.get(i)) + resetMillis(calls.get(i)) - 1);
                }
            }
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void aCallRefused429IsSentAgainAfterTheResetAndNothingIsLost() throws Exception {
        try (BrevoStub brevo = BrevoStub.enforcingRateLimits()) {
            // another connector on the same API key spends the events window until Brevo has refused one of our calls
            brevo.rateLimits().orElseThrow().otherClientSpends(EVENTS, 1);
            try (RunningService service = RunningService.start(RunningService.environment(dataDir, brevo))) {
                service.send(events(0, 5));
                awaitDelivered(service);
                assertThat(new DeadLetters(service.store()).count()).isZero();
            }
            List<ServeEvent> calls = brevo.served();
            assertThat(calls).extracting(BrevoRatePacingTest::status).as("answers, call by call")
                    .containsExactly(429, 204, 204, 204, 204, 204);
            ServeEvent refused = calls.get(0);
            List<String> accepted = calls.subList(1, calls.size()).stream().map(BrevoRatePacingTest::email).toList();
            assertThat(accepted).as("each event accepted once").containsExactlyInAnyOrderElementsOf(emails(0, 5));
            ServeEvent retry = calls.stream().skip(1).filter(call -> email(call).equals(email(refused))).findFirst().orElseThrow();
            assertThat(retry.getRequest().getBodyAsString()).as("the refused call's command, sent again")
                    .isEqualTo(refused.getRequest().getBodyAsString());
            assertThat(arrival(calls.get(1))).as("nothing was sent before the reset")
                    .isGreaterThanOrEqualTo(arrival(refused) + resetMillis(refused) - 1);
            brevo.assertAllRequestsValid();
        }
    }

    private static List<Map<String, Object>> events(int from, int to) {
        return emails(from, to).stream()
                .map(email -> command("trackEvent", email, Map.of("event_name", "order_placed",
                        "event_properties", Map.of("order_id", email.substring(0, email.indexOf('@'))))))
                .toList();
    }

    private static List<String> emails(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "buyer" + i + "@example.com").toList();
    }

    /** Waits until the outbox is empty, then a little longer so a stray second request would show at the stub. */
    private static void awaitDelivered(RunningService service) throws InterruptedException {
        await().atMost(Duration.ofSeconds(30)).until(() -> service.outbox().pending() == 0);
        Thread.sleep(300);
    }

    private static int status(ServeEvent call) {
        return call.getResponse().getStatus();
    }

    private static String email(ServeEvent call) {
        return BrevoStub.body(call.getRequest()).at("/identifiers/email_id").asText();
    }

    private static String remaining(ServeEvent call) {
        return call.getResponse().getHeaders().getHeader("x-sib-ratelimit-remaining").firstValue();
    }

    private static long resetMillis(ServeEvent call) {
        return Math.round(1000 * Double.parseDouble(call.getResponse().getHeaders().getHeader("x-sib-ratelimit-reset").firstValue()));
    }

    private static long arrival(ServeEvent call) {
        return call.getRequest().getLoggedDate().getTime();
    }
}
