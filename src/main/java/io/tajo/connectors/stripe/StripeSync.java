package io.tajo.connectors.stripe;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tajo.connectors.PlatformApiException;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.mapping.ContactMapper;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.store.SyncCheckpoint;
import io.tajo.connectors.sync.SyncRun;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of Stripe syncs between pages (DESIGN §6). A resource is first listed ({@code /v1/customers},
 * {@code /v1/charges}, newest first, {@code starting_after}); once listed, later runs apply the events since
 * ({@code /v1/events}, oldest first) through the same {@code direct:stripe-event} the webhooks use.
 * Checkpoint cursors: {@code list:<listing start>} while a listing is under way (last id: the last object
 * listed), {@code events} afterwards (watermark and last id: the newest event applied).
 */
public class StripeSync {

    static final String CONNECTOR = "stripe";
    static final String LIST = "list:";
    static final String EVENTS = "events";
    /**
     * The event types each resource follows; the same types {@code direct:stripe-event} handles. Subscriptions
     * belong to the customer's contact, payments to the charges.
     */
    static final Map<String, List<String>> EVENT_TYPES = Map.of(
            "customers", List.of("customer.created", "customer.updated", "customer.deleted",
                    "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted"),
            "charges", List.of("charge.succeeded", "charge.refunded", "payment_intent.succeeded",
                    "checkout.session.completed", "invoice.paid"));
    /** Events created just before a listing starts may not be listed by it yet: they are applied after it. */
    private static final Duration LIST_OVERLAP = Duration.ofMinutes(1);
    /** A quiet account's watermark is kept this recent, so it never ages past what Stripe keeps. */
    private static final Duration QUIET_WATERMARK = Duration.ofDays(1);
    /** Room left before Stripe's retention ends, so no event ages out while a run reads it. */
    private static final Duration RETENTION_MARGIN = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(StripeSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateStore store;
    private int pageSize = 100;
    private Duration eventsRetention = Duration.ofDays(30);

    public void setStore(StateStore store) { this.store = store; }
    public void setPageSize(int pageSize) { this.pageSize = Math.max(1, Math.min(100, pageSize)); }
    public void setEventsRetention(String retention) { this.eventsRetention = Duration.parse(retention); }

    /**
     * Starts a run of {@link SyncRun#RESOURCE}: the events since the stored checkpoint, or a listing when there is none,
     * when {@link SyncRun#FULL} asks for it, when a listing was interrupted, or when the events since are older than
     * Stripe keeps.
     */
    public StripeSyncRun beginRun(Exchange exchange) {
        String resource = exchange.getProperty(SyncRun.RESOURCE, String.class);
        if (!EVENT_TYPES.containsKey(resource == null ? "" : resource)) {
            throw new IllegalArgumentException("Stripe sync knows customers and charges, not '" + resource + "'");
        }
        boolean full = exchange.getProperty(SyncRun.FULL, false, Boolean.class);
        Instant now = Instant.now();
        Optional<SyncCheckpoint> stored = full ? Optional.empty() : SyncCheckpoint.load(store, CONNECTOR, resource);
        StripeSyncRun run = stored.map(checkpoint -> resume(resource, checkpoint, now))
                .orElseGet(() -> new StripeSyncRun(resource, full, false, now.minus(LIST_OVERLAP), null, null));
        exchange.setProperty(StripeSyncRun.PROPERTY, run);
        exchange.setProperty(SyncRun.RUN, run);
        return run;
    }

    private StripeSyncRun resume(String resource, SyncCheckpoint checkpoint, Instant now) {
        String cursor = checkpoint.cursor() == null ? "" : checkpoint.cursor();
        if (cursor.startsWith(LIST)) {
            return new StripeSyncRun(resource, false, false, Instant.parse(cursor.substring(LIST.length())), checkpoint.lastId(), checkpoint);
        }
        Instant watermark = Instant.parse(checkpoint.watermark());
        if (watermark.isBefore(now.minus(eventsRetention).plus(RETENTION_MARGIN))) {
            LOG.warn("Stripe {} last synced up to {}, but Stripe keeps events only {} days: listing every {} again instead",
                    resource, watermark, eventsRetention.toDays(), resource);
            return new StripeSyncRun(resource, false, false, now.minus(LIST_OVERLAP), null, null);
        }
        return new StripeSyncRun(resource, false, true, watermark, checkpoint.lastId(), checkpoint);
    }

    /** The next page of the listing: newest first, after the last object listed. */
    public void listPageRequest(Exchange exchange) {
        StripeSyncRun run = run(exchange);
        StringBuilder query = new StringBuilder("limit=").append(pageSize);
        if (run.cursor() != null) {
            query.append("&starting_after=").append(encode(run.cursor()));
        }
        if (run.resource().equals("charges")) {
            // the payer's email, when the charge has no receipt email, without a call per customer
            query.append("&").append(encode("expand[]")).append("=data.customer");
        }
        request(exchange, "/v1/" + run.resource(), query);
    }

    /**
     * Body: a page of the listing. Returns its objects, and sets the checkpoint committed with them: the last object
     * listed, or once the listing is done, the events from when it started. Customers get the moment Stripe
     * answered as their version: an event older than that is already in what was listed.
     */
    public ArrayNode readListPage(Exchange exchange) {
        StripeSyncRun run = run(exchange);
        JsonNode page = exchange.getMessage().getBody(JsonNode.class);
        ArrayNode data = list(page, run.resource());
        boolean hasMore = page.path("has_more").asBoolean(false) && !data.isEmpty();
        JsonNode last = data.isEmpty() ? null : data.get(data.size() - 1);
        SyncCheckpoint checkpoint = hasMore
                ? new SyncCheckpoint(CONNECTOR, run.resource(), Instant.ofEpochSecond(last.path("created").asLong()).toString(),
                        last.path("id").asText(), LIST + run.since())
                : new SyncCheckpoint(CONNECTOR, run.resource(), run.since().toString(), null, EVENTS);
        exchange.setProperty(BrevoOutbox.CHECKPOINT, checkpoint);
        exchange.setProperty(ContactMapper.SOURCE_VERSION, exchange.getProperty(StripeApi.ANSWERED_AT, Long.class));
        run.pageRead(data.size(), hasMore, hasMore ? last.path("id").asText() : null, checkpoint);
        LOG.debug("Stripe {} listing: {} objects, more: {}", run.resource(), data.size(), hasMore);
        return data;
    }

    /**
     * The next page of events: while looking for the oldest event since the watermark, newest first from there
     * ({@code created[gte]}, {@code starting_after}); then the page of events just newer than the newest applied
     * ({@code ending_before}).
     */
    public void eventsPageRequest(Exchange exchange) {
        StripeSyncRun run = run(exchange);
        StringBuilder query = new StringBuilder("limit=").append(pageSize);
        for (String type : EVENT_TYPES.get(run.resource())) {
            query.append("&").append(encode("types[]")).append("=").append(type);
        }
        if (run.walking()) {
            query.append("&").append(encode("created[gte]")).append("=").append(run.since().getEpochSecond());
            if (run.cursor() != null) {
                query.append("&starting_after=").append(encode(run.cursor()));
            }
        } else {
            query.append("&ending_before=").append(encode(run.cursor()));
        }
        request(exchange, "/v1/events", query);
    }

    /**
     * Body: a page of events, newest first. Returns the events to apply, oldest first: none while the oldest page
     * is still ahead. A repeat of one applied before (by webhook or an earlier run) is dropped by its event id.
     */
    public ArrayNode readEventsPage(Exchange exchange) {
        StripeSyncRun run = run(exchange);
        JsonNode page = exchange.getMessage().getBody(JsonNode.class);
        ArrayNode data = list(page, "events");
        boolean hasMore = page.path("has_more").asBoolean(false) && !data.isEmpty();
        ArrayNode oldestFirst = JSON.createArrayNode();
        if (run.walking() && hasMore) {
            run.walkedPast(data.get(data.size() - 1).path("id").asText());
            run.pageRead(0, true, run.cursor(), null);
            return oldestFirst;
        }
        boolean newerAhead = run.walking() ? run.cursor() != null : hasMore;
        run.walkEnded();
        for (int i = data.size() - 1; i >= 0; i--) {
            oldestFirst.add(data.get(i));
        }
        String newest = data.isEmpty() ? run.cursor() : data.get(0).path("id").asText();
        run.pageRead(0, newerAhead && !data.isEmpty(), newest, null);
        LOG.debug("Stripe {} events page: {} events, newer ones ahead: {}", run.resource(), data.size(), newerAhead);
        return oldestFirst;
    }

    /** Body: one event of the page. It goes to direct:stripe-event as raw JSON, with the checkpoint just after it. */
    public byte[] eventToApply(Exchange exchange) throws Exception {
        StripeSyncRun run = run(exchange);
        JsonNode event = exchange.getMessage().getBody(JsonNode.class);
        exchange.setProperty(BrevoOutbox.CHECKPOINT, new SyncCheckpoint(CONNECTOR, run.resource(),
                Instant.ofEpochSecond(event.path("created").asLong()).toString(), event.path("id").asText(), EVENTS));
        return JSON.writeValueAsBytes(event);
    }

    /** The event's commands (or its being a repeat) are committed with its checkpoint. */
    public void eventApplied(Exchange exchange) {
        run(exchange).eventApplied(exchange.getProperty(BrevoOutbox.DUPLICATE, false, Boolean.class),
                exchange.getProperty(BrevoOutbox.CHECKPOINT, SyncCheckpoint.class));
    }

    /** The page read last is committed: the run moves past it. */
    public void pageCommitted(Exchange exchange) {
        run(exchange).pageCommitted();
    }

    /**
     * Ends the run. An account with no event for a day has its watermark moved up to a day ago (what is seen again
     * is dropped by event id), so a quiet month does not force a new listing. Logs the summary; body: the run.
     */
    public StripeSyncRun finishRun(Exchange exchange) {
        StripeSyncRun run = run(exchange);
        if (run.fromEvents()) {
            Instant floor = Instant.now().minus(QUIET_WATERMARK);
            Instant watermark = run.checkpoint() == null ? run.since() : Instant.parse(run.checkpoint().watermark());
            if (watermark.isBefore(floor)) {
                SyncCheckpoint moved = new SyncCheckpoint(CONNECTOR, run.resource(), floor.toString(), null, EVENTS);
                store.inTransaction(connection -> {
                    moved.save(connection, System.currentTimeMillis());
                    return null;
                });
                run.checkpointMoved(moved);
            }
        }
        LOG.info("{}", run.summary());
        return run;
    }

    private static void request(Exchange exchange, String path, CharSequence query) {
        exchange.setProperty(StripeApi.PATH, path);
        exchange.setProperty(StripeApi.QUERY, query.toString());
    }

    private static ArrayNode list(JsonNode page, String what) {
        if (page == null || !page.path("data").isArray()) {
            throw new PlatformApiException("Stripe answered the " + what + " list without a data array");
        }
        return (ArrayNode) page.get("data");
    }

    private static StripeSyncRun run(Exchange exchange) {
        return exchange.getProperty(StripeSyncRun.PROPERTY, StripeSyncRun.class);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
