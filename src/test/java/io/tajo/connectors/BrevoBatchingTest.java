package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.upsertContactInList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many contacts go out in few import calls, never faster than the contacts bucket allows. */
class BrevoBatchingTest {

    @TempDir
    Path dataDir;

    @Test
    void thousandContactsGoOutInBatchedCallsWithinTheContactsBucket() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("BREVO_RATE_CONTACTS", "5/s");
            env.put("BREVO_DISPATCH_CLAIM_LIMIT", "50");
            try (RunningService service = RunningService.start(env)) {
                for (int i = 0; i < 1000; i++) {
                    service.send(upsertContactInList("c" + i + "@example.com", 7, Map.of("FIRSTNAME", "C" + i)));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> service.outbox().pending() == 0);
            }
            List<LoggedRequest> calls = brevo.requests();
            Set<String> delivered = new HashSet<>();
            int imported = 0;
            for (LoggedRequest call : calls) {
                JsonNode body = BrevoStub.body(call);
                assertThat(body.get("listIds").toString()).isEqualTo("[7]");
                if (call.getUrl().equals("/v3/contacts/import")) {
                    assertThat(body.get("updateExistingContacts").asBoolean()).isTrue();
                    assertThat(body.get("jsonBody").size()).isLessThanOrEqualTo(50);
                    body.get("jsonBody").forEach(contact -> assertThat(delivered.add(contact.get("email").asText()))
                            .as("each contact once").isTrue());
                    imported += body.get("jsonBody").size();
                } else {
                    // while the first commands trickle in, a handful go out one by one: that is what real time wants
                    assertThat(call.getUrl()).isEqualTo("/v3/contacts");
                    assertThat(delivered.add(body.get("email").asText())).as("each contact once").isTrue();
                }
            }
            assertThat(delivered).hasSize(1000);
            assertThat(imported).as("contacts that travelled in /contacts/import calls").isGreaterThanOrEqualTo(900);
            assertThat(calls.size()).as("batched: 1,000 contacts in few calls").isLessThan(80);

            // every one-second window holds at most 5 calls; 25 ms allows for loopback jitter in arrival times
            List<Long> times = new ArrayList<>(calls.stream().map(c -> c.getLoggedDate().getTime()).toList());
            for (int i = 0; i + 5 < times.size(); i++) {
                assertThat(times.get(i + 5) - times.get(i))
                        .as("6 calls starting with call %d span at least a second", i).isGreaterThanOrEqualTo(1000 - 25);
            }
            brevo.assertAllRequestsValid();
        }
    }
}
