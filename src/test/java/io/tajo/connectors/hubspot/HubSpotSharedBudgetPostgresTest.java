package io.tajo.connectors.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HubSpot's call budget is the app's, not a node's: nodes sharing a PostgreSQL store take their calls' slots from it,
 * so together they keep to it, and a 429 seen by one holds the others.
 */
class HubSpotSharedBudgetPostgresTest {

    private TestPostgres postgres;
    private final List<StateStore> stores = new ArrayList<>();

    @BeforeEach
    void database() throws Exception {
        postgres = TestPostgres.quick();
    }

    @AfterEach
    void close() throws Exception {
        stores.forEach(StateStore::close);
        postgres.close();
    }

    /** A node's limiter, as beans.camel.yaml makes it: its own store on the shared database. */
    private HubSpotRateLimiter node(Map<String, String> database, int limit, String window) {
        StateStore store = new StateStore();
        store.setUrl(database.get("TAJO_STATE_URL"));
        store.setUser(database.get("TAJO_STATE_USER"));
        store.setPassword(database.get("TAJO_STATE_PASSWORD"));
        store.start();
        stores.add(store);
        HubSpotRateLimiter limiter = new HubSpotRateLimiter();
        limiter.setLimit(limit);
        limiter.setWindow(window);
        limiter.setStore(store);
        return limiter;
    }

    private static List<Long> callTimes(HubSpotRateLimiter limiter, int calls) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            try {
                limiter.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            times.add(System.nanoTime());
        }
        return times;
    }

    @Test
    void twoNodesCallingAtOnceTogetherKeepToOneBudget() throws Exception {
        Map<String, String> database = postgres.newDatabase();
        HubSpotRateLimiter nodeA = node(database, 10, "PT1S");
        HubSpotRateLimiter nodeB = node(database, 10, "PT1S");

        CompletableFuture<List<Long>> callsOfA = CompletableFuture.supplyAsync(() -> callTimes(nodeA, 10));
        CompletableFuture<List<Long>> callsOfB = CompletableFuture.supplyAsync(() -> callTimes(nodeB, 10));
        List<Long> times = new ArrayList<>(callsOfA.get());
        times.addAll(callsOfB.get());
        Collections.sort(times);

        // 10 calls a second between them: the 11th call after any call is a second or more later (unshared, each
        // node would make its 10 at once). Slots are 105 ms apart; 900 ms leaves room for a call that left late.
        for (int i = 0; i + 10 < times.size(); i++) {
            assertThat(Duration.ofNanos(times.get(i + 10) - times.get(i))).as("calls %d to %d", i + 1, i + 11)
                    .isGreaterThan(Duration.ofMillis(900));
        }
        assertThat(Duration.ofNanos(times.get(times.size() - 1) - times.get(0))).isGreaterThan(Duration.ofMillis(1_800));
    }

    @Test
    void aPauseAfterA429SeenByOneNodeHoldsTheOther() throws Exception {
        Map<String, String> database = postgres.newDatabase();
        HubSpotRateLimiter nodeA = node(database, 100, "PT10S");
        HubSpotRateLimiter nodeB = node(database, 100, "PT10S");
        nodeB.acquire();

        long pausedAt = System.nanoTime();
        nodeA.pause(Duration.ofMillis(800));
        nodeB.acquire();

        assertThat(Duration.ofNanos(System.nanoTime() - pausedAt)).isGreaterThan(Duration.ofMillis(700));
    }
}
