package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit: the transactions of concurrent callers run one after another on one connection, each inside a
 * savepoint, and are committed together. Each caller returns only once the commit that holds its work is done, so
 * nothing is acknowledged before it is durable; work that throws is rolled back to its savepoint alone, and a
 * failed commit fails every caller of the group. Callers of one {@link StateStore.BatchWork} that queued one after
 * the other are run by one call of it (one statement for all of them instead of one each); when that call fails,
 * each is run again alone.
 *
 * <p>One committing thread takes what is queued, runs it and commits, and each caller waits for its own outcome
 * only; a caller that finds nobody else committing commits on its own thread. (Callers taking turns at a commit
 * lock did not group: each woken waiter had to take the lock just to find its work done, while the thread that had
 * just committed took it again with only its next piece of work, so groups stayed at one caller.) The thread starts
 * when a caller finds another committing and ends after a second with nothing to do. The work must not call the
 * store again: it runs on the committing thread.
 */
final class GroupCommit {

    /** Most pieces of work in one group: bounds how long the last of them waits. */
    private static final int MAX_GROUP = 256;
    private static final long IDLE_MILLIS = 1_000;

    /** Callers' own pieces of work, run one after the other. */
    private static final StateStore.BatchWork<StateStore.SqlWork<?>, Object> EACH_IN_TURN = (connection, works) -> {
        List<Object> results = new ArrayList<>(works.size());
        for (StateStore.SqlWork<?> work : works) {
            results.add(work.run(connection));
        }
        return results;
    };

    private final StateStore store;
    private final LinkedBlockingQueue<Pending<?, ?>> queued = new LinkedBlockingQueue<>();
    private final AtomicLong commits = new AtomicLong();
    private Thread committer;
    /** A caller is committing its own work on its own thread. */
    private boolean committingAlone;

    private record Pending<I, R>(I item, StateStore.BatchWork<I, R> work, CompletableFuture<R> outcome) {
    }

    GroupCommit(StateStore store) {
        this.store = store;
    }

    <T> T inTransaction(StateStore.SqlWork<T> work) {
        @SuppressWarnings("unchecked")
        StateStore.BatchWork<StateStore.SqlWork<T>, T> eachInTurn = (StateStore.BatchWork<StateStore.SqlWork<T>, T>) (Object) EACH_IN_TURN;
        return inTransaction(work, eachInTurn);
    }

    <I, R> R inTransaction(I item, StateStore.BatchWork<I, R> work) {
        Pending<I, R> mine = new Pending<>(item, work, new CompletableFuture<>());
        boolean alone;
        synchronized (this) {
            // nobody else committing, nor lately (the committing thread ends when idle): commit on this thread, with
            // no hand-over to another (the dispatcher's rows, one after the other, went a third slower through it)
            alone = committer == null && !committingAlone;
            if (alone) {
                committingAlone = true;
            } else {
                queued.add(mine);
                if (committer == null) {
                    committer = new Thread(this::commitQueued, "tajo-group-commit");
                    committer.setDaemon(true);
                    committer.start();
                }
            }
        }
        if (alone) {
            try {
                commit(List.of(mine));
            } finally {
                synchronized (this) {
                    committingAlone = false;
                }
            }
        }
        try {
            return mine.outcome().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (e.getCause() instanceof SQLException sql) {
                throw new StateStoreException(sql);
            }
            throw e;
        }
    }

    /** Commits made so far, each holding one group of callers' transactions. */
    long commits() {
        return commits.get();
    }

    private void commitQueued() {
        try {
            commitUntilIdle();
        } finally {
            synchronized (this) {
                if (committer == Thread.currentThread()) {
                    // ended by an Error: whatever is still queued is failed, not left waiting
                    committer = null;
                    List<Pending<?, ?>> left = new ArrayList<>();
                    queued.drainTo(left);
                    left.forEach(pending -> pending.outcome().completeExceptionally(
                            new StateStoreException("State store unavailable: its committing thread ended")));
                }
            }
        }
    }

    private void commitUntilIdle() {
        List<Pending<?, ?>> group = new ArrayList<>();
        while (true) {
            Pending<?, ?> first;
            try {
                first = queued.poll(IDLE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                synchronized (this) {
                    if (queued.isEmpty()) {
                        committer = null;
                        return;
                    }
                }
                continue;
            }
            group.add(first);
            queued.drainTo(group, MAX_GROUP - 1);
            commit(group);
            group.clear();
        }
    }

    private void commit(List<Pending<?, ?>> group) {
        List<Runnable> onCommit = new ArrayList<>(group.size());
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                // alone in its group, work that fails is rolled back with the transaction: no savepoint needed
                boolean savepoints = group.size() > 1;
                for (int from = 0; from < group.size(); ) {
                    int to = from + 1;
                    while (to < group.size() && group.get(to).work() == group.get(from).work()) {
                        to++;
                    }
                    List<Pending<?, ?>> run = group.subList(from, to);
                    if (!runTogether(connection, run, savepoints, onCommit)) {
                        // one of them failed: each is run again alone, so only the one that fails is rolled back
                        for (Pending<?, ?> pending : run) {
                            runTogether(connection, List.of(pending), savepoints, onCommit);
                        }
                    }
                    from = to;
                }
                connection.commit();
                commits.incrementAndGet();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (Throwable e) {
            // nothing of the group was committed: every caller still waiting is told (an Error too)
            group.forEach(pending -> pending.outcome().completeExceptionally(e));
            if (e instanceof VirtualMachineError error) {
                throw error;
            }
            return;
        }
        onCommit.forEach(Runnable::run);
    }

    /**
     * Runs the work of callers of one kind in one call, inside a savepoint; false when it failed with more than one
     * caller (rolled back, nobody told yet). Work of one caller that fails is rolled back and its caller told.
     */
    private static boolean runTogether(Connection connection, List<Pending<?, ?>> run, boolean savepoints, List<Runnable> onCommit)
            throws SQLException {
        Savepoint savepoint = savepoints ? connection.setSavepoint() : null;
        try {
            results(connection, run, onCommit);
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
            return true;
        } catch (SQLException | RuntimeException e) {
            if (savepoint != null) {
                connection.rollback(savepoint);
            } else {
                connection.rollback();
            }
            if (run.size() > 1) {
                return false;
            }
            run.get(0).outcome().completeExceptionally(e);
            return true;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void results(Connection connection, List<Pending<?, ?>> run, List<Runnable> onCommit) throws SQLException {
        StateStore.BatchWork work = run.get(0).work();
        List<Object> items = new ArrayList<>(run.size());
        run.forEach(pending -> items.add(pending.item()));
        List<?> results = work.run(connection, items);
        if (results.size() != run.size()) {
            throw new IllegalStateException("Batch work returned " + results.size() + " results for " + run.size() + " callers");
        }
        for (int i = 0; i < run.size(); i++) {
            CompletableFuture<Object> outcome = (CompletableFuture<Object>) run.get(i).outcome();
            Object result = results.get(i);
            onCommit.add(() -> outcome.complete(result));
        }
    }
}
