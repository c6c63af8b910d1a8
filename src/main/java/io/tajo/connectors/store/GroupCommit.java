package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: the transactions of concurrent callers run one after another on one connection, each inside a
 * savepoint, and are committed together. Each caller returns only once the commit that holds its work is done, so
 * nothing is acknowledged before it is durable; work that throws is rolled back to its savepoint alone, and a
 * failed commit fails every caller of the group.
 *
 * <p>There is no thread of its own: a caller queues its work and takes the commit lock; whoever holds it commits
 * what is queued by then (its own and the work of everyone who arrived while the previous group committed).
 * The work must not call the store again: it runs on the committing caller's thread.
 */
final class GroupCommit {

    /** Most pieces of work in one group: bounds how long the first of them waits. */
    private static final int MAX_GROUP = 256;

    private final StateStore store;
    private final ConcurrentLinkedQueue<Pending<?>> queued = new ConcurrentLinkedQueue<>();
    private final ReentrantLock commitLock = new ReentrantLock();

    private record Pending<T>(StateStore.SqlWork<T> work, CompletableFuture<T> outcome) {
        void run(Connection connection, List<Runnable> onCommit) throws SQLException {
            T result = work.run(connection);
            onCommit.add(() -> outcome.complete(result));
        }
    }

    GroupCommit(StateStore store) {
        this.store = store;
    }

    <T> T inTransaction(StateStore.SqlWork<T> work) {
        Pending<T> mine = new Pending<>(work, new CompletableFuture<>());
        queued.add(mine);
        commitLock.lock();
        try {
            while (!mine.outcome().isDone()) {
                List<Pending<?>> group = new ArrayList<>();
                for (Pending<?> next = queued.poll(); next != null; next = group.size() < MAX_GROUP ? queued.poll() : null) {
                    group.add(next);
                }
                commit(group);
            }
        } finally {
            commitLock.unlock();
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

    private void commit(List<Pending<?>> group) {
        List<Runnable> onCommit = new ArrayList<>(group.size());
        try (Connection connection = store.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Pending<?> pending : group) {
                    // alone in its group, work that fails is rolled back with the transaction: no savepoint needed
                    Savepoint savepoint = group.size() > 1 ? connection.setSavepoint() : null;
                    try {
                        pending.run(connection, onCommit);
                        if (savepoint != null) {
                            connection.releaseSavepoint(savepoint);
                        }
                    } catch (SQLException | RuntimeException e) {
                        if (savepoint != null) {
                            connection.rollback(savepoint);
                        } else {
                            connection.rollback();
                        }
                        pending.outcome().completeExceptionally(e);
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (Throwable e) {
            // nothing of the group was committed: every caller still waiting is told (an Error too, then rethrown)
            group.forEach(pending -> pending.outcome().completeExceptionally(e));
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        onCommit.forEach(Runnable::run);
    }
}
