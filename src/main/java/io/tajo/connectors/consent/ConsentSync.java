package io.tajo.connectors.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.PersonalData;
import io.tajo.connectors.store.ConsentStates;
import io.tajo.connectors.store.EmailConsents;
import io.tajo.connectors.store.IdempotencyKeys;
import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.webhook.WebhookBody;
import io.tajo.connectors.webhook.WebhookRejectedException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * consent-sync: Brevo's marketing webhooks (unsubscribed, hard bounce, spam) become consent changes queued for each
 * connected platform ({@link ConsentTarget}) and pushed to it with retries. Brevo signs nothing, so the webhook
 * carries a bearer token we configure on it. A change is queued only for a platform whose consent, as last seen
 * or pushed, differs: the platform's own consent webhook echoing our change back to Brevo, and Brevo's answer to
 * that, stop there instead of bouncing forever.
 */
public class ConsentSync implements CamelContextAware {

    /** Exchange property set by {@link #record}: how many consent changes the delivery queued. */
    public static final String QUEUED = "tajoConsentQueued";
    private static final Logger LOG = LoggerFactory.getLogger(ConsentSync.class);
    /** Brevo's event names, as its marketing webhooks spell them (both spellings seen), folded: no case, no '_'. */
    private static final Set<String> UNSUBSCRIBING = Set.of("unsubscribe", "unsubscribed", "hardbounce", "spam");

    private CamelContext camelContext;
    private StateStore store;
    private String token = "";
    private List<String> targetNames = List.of();
    private Duration idempotencyRetention = Duration.ofDays(7);
    private Duration retryInitialDelay = Duration.ofSeconds(30);
    private Duration retryMaxDelay = Duration.ofHours(1);
    private int maxAttempts = 20;
    private List<ConsentTarget> targets = List.of();

