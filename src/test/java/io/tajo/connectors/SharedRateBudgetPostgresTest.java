package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.tajo.connectors.brevo.BrevoOp;
import io.tajo.connectors.brevo.BrevoRateBuckets;
import io.tajo.connectors.brevo.BrevoRequest;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brevo's rate limits are per API key, so nodes sharing a PostgreSQL store share its buckets: a node's dispatcher and
 * a second node's calls together keep to the contacts rate of Brevo's stub (10 calls a second, 429 over it).
 */
class SharedRateBudgetPostgresTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void twoNodesTogetherKeepToOneContactsRate() throws Exception {
        try (TestPostgres postgres = TestPostgres.quick(); BrevoStub brevo = BrevoStub.enforcingRateLimits()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.putAll(postgres.newDatabase());
            env.remove("BREVO_RETRY_INITIAL_DELAY");  // a 429 would be retried after Brevo's reset, as in production
            try (RunningService nodeA = RunningService.start(env);
                 StateStore storeOfNodeB = new StateStore()) {
                storeOfNodeB.setUrl(env.get("TAJO_STATE_URL"));
                storeOfNodeB.setUser(env.get("TAJO_STATE_USER"));
                storeOfNodeB.start();
                BrevoRateBuckets bucketsOfNodeB = new BrevoRateBuckets();
                bucketsOfNodeB.setStore(storeOfNodeB);

                // node A: 25 contacts without a list, one POST /contacts each, through its outbox and dispatcher
                for (int i = 0; i < 25; i++) {
                    nodeA.send(upsertContact("a" + i + "@example.com", Map.of("FIRSTNAME", "A")));
                }
                // node B, at the same time: 25 calls, each in a slot of the shared contacts bucket, as its dispatcher makes
                // them (wait for the slot, say the call goes out, read Brevo's rate-limit headers off the answer)
                CompletableFuture<Integer> nodeB = CompletableFuture.supplyAsync(() -> {
                    int refused = 0;
                    for (int i = 0; i < 25; i++) {
                        try {
                            BrevoRequest call = new BrevoRequest(BrevoOp.RateBucket.CONTACTS, "POST", "/contacts", null, null, List.of());
                            HttpResponse<Void> answer;
                            do {
                                bucketsOfNodeB.acquire(call);
                                bucketsOfNodeB.sending(call);
                                answer = HTTP.send(HttpRequest.newBuilder(URI.create(brevo.baseUrl() + "/contacts"))
                                        .header("api-key", BrevoStub.API_KEY).header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"b" + i + "@example.com\",\"updateEnabled\":true}"))
                                        .build(), HttpResponse.BodyHandlers.discarding());
                                bucketsOfNodeB.observe(call.bucket(), answer.statusCode(),
                                        answer.headers().firstValue("x-sib-ratelimit-remaining").orElse(null),
                                        answer.headers().firstValue("x-sib-ratelimit-reset").orElse(null));
                                refused += answer.statusCode() == 429 ? 1 : 0;
                            } while (answer.statusCode() == 429);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return refused;
                });

                nodeB.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> nodeA.outbox().pending() == 0);
                // every contact reached Brevo (a refused call is asked again: it shows twice)
                assertThat(new HashSet<>(brevo.contactEmails())).hasSize(50);
                // each node alone paces itself to 10 a second: unshared, the two together are refused about every other
                // call. Shared, at most one: slots are taken ahead of the calls, and a call that leaves well after its slot
                // (the first of a node, ~80 ms late) can open Brevo's window early, so that the window's last slot is one too many
                assertThat(brevo.rateLimits().orElseThrow().refused()).as("calls Brevo refused with 429 of 50").isLessThanOrEqualTo(1);
            }
            brevo.assertAllRequestsValid();
        }
    }
}
