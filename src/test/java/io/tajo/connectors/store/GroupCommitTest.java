package io.tajo.connectors.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions of concurrent callers committed together on the embedded store, each one's failure its own. */
class GroupCommitTest {

    private static final Duration RETENTION = Duration.ofDays(1);

    @TempDir
    Path dataDir;
    StateStore store = new StateStore();
    ExecutorService callers = Executors.newFixedThreadPool(16);

    @BeforeEach
    void open() {
        store.setDataDir(dataDir.toString());
        store.start();
    }

    @AfterEach
    void close() throws InterruptedException {
        callers.shutdownNow();
        callers.awaitTermination(10, TimeUnit.SECONDS);
        store.close();
    }

    private boolean accept(String key) {
        return store.inGroupCommit(connection -> IdempotencyKeys.accept(connection, key, System.currentTimeMillis(), RETENTION));
    }

    private long keys(String like) {
        return store.inTransaction(connection -> Sql.count(connection, "SELECT COUNT(*) FROM idempotency_key WHERE idem_key LIKE ?", like));
    }

    @Test
    void everyCallerOfManyAtOnceHasItsWorkCommittedAndItsOwnAnswer() throws Exception {
        List<Future<Boolean>> answers = new ArrayList<>();
        for (int n = 0; n < 1_600; n++) {
            String key = "key-" + (n % 800);   // each key twice: one caller finds it new, the other does not
            answers.add(callers.submit(() -> accept(key)));
        }
        int accepted = 0;
        for (Future<Boolean> answer : answers) {
            accepted += answer.get() ? 1 : 0;
        }
        assertThat(accepted).isEqualTo(800);
        assertThat(keys("key-%")).isEqualTo(800);
    }

    @Test
    void callersThatKeepComingAreCommittedInGroupsNotOneByOne() throws Exception {
        // 16 callers each committing 100 transactions back to back: while one group commits, the others queue up
        // for the next. (With callers taking turns at a commit lock, this made 1,600 commits: groups of one.)
        List<Future<?>> callersDone = new ArrayList<>();
        for (int caller = 0; caller < 16; caller++) {
            String prefix = "steady-" + caller + "-";
            callersDone.add(callers.submit(() -> {
                for (int n = 0; n < 100; n++) {
                    assertThat(accept(prefix + n)).isTrue();
                }
            }));
        }
        for (Future<?> done : callersDone) {
            done.get();
        }
        assertThat(keys("steady-%")).isEqualTo(1_600);
        assertThat(store.groupCommit().commits()).as("commits for 1,600 transactions").isLessThan(800);
    }

    @Test
    void workThatFailsIsRolledBackAloneAndTheOthersOfItsGroupAreCommitted() throws Exception {
        // the first caller commits alone on its own thread, a second one holds the committing thread, and the next two
        // queue up behind it: they are then committed as one group
        CountDownLatch release = new CountDownLatch(1);
        Future<Boolean> first = holdCommits(release, connection -> IdempotencyKeys.accept(connection, "first", 0, RETENTION));
        List<Thread> queued = new CopyOnWriteArrayList<>();
        Future<Object> failing = callers.submit(() -> {
            queued.add(Thread.currentThread());
            return store.inGroupCommit(connection -> {
                IdempotencyKeys.accept(connection, "failing", 0, RETENTION);
                throw new IllegalStateException("this caller's work fails after writing");
            });
        });
        Future<Boolean> neighbour = callers.submit(() -> {
            queued.add(Thread.currentThread());
            return accept("neighbour");
        });
        Awaitility.await().until(() -> queued.size() == 2
                && queued.stream().allMatch(thread -> thread.getState() == Thread.State.WAITING));
        release.countDown();

        assertThat(first.get()).isTrue();
        assertThat(neighbour.get()).isTrue();
        assertThatThrownBy(failing::get).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("this caller's work fails after writing");
        assertThat(keys("first")).isEqualTo(1);
        assertThat(keys("neighbour")).isEqualTo(1);
        assertThat(keys("failing")).isZero();
    }

    @Test
    void itemsOfOneBatchWorkQueuedTogetherAreRunInOneCallAndAFailingItemIsRolledBackAlone() throws Exception {
        List<List<String>> calls = new CopyOnWriteArrayList<>();
        StateStore.BatchWork<String, Boolean> acceptKeys = (connection, items) -> {
            calls.add(List.copyOf(items));
            List<Boolean> accepted = new ArrayList<>();
            for (String item : items) {
                accepted.add(IdempotencyKeys.accept(connection, item, 0, RETENTION));
                if (item.startsWith("bad")) {
                    throw new IllegalStateException("item " + item + " fails after writing");
                }
            }
            return accepted;
        };
        // the committing thread is held while three items queue up behind it
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> first = holdCommits(release, connection -> null);
        List<Thread> queued = new CopyOnWriteArrayList<>();
        List<Future<Boolean>> items = new ArrayList<>();
        for (String item : List.of("good-1", "bad-2", "good-3")) {
            items.add(callers.submit(() -> {
                queued.add(Thread.currentThread());
                return store.inGroupCommit(item, acceptKeys);
            }));
            Awaitility.await().until(() -> queued.size() == items.size()
                    && queued.stream().allMatch(thread -> thread.getState() == Thread.State.WAITING));
        }
        release.countDown();
        first.get();

        assertThat(items.get(0).get()).isTrue();
        assertThatThrownBy(items.get(1)::get).hasMessageContaining("item bad-2 fails after writing");
        assertThat(items.get(2).get()).isTrue();
        // one call for the three, rolled back when it failed; then each alone
        assertThat(calls).containsExactly(List.of("good-1", "bad-2", "good-3"), List.of("good-1"), List.of("bad-2"), List.of("good-3"));
        assertThat(keys("good-%")).isEqualTo(2);
        assertThat(keys("bad-%")).isZero();
    }

    /**
     * Holds both ways of committing until {@code release}: a first caller doing {@code work}, alone on its own thread
     * (nobody else committing), and a second one on the committing thread; returns the first's outcome.
     */
    private <T> Future<T> holdCommits(CountDownLatch release, StateStore.SqlWork<T> work) throws InterruptedException {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch secondStarted = new CountDownLatch(1);
        Future<T> first = callers.submit(() -> store.inGroupCommit(connection -> {
            assertThat(Thread.currentThread().getName()).isNotEqualTo("tajo-group-commit");
            firstStarted.countDown();
            T result = work.run(connection);
            awaitQuietly(release);
            return result;
        }));
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        callers.submit(() -> store.inGroupCommit(connection -> {
            assertThat(Thread.currentThread().getName()).isEqualTo("tajo-group-commit");
            secondStarted.countDown();
            awaitQuietly(release);
            return null;
        }));
        assertThat(secondStarted.await(10, TimeUnit.SECONDS)).isTrue();
        return first;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void withTheStoreClosedACallerIsToldTheStoreIsUnavailable() {
        store.close();
        assertThatThrownBy(() -> accept("late")).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("State store unavailable");
    }
}