    @Override public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }
    @Override public CamelContext getCamelContext() { return camelContext; }
    public void setStore(StateStore store) { this.store = store; }
    public void setToken(String token) { this.token = token == null ? "" : token.trim(); }
    public void setTargets(String names) {
        this.targetNames = Arrays.stream(names.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
    }
    public void setIdempotencyRetention(String retention) { this.idempotencyRetention = Duration.parse(retention.trim()); }
    public void setRetryInitialDelay(String delay) { this.retryInitialDelay = Duration.parse(delay.trim()); }
    public void setRetryMaxDelay(String delay) { this.retryMaxDelay = Duration.parse(delay.trim()); }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }

    /** Finds the target beans ({@code <connector>Consent}); a name without one is a configuration error. */
    public void start() {
        List<ConsentTarget> found = new ArrayList<>();
        for (String name : targetNames) {
            ConsentTarget target = camelContext.getRegistry().lookupByNameAndType(name + "Consent", ConsentTarget.class);
            if (target == null) {
                throw new IllegalArgumentException("tajo.consent.targets names '" + name + "', but no connector takes consent "
                        + "by that name (known: a bean " + name + "Consent in routes/beans.camel.yaml)");
            }
            found.add(target);
        }
        targets = List.copyOf(found);
        if (token.isEmpty()) {
            LOG.info("Brevo consent webhooks not configured: no TAJO_BREVO_WEBHOOK_TOKEN, so every delivery is refused (401)");
        }
    }

    /** 401 unless the delivery carries {@code Authorization: Bearer <the configured token>}. */
    public void verify(Exchange exchange) {
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        if (token.isEmpty() || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new WebhookRejectedException(401, "missing bearer token");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
            throw new WebhookRejectedException(401, "wrong bearer token");
        }
    }

    /**
     * The delivery's events (one object, or an array when the webhook is batched): each one not seen before that
     * unsubscribes an email queues a change for every connected platform whose consent is not already that; all in
     * one transaction with the events' idempotency keys.
     */
    public void record(Exchange exchange) {
        List<JsonNode> events = events(exchange.getMessage().getBody(byte[].class));
        long now = System.currentTimeMillis();
        int queued = store.inTransaction(connection -> {
            int count = 0;
            for (JsonNode event : events) {
                String name = event.path("event").asText("").replace("_", "").toLowerCase(Locale.ROOT);
                String email = email(event).orElse(null);
                if (!UNSUBSCRIBING.contains(name) || email == null) {
                    continue;
                }
                String key = "brevo:" + event.path("id").asText() + ":" + name + ":" + email + ":"
                        + event.path("ts_event").asText(event.path("ts").asText(event.path("date").asText("")));
                if (!IdempotencyKeys.accept(connection, key, now, idempotencyRetention)) {
                    continue;
                }
                // the person's own word, for the skills (abandoned-cart sends nothing more to an unsubscribed email)
                EmailConsents.record(connection, email, false, "brevo", eventTime(event, now));
                for (ConsentTarget target : targets) {
                    if (target.isConnected() && ConsentStates.change(connection, target.connector(), email, false, now)) {
                        Sql.update(connection, "INSERT INTO consent_push (connector, email, subscribed, reason, status, attempts, "
                                + "next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)",
                                target.connector(), email, false, name, now, now);
                        count++;
                    }
                }
            }
            return count;
        });
        exchange.setProperty(QUEUED, queued);
    }

    /** Pushes the due consent changes, one row (locked) at a time; a failure is tried again later with backoff. */
    public int pushDue() {
        int pushed = 0;
        while (pushed < 100 && pushOne()) {
            pushed++;
        }
        return pushed;
    }

    private boolean pushOne() {
        return store.inTransaction(connection -> {
            long now = System.currentTimeMillis();
            Optional<Push> due = Sql.first(connection, "SELECT id, connector, email, subscribed, attempts FROM consent_push "
                    + "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                    rs -> new Push(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getInt(5)), now);
            if (due.isEmpty()) {
                return false;
            }
            Push push = due.get();
            try {
                target(push.connector()).apply(push.email(), push.subscribed());
                Sql.update(connection, "UPDATE consent_push SET status = 'done', attempts = ?, done_at = ?, last_error = NULL "
                        + "WHERE id = ?", push.attempts() + 1, System.currentTimeMillis(), push.id());
            } catch (RuntimeException e) {
                int attempts = push.attempts() + 1;
                boolean givenUp = attempts >= maxAttempts;
                long delay = Math.min(retryMaxDelay.toMillis(), retryInitialDelay.toMillis() << Math.min(attempts - 1, 20));
                Sql.update(connection, "UPDATE consent_push SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? "
                        + "WHERE id = ?", givenUp ? "failed" : "pending", attempts, now + delay, oneLine(e), push.id());
                if (givenUp) {
                    LOG.warn("Consent change {} for {} given up after {} attempts: {}", push.id(), push.connector(), attempts, oneLine(e));
                } else {
                    LOG.warn("Consent change {} for {} not accepted ({}); trying again in {} s", push.id(), push.connector(),
                            oneLine(e), delay / 1000);
                }
            }
            return true;
        });
    }

    private ConsentTarget target(String connector) {
        return targets.stream().filter(t -> t.connector().equals(connector)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no consent target " + connector + " in tajo.consent.targets"));
    }

    /** When Brevo says the event happened: ts_event (seconds, UTC), else ts, else now. */
    private static Instant eventTime(JsonNode event, long now) {
        long seconds = event.path("ts_event").asLong(event.path("ts").asLong(0));
        return seconds > 0 ? Instant.ofEpochSecond(seconds) : Instant.ofEpochMilli(now);
    }


    private static List<JsonNode> events(byte[] body) {
        JsonNode json = WebhookBody.json(body);
        if (!(json.isObject() || json.isArray())) {
            throw new WebhookRejectedException(400, "not a Brevo webhook event");
        }
        List<JsonNode> events = new ArrayList<>();
        if (json.isArray()) {
            json.forEach(events::add);
        } else {
            events.add(json);
        }
        return events;
    }

    private static Optional<String> email(JsonNode event) {
        JsonNode email = event.path("email");
        if (email.isArray() && !email.isEmpty()) {
            email = email.get(0);
        }
        String text = email.asText("").trim().toLowerCase(Locale.ROOT);
        return text.indexOf('@') > 0 ? Optional.of(text) : Optional.empty();
    }

    /** The failure's first line, without the email: HubSpot's consent path and error texts carry it, and this is logged. */
    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = PersonalData.redact(message.lines().findFirst().orElse(""));
        return first.length() > 500 ? first.substring(0, 500) : first;
    }

    private record Push(long id, String connector, String email, boolean subscribed, int attempts) {
    }
}
