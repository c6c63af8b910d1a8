package io.tajo.connectors.brevo;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.store.DeadLetters.DeadLetter;
import io.tajo.connectors.store.IdempotencyKeys;
import io.tajo.connectors.store.SourceContacts;
import io.tajo.connectors.store.SourceVersions;
import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.store.SyncCheckpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable queue in front of Brevo. {@link #enqueue} is {@code direct:brevo}: it validates commands and
 * persists them in one transaction with the caller's idempotency key or sync checkpoint, so an acknowledged
 * webhook or a committed page can never lose its commands. The dispatcher claims due rows with a lease and
 * records each outcome here. Counts what it accepts and dead-letters, and gauges its depth, in the Camel
 * registry's MeterRegistry ({@link BrevoMeters}).
 */
public class BrevoOutbox implements CamelContextAware {

    /**
     * Exchange property: a delivery id to accept only once (webhook id, event id), or a collection of them (the
     * events of one HubSpot delivery): the commands are committed when at least one of them is new.
     */
    public static final String IDEMPOTENCY_KEY = "tajoIdempotencyKey";
    /** Exchange property: a {@link SyncCheckpoint} to commit with the page's commands. */
    public static final String CHECKPOINT = "tajoCheckpoint";
    /** Exchange property: {@link UnmappedRecord}s to dead-letter in the same transaction. */
    public static final String UNMAPPED = "tajoUnmapped";
    /** Exchange property set by enqueue: true when the idempotency key was seen before. */
    public static final String DUPLICATE = "tajoDuplicate";

    private static final Logger LOG = LoggerFactory.getLogger(BrevoOutbox.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<BrevoCommand>> COMMAND_LIST = new TypeReference<>() { };

    /** Owner of this process's leases: its pid first, so a restart on the embedded store can tell a dead owner. */
    private final String nodeId = ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    private final AtomicLong claims = new AtomicLong();
    /** The rows of the dispatcher's current round (one at a time) and the lease owner they were claimed under. */
    private volatile Claim current = new Claim("", List.of(), 0);
    private StateStore store;
    private Duration idempotencyRetention = Duration.ofDays(7);
    private Duration lease = Duration.ofMinutes(2);
    private int claimCommands = 10_000;
    private Duration doneRetention = Duration.ofDays(7);
    private CamelContext camelContext;
    // records nothing until the context has started: camel-micrometer binds its registry after the beans are built
    private volatile MeterRegistry meters = BrevoMeters.registryOf(null);
    private boolean metersRegistered;

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }
    @Override
    public CamelContext getCamelContext() { return camelContext; }
    public void setStore(StateStore store) { this.store = store; }
    public void setIdempotencyRetention(String retention) { this.idempotencyRetention = Duration.parse(retention); }
    public void setLease(String lease) { this.lease = Duration.parse(lease); }
    /** The most commands one dispatch round claims (a row holds up to a batch call's worth), bounding its memory. */
    public void setClaimCommands(int claimCommands) { this.claimCommands = claimCommands; }
    public void setDoneRetention(String retention) { this.doneRetention = Duration.parse(retention); }

    public StateStore store() { return store; }
    public Duration lease() { return lease; }

    /** This process's name as a lease owner: its pid first. */
    public String nodeId() { return nodeId; }

    /**
     * On the embedded store every node is a process on this machine: rows leased by one that is gone (killed
     * mid-round) are taken back at once instead of when their lease runs out. Rows of a live process, such as
     * `tajo run` beside a `tajo connectors sync`, stay with it.
     */
    public void start() throws Exception {
        if (camelContext != null) {
            camelContext.addStartupListener((context, alreadyStarted) -> registerMeters(BrevoMeters.registryOf(context)));
        }
        if (store.isEmbedded()) {
            takeBackRowsOfStoppedProcesses();
        }
    }

    /** Once: Camel tells startup listeners again each time routes start later (a skill enabled at run time). */
    private synchronized void registerMeters(MeterRegistry registry) {
        if (metersRegistered) {
            return;
        }
        metersRegistered = true;
        Gauge.builder(BrevoMeters.OUTBOX_PENDING, this, BrevoOutbox::pending).strongReference(true)
                .description("Outbox rows still to deliver to Brevo").register(registry);
        Gauge.builder(BrevoMeters.DEAD_LETTERS, store, s -> new DeadLetters(s).count()).strongReference(true)
                .description("Dead letters kept in the store").register(registry);
        meters = registry;
    }

    private void takeBackRowsOfStoppedProcesses() {
        int released = store.inTransaction(connection -> {
            int rows = 0;
            for (String owner : Sql.list(connection, "SELECT DISTINCT lease_owner FROM outbox WHERE status = 'pending' "
                    + "AND lease_owner IS NOT NULL", rs -> rs.getString(1))) {
                if (!isLiveProcess(owner)) {
                    rows += Sql.update(connection, "UPDATE outbox SET lease_owner = NULL, lease_until = NULL "
                            + "WHERE status = 'pending' AND lease_owner = ?", owner);
                }
            }
            return rows;
        });
        if (released > 0) {
            LOG.info("Took back {} outbox rows leased by a process that has stopped", released);
        }
    }

    /** True when the owner (pid/...) is a live process on this machine: the embedded store's nodes. */
    public static boolean isLiveProcess(String leaseOwner) {
        try {
            long pid = Long.parseLong(leaseOwner.substring(0, leaseOwner.indexOf('/')));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (RuntimeException notOurFormat) {
            return false;
        }
    }

    /** Entry of {@code direct:brevo}: body is one command or a list of them (objects, maps or JSON). */
    public EnqueueResult enqueue(Exchange exchange) {
        List<BrevoCommand> commands = commandsOf(exchange.getMessage().getBody());
        Object key = exchange.getProperty(IDEMPOTENCY_KEY);
        List<String> idempotencyKeys = key == null ? List.of()
                : key instanceof Collection<?> keys ? keys.stream().map(String::valueOf).toList()
                : List.of(key.toString());
        SyncCheckpoint checkpoint = exchange.getProperty(CHECKPOINT, SyncCheckpoint.class);
        @SuppressWarnings("unchecked")
        List<UnmappedRecord> unmapped = exchange.getProperty(UNMAPPED, List.of(), List.class);
        EnqueueResult result = enqueueUnderKeys(commands, unmapped, idempotencyKeys, checkpoint);
        exchange.setProperty(DUPLICATE, result.duplicate());
        exchange.getMessage().setBody(result);
        return result;
    }

    public EnqueueResult enqueue(List<BrevoCommand> commands, List<UnmappedRecord> unmapped, String idempotencyKey,
                                 SyncCheckpoint checkpoint) {
        return enqueueUnderKeys(commands, unmapped, idempotencyKey == null ? List.of() : List.of(idempotencyKey), checkpoint);
    }

    /** A duplicate when every one of {@code idempotencyKeys} (if any) was accepted before; all are kept from now on. */
    public EnqueueResult enqueueUnderKeys(List<BrevoCommand> commands, List<UnmappedRecord> unmapped, Collection<String> idempotencyKeys,
                                          SyncCheckpoint checkpoint) {
        Enqueued enqueued = store.inGroupCommit(new Enqueue(commands, unmapped, List.copyOf(idempotencyKeys), checkpoint,
                System.currentTimeMillis()), enqueueAll);
        enqueued.accepted().forEach(command -> commandCounter(BrevoMeters.ENQUEUED, command).increment());
        enqueued.deadLettered().forEach(letter -> deadLetterCounter(letter[0], letter[1]).increment());
        LOG.debug("Enqueued {}", enqueued.result());
        return enqueued.result();
    }

    /** What one caller of {@link #enqueueUnderKeys} asks for. */
    private record Enqueue(List<BrevoCommand> commands, List<UnmappedRecord> unmapped, List<String> idempotencyKeys,
                           SyncCheckpoint checkpoint, long now) {
    }

    /** What was done with it: the answer, and the commands accepted and letters written, counted once committed. */
    private record Enqueued(EnqueueResult result, List<BrevoCommand> accepted, List<String[]> deadLettered) {
    }

    /** One instance, so the store's group commit runs the enqueues of concurrent callers in one call of it. */
    private final StateStore.BatchWork<Enqueue, Enqueued> enqueueAll = this::enqueueAll;

    /**
     * The enqueues of several callers (concurrent webhook deliveries, one group commit) with a few statements for all
     * of them: their idempotency keys, source versions and contacts each read and written once for the group, their
     * outbox rows inserted in one batch. Each caller's answer is what it would have been alone, in their order.
     */
    private List<Enqueued> enqueueAll(Connection connection, List<Enqueue> enqueues) throws SQLException {
        List<String> keys = enqueues.stream().flatMap(enqueue -> enqueue.idempotencyKeys().stream()).toList();
        boolean[] newKeys = IdempotencyKeys.acceptAll(connection, keys, enqueues.get(0).now(), idempotencyRetention);
        List<List<BrevoCommand>> valid = new ArrayList<>(enqueues.size());
        List<List<String[]>> deadLettered = new ArrayList<>(enqueues.size());
        boolean[] duplicate = new boolean[enqueues.size()];
        List<SourceVersions.Version> versions = new ArrayList<>();
        List<int[]> versioned = new ArrayList<>();  // {enqueue, its valid command} of each version
        for (int e = 0, firstKey = 0; e < enqueues.size(); e++) {
            Enqueue enqueue = enqueues.get(e);
            int keyCount = enqueue.idempotencyKeys().size();
            duplicate[e] = keyCount > 0 && !anyTrue(newKeys, firstKey, firstKey + keyCount);
            firstKey += keyCount;
            List<String[]> letters = new ArrayList<>();
            List<BrevoCommand> validCommands = new ArrayList<>(enqueue.commands().size());
            deadLettered.add(letters);
            valid.add(validCommands);
            if (duplicate[e]) {
                continue;
            }
            for (UnmappedRecord record : enqueue.unmapped()) {
                DeadLetters.add(connection, DeadLetters.KIND_RECORD, null, record.source(), record.sourceId(), record.record(),
                        "mapping_failed", record.reason(), null, 0, enqueue.now());
                letters.add(new String[] {record.source(), "mapping_failed"});
            }
            for (BrevoCommand command : enqueue.commands()) {
                try {
                    command.validate();
                    validCommands.add(command);
                } catch (InvalidCommandException invalid) {
                    DeadLetters.add(connection, DeadLetters.KIND_COMMAND, command.op(), command.source(), command.sourceId(),
                            writeJson(command), "invalid_command", invalid.getMessage(), null, 0, enqueue.now());
                    letters.add(new String[] {command.source(), "invalid_command"});
                }
            }
            // out-of-order protection: a command older than its record's stored version is dropped
            for (int c = 0; c < validCommands.size(); c++) {
                BrevoCommand command = validCommands.get(c);
                Long version = command.sourceId() == null ? null : command.versionMillis();
                if (version != null) {
                    versions.add(new SourceVersions.Version(command.source(), command.sourceId(), version));
                    versioned.add(new int[] {e, c});
                }
            }
        }
        boolean[] advanced = SourceVersions.advanceAll(connection, versions);
        List<Set<Integer>> stale = new ArrayList<>(enqueues.size());
        enqueues.forEach(enqueue -> stale.add(new HashSet<>()));
        for (int v = 0; v < versioned.size(); v++) {
            if (!advanced[v]) {
                stale.get(versioned.get(v)[0]).add(versioned.get(v)[1]);
            }
        }
        List<SourceContacts.Contact> contacts = new ArrayList<>();
        List<List<BrevoCommand>> rows = new ArrayList<>();
        List<Enqueued> results = new ArrayList<>(enqueues.size());
        for (int e = 0; e < enqueues.size(); e++) {
            Enqueue enqueue = enqueues.get(e);
            if (duplicate[e]) {
                // a sync that meets an event it applied before (or a webhook delivered) still moves past it
                if (enqueue.checkpoint() != null) {
                    enqueue.checkpoint().save(connection, enqueue.now());
                }
                results.add(new Enqueued(EnqueueResult.ofDuplicate(), List.of(), List.of()));
                continue;
            }
            List<BrevoCommand> accepted = new ArrayList<>(valid.get(e).size());
            Map<String, List<BrevoCommand>> groups = new LinkedHashMap<>();
            for (int c = 0; c < valid.get(e).size(); c++) {
                if (stale.get(e).contains(c)) {
                    continue;
                }
                BrevoCommand command = valid.get(e).get(c);
                if (command.brevoOp() == BrevoOp.UPSERT_CONTACT && command.sourceId() != null) {
                    contacts.add(new SourceContacts.Contact(command.source(), command.sourceId(), command.identifier()));
                }
                String batchKey = command.batchKey();
                String group = command.op() + "|" + (batchKey == null ? "solo:" + groups.size() : batchKey);
                groups.computeIfAbsent(group, g -> new ArrayList<>()).add(command);
                accepted.add(command);
            }
            int rowCount = 0;
            for (List<BrevoCommand> group : groups.values()) {
                int perRow = group.get(0).brevoOp().maxPerRequest();
                for (int from = 0; from < group.size(); from += perRow) {
                    rows.add(group.subList(from, Math.min(group.size(), from + perRow)));
                    rowCount++;
                }
            }
            if (enqueue.checkpoint() != null) {
                enqueue.checkpoint().save(connection, enqueue.now());
            }
            int invalid = enqueue.commands().size() - valid.get(e).size();
            int staleCount = stale.get(e).size();
            results.add(new Enqueued(new EnqueueResult(false, rowCount, enqueue.commands().size() - staleCount - invalid,
                    staleCount, invalid + enqueue.unmapped().size()), accepted, deadLettered.get(e)));
        }
        SourceContacts.rememberAll(connection, contacts, enqueues.get(0).now());
        insertRows(connection, rows, enqueues.get(0).now());
        return results;
    }

    private static boolean anyTrue(boolean[] values, int from, int to) {
        for (int i = from; i < to; i++) {
            if (values[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The keys among {@code keys} accepted before, so a caller can leave out the part of a delivery already taken
     * (a HubSpot batch retried with some of its events). Only a hint: {@link #enqueueUnderKeys} still decides.
     */
    public Set<String> alreadyAccepted(Collection<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        return store.inTransaction(connection -> IdempotencyKeys.acceptedBefore(connection, keys));
    }

    /** Outbox rows, each holding its commands, in two batches: the rows, then their commands under the ids given. */
    private static void insertRows(Connection connection, List<List<BrevoCommand>> rows, long now) throws SQLException {
        long[] ids = Sql.insertAll(connection, "INSERT INTO outbox (op, bucket, batch_key, command_count, source, status, "
                + "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)", "id", rows.stream().map(commands -> {
                    BrevoCommand first = commands.get(0);
                    return new Object[] {first.op(), first.brevoOp().bucket().name(), first.batchKey(), commands.size(),
                        first.source(), now, now};
                }).toList());
        List<Object[]> commands = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            commands.add(new Object[] {ids[i], writeJson(rows.get(i))});
        }
        Sql.batch(connection, "INSERT INTO outbox_commands (outbox_id, commands) VALUES (?, ?)", commands);
    }

    static List<BrevoCommand> commandsOf(Object body) {
        try {
            if (body instanceof BrevoCommand command) {
                return List.of(command);
            }
            if (body instanceof List<?> list && list.stream().allMatch(BrevoCommand.class::isInstance)) {
                return list.stream().map(BrevoCommand.class::cast).toList();
            }
            JsonNode tree = body instanceof String text ? JSON.readTree(text) : JSON.valueToTree(body);
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                throw new InvalidCommandException("direct:brevo needs a Brevo command or a list of them, got nothing");
            }
            return tree.isArray() ? JSON.convertValue(tree, COMMAND_LIST) : List.of(JSON.treeToValue(tree, BrevoCommand.class));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidCommandException("not a Brevo command: " + e.getMessage());
        }
    }

    /**
     * Leases up to {@code limit} due rows, holding at most {@link #setClaimCommands} commands (at least one row), to this
     * node, oldest first; rows of a dead node come back when their lease ends.
     */
    public List<OutboxRow> claimDue(int limit) {
        long now = System.currentTimeMillis();
        String owner = nodeId + "#" + claims.incrementAndGet();
        return store.inTransaction(connection -> {
            // pick the due rows first, then lease exactly those: one pass over the pending rows in id order
            List<long[]> due = Sql.list(connection, "SELECT id, command_count FROM outbox WHERE status = 'pending' "
                    + "AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED",
                    rs -> new long[] {rs.getLong(1), rs.getLong(2)}, now, now, limit);
            // at most claimCommands commands (at least one row): the round's rows are all in memory until it ends
            List<Long> ids = new ArrayList<>();
            long claimed = 0;
            for (long[] row : due) {
                if (!ids.isEmpty() && claimed + row[1] > claimCommands) {
                    break;
                }
                ids.add(row[0]);
                claimed += row[1];
            }
            if (!ids.isEmpty()) {
                Sql.update(connection, "UPDATE outbox SET lease_owner = ?, lease_until = ? WHERE id IN (" + idList(ids) + ")",
                        owner, now + lease.toMillis());
            }
            current = new Claim(owner, ids, now + lease.toMillis());
            return ids.isEmpty() ? List.<OutboxRow>of() : Sql.list(connection,
                    "SELECT o.id, o.op, o.batch_key, c.commands, o.attempts, o.solo FROM outbox o "
                            + "JOIN outbox_commands c ON c.outbox_id = o.id WHERE o.lease_owner = ? ORDER BY o.id",
                    rs -> new OutboxRow(rs.getLong(1), BrevoOp.of(rs.getString(2)).orElseThrow(), rs.getString(3),
                            readCommands(rs.getString(4)), rs.getInt(5), rs.getBoolean(6)), owner);
        });
    }

    /**
     * Before a call: extends the lease on the rows of the dispatcher's current round still held (the call's and those
     * waiting for later calls) and says whether it still holds all of {@code rows}. A round slower than the lease may
     * have lost rows to another node, which sends them itself: this node must not, so it lets go of the call's other
     * rows and skips it. While more than half of the lease is left, no other node may take the rows yet: nothing to
     * ask the store (a commit per call is what bounded dispatch).
     */
    public boolean renewLease(List<OutboxRow> rows) {
        long now = System.currentTimeMillis();
        Claim claim = current;
        if (now < claim.leaseUntil() - lease.toMillis() / 2) {
            return true;
        }
        String round = idList(claim.ids());
        String call = idList(rows.stream().map(OutboxRow::id).toList());
        boolean held = store.inTransaction(connection -> {
            if (!claim.ids().isEmpty()) {
                Sql.update(connection, "UPDATE outbox SET lease_until = ? WHERE id IN (" + round + ") AND status = 'pending' "
                        + "AND lease_owner = ?", now + lease.toMillis(), claim.owner());
            }
            long stillHeld = Sql.count(connection, "SELECT COUNT(*) FROM outbox WHERE id IN (" + call + ") AND status = 'pending' "
                    + "AND lease_owner = ?", claim.owner());
            if (stillHeld == rows.size()) {
                return true;
            }
            Sql.update(connection, "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE id IN (" + call + ") "
                    + "AND lease_owner = ?", claim.owner());
            LOG.info("Lease on {} of {} outbox rows ran out and another node took them over: it sends them",
                    rows.size() - stillHeld, rows.size());
            return false;
        });
        if (held && current == claim) {
            current = new Claim(claim.owner(), claim.ids(), now + lease.toMillis());
        }
        return held;
    }

    private static String idList(List<Long> ids) {
        return String.join(",", ids.stream().map(String::valueOf).toList());
    }

    private record Claim(String owner, List<Long> ids, long leaseUntil) { }

    /** Drops commands whose source record already has a newer version accepted; returns what is still to send. */
    public List<OutboxRow> withoutSuperseded(List<OutboxRow> rows) {
        // each command's version parsed once (an ISO date-time: not free for thousands of commands a round)
        Map<BrevoCommand, Long> versions = new IdentityHashMap<>();
        rows.forEach(row -> row.commands().stream().filter(c -> c.sourceId() != null).forEach(c -> {
            Long version = c.versionMillis();
            if (version != null) {
                versions.put(c, version);
            }
        }));
        if (versions.isEmpty()) {
            return rows;
        }
        Map<String, Long> newest = store.inTransaction(connection -> SourceVersions.newest(connection,
                versions.keySet().stream().map(c -> new String[] {c.source(), c.sourceId()}).toList()));
        Predicate<BrevoCommand> isCurrent = c -> {
            Long version = versions.get(c);
            Long stored = version == null ? null : newest.get(SourceVersions.key(c.source(), c.sourceId()));
            return stored == null || version >= stored;
        };
        List<OutboxRow> current = new ArrayList<>();
        List<Long> superseded = new ArrayList<>();
        for (OutboxRow row : rows) {
            List<BrevoCommand> kept = row.commands().stream().filter(isCurrent).toList();
            if (kept.isEmpty()) {
                superseded.add(row.id());
            } else {
                current.add(kept.size() == row.commands().size() ? row
                        : new OutboxRow(row.id(), row.op(), row.batchKey(), kept, row.attempts(), row.solo()));
            }
        }
        if (!superseded.isEmpty()) {
            finish(superseded, "superseded");
            LOG.debug("{} outbox rows superseded by newer versions", superseded.size());
        }
        return current;
    }

    public void markDelivered(Collection<Long> rowIds) {
        finish(rowIds, "delivered");
    }

    private void finish(Collection<Long> rowIds, String status) {
        long now = System.currentTimeMillis();
        if (rowIds.isEmpty()) {
            return;
        }
        store.inGroupCommit(connection -> Sql.update(connection, "UPDATE outbox SET status = ?, done_at = ?, lease_owner = NULL, "
                + "lease_until = NULL WHERE id IN (" + idList(List.copyOf(rowIds)) + ")", status, now));
    }

    /** Puts a row back for a later attempt; {@code countAttempt} is false when it was only held (circuit open). */
    public void reschedule(OutboxRow row, long notBefore, String error, boolean countAttempt, boolean solo) {
        String kept = error == null ? null : error.substring(0, Math.min(1000, error.length()));
        store.inTransaction(connection -> Sql.update(connection, "UPDATE outbox SET attempts = attempts + ?, next_attempt_at = ?, "
                + "last_error = ?, solo = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
                countAttempt ? 1 : 0, notBefore, kept, solo || row.solo(), row.id()));
    }

    /** Moves every command of a row to the dead letters with Brevo's reason, and closes the row. */
    public void deadLetter(OutboxRow row, String code, String message, Integer httpStatus) {
        long now = System.currentTimeMillis();
        store.inTransaction(connection -> {
            for (BrevoCommand command : row.commands()) {
                DeadLetters.add(connection, DeadLetters.KIND_COMMAND, command.op(), command.source(), command.sourceId(),
                        writeJson(command), code, message, httpStatus, row.attempts() + 1, now);
            }
            return Sql.update(connection, "UPDATE outbox SET status = 'dead', done_at = ?, last_error = ?, lease_owner = NULL, "
                    + "lease_until = NULL WHERE id = ?", now, code, row.id());
        });
        row.commands().forEach(command -> deadLetterCounter(command.source(), code).increment());
    }

    /** Counts commands Brevo took (or the dry-run file did), by connector and op. */
    void countDelivered(List<OutboxRow> rows) {
        rows.forEach(row -> row.commands().forEach(command -> commandCounter(BrevoMeters.DELIVERED, command).increment()));
    }

    MeterRegistry meters() {
        return meters;
    }

    private Counter commandCounter(String name, BrevoCommand command) {
        return Counter.builder(name).tag("connector", String.valueOf(command.source())).tag("op", String.valueOf(command.op()))
                .register(meters);
    }

    private Counter deadLetterCounter(String connector, String code) {
        return Counter.builder(BrevoMeters.DEAD_LETTERED).tag("connector", String.valueOf(connector)).tag("code", code)
                .register(meters);
    }

    /** Sends dead-lettered commands again: back into the outbox and out of the dead letters, in one transaction. */
    public int replay(DeadLetters.Filter filter) {
        long now = System.currentTimeMillis();
        return store.inTransaction(connection -> {
            List<DeadLetter> letters = DeadLetters.select(connection, filter, true).stream()
                    .filter(letter -> DeadLetters.KIND_COMMAND.equals(letter.kind())).toList();
            List<List<BrevoCommand>> rows = new ArrayList<>(letters.size());
            for (DeadLetter letter : letters) {
                rows.add(readCommands("[" + letter.body() + "]"));
            }
            insertRows(connection, rows, now);
            DeadLetters.delete(connection, letters.stream().map(DeadLetter::id).toList());
            return letters.size();
        });
    }

    /** Housekeeping: forgets expired delivery ids and finished rows past their retention, so the store stays small. */
    public String purgeExpired() {
        long now = System.currentTimeMillis();
        return store.inTransaction(connection -> {
            int keys = Sql.update(connection, "DELETE FROM idempotency_key WHERE expires_at < ?", now);
            int rows = Sql.update(connection, "DELETE FROM outbox WHERE status <> 'pending' AND done_at < ?",
                    now - doneRetention.toMillis());
            return "removed " + keys + " expired idempotency keys and " + rows + " finished outbox rows";
        });
    }

    /** Rows still to deliver: the outbox depth shown by status and metrics. */
    public long pending() {
        return store.inTransaction(connection -> Sql.count(connection, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"));
    }

    private static List<BrevoCommand> readCommands(String json) {
        try {
            return JSON.readValue(json, COMMAND_LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Corrupt outbox row: " + e.getOriginalMessage(), e);
        }
    }

    private static String writeJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
