package io.tajo.connectors.brevo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.tajo.connectors.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of {@code brevo-dispatch} and {@code brevo-send}: claim due rows and plan the calls, shape each
 * call for camel-http (or for the dry-run file), and settle the rows from Brevo's answer: delivered, tried
 * again later with backoff, held while the circuit is open, or dead-lettered with Brevo's {code, message}.
 * Times each call and counts 429s ({@link BrevoMeters}), and keeps the circuit breaker's state in the store
 * ({@link BrevoCircuitState}) for `tajo connectors status` and /status.
 */
public class BrevoDispatch implements CamelContextAware {

    /** Exchange property holding the {@link BrevoRequest} being sent. */
    public static final String REQUEST = "brevoRequest";
    /** Id of the circuitBreaker step in brevo-sink.camel.yaml, whose state is reported. */
    public static final String CIRCUIT_ID = "brevo-circuit";
    private static final String STARTED = "brevoRequestStarted";

    private static final Logger LOG = LoggerFactory.getLogger(BrevoDispatch.class);

    private BrevoOutbox outbox;
    private BrevoRequestPlanner planner;
    private BrevoRateBuckets rateBuckets;
    private String apiKey = "";
    private String dataDir = "data";
    private int claimLimit = 500;
    private int maxAttempts = 12;
    private Duration retryInitialDelay = Duration.ofSeconds(1);
    private Duration retryMaxDelay = Duration.ofMinutes(10);
    private Duration circuitOpenHold = Duration.ofSeconds(30);
    private volatile String circuitState;
    private CamelContext camelContext;

    @Override
    public void setCamelContext(CamelContext camelContext) { this.camelContext = camelContext; }
    @Override
    public CamelContext getCamelContext() { return camelContext; }

    public void setOutbox(BrevoOutbox outbox) { this.outbox = outbox; }
    public void setPlanner(BrevoRequestPlanner planner) { this.planner = planner; }
    public void setRateBuckets(BrevoRateBuckets rateBuckets) { this.rateBuckets = rateBuckets; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey == null ? "" : apiKey.trim(); }
    public void setDataDir(String dataDir) { this.dataDir = dataDir; }
    public void setClaimLimit(int claimLimit) { this.claimLimit = claimLimit; }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
    public void setRetryInitialDelay(String delay) { this.retryInitialDelay = Duration.parse(delay); }
    public void setRetryMaxDelay(String delay) { this.retryMaxDelay = Duration.parse(delay); }
    public void setCircuitOpenSeconds(int seconds) { this.circuitOpenHold = Duration.ofSeconds(seconds); }

    /** Says once, at start-up, whether requests really go to Brevo; records the circuit as closed (or dry-run). */
    public void start() throws Exception {
        circuitState = isDryRun() ? BrevoCircuitState.DRY_RUN : BrevoCircuitState.CLOSED;
        BrevoCircuitState.save(outbox.store(), outbox.nodeId(), circuitState);
        if (camelContext != null) {
            camelContext.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    forgetCircuitState();
                }
            }, true);
        }
        if (isDryRun()) {
            LOG.warn("Brevo dry-run: BREVO_API_KEY is not set, so nothing is sent to Brevo; each request is written to {}",
                    dryRunFile());
        } else {
            LOG.info("Brevo delivery enabled");
        }
    }

    /** Once the routes have stopped (and before the store closes) the circuit state is no longer known: its row goes. */
    private void forgetCircuitState() {
        try {
            BrevoCircuitState.remove(outbox.store(), outbox.nodeId());
        } catch (RuntimeException storeAlreadyClosed) {
            LOG.debug("Circuit state row left behind: {}", storeAlreadyClosed.getMessage());
        }
    }

    public boolean isDryRun() {
        return apiKey.isEmpty();
    }

    public Path dryRunFile() {
        return Path.of(dataDir).resolve("brevo-dry-run.jsonl");
    }

    /** Leases the due rows and plans their calls, grouped by rate bucket. */
    public List<List<BrevoRequest>> claimDue() {
        List<OutboxRow> rows = outbox.withoutSuperseded(outbox.claimDue(claimLimit));
        return rows.isEmpty() ? List.of() : planner.plan(rows);
    }

    /**
     * Renews this node's lease on the call's rows, then waits until the call's rate bucket allows it: false when some
     * rows were taken over by another node meanwhile (this node's round outlived the lease), which sends them instead.
     * The lease is renewed before the wait, so the call follows its rate slot at once, and again after a wait long
     * enough for the lease to have run out.
     */
    public boolean readyToSend(Exchange exchange) throws InterruptedException {
        BrevoRequest request = exchange.getProperty(REQUEST, BrevoRequest.class);
        long start = System.nanoTime();
        if (!outbox.renewLease(request.rows())) {
            return false;
        }
        rateBuckets.acquire(request);
        boolean longWait = System.nanoTime() - start > outbox.lease().toNanos() / 2;
        return !longWait || outbox.renewLease(request.rows());
    }

    /** Shapes the exchange as the HTTP call camel-http makes to {@code BREVO_BASE_URL}. */
    public void toHttpRequest(Exchange exchange) {
        BrevoRequest request = exchange.getProperty(REQUEST, BrevoRequest.class);
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_METHOD, request.method());
        message.setHeader(Exchange.HTTP_PATH, request.path());
        message.setHeader(Exchange.HTTP_QUERY, request.query());
        message.setHeader("Accept", "application/json");
        message.setHeader("api-key", apiKey);
        if (request.body() == null) {
            message.setBody(null);
        } else {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(request.body().toString().getBytes(StandardCharsets.UTF_8));
        }
        rateBuckets.sending(request);
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** Dry-run: appends the call, one JSON line, instead of sending it; it then counts as delivered. */
    public synchronized void writeDryRun(Exchange exchange) {
        BrevoRequest request = exchange.getProperty(REQUEST, BrevoRequest.class);
        ObjectNode line = BrevoOutbox.JSON.createObjectNode()
                .put("method", request.method())
                .put("path", request.path() + (request.query() == null ? "" : "?" + request.query()));
        if (request.body() != null) {
            line.set("body", request.body());
        }
        try {
            Files.createDirectories(dryRunFile().getParent());
            try (Writer writer = Files.newBufferedWriter(dryRunFile(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                writer.write(line.toString());
                writer.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
    }

    /** 5xx counts as a failure for the circuit breaker; every other answer is settled by {@link #recordOutcome}. */
    public void failWhenUnavailable(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 500) {
            throw new BrevoUnavailableException(status, exchange.getMessage().getBody(String.class));
        }
    }

    /** Settles the rows of the call just made from Brevo's answer, or from the failure that stood in for one. */
    public void recordOutcome(Exchange exchange) {
        BrevoRequest request = exchange.getProperty(REQUEST, BrevoRequest.class);
        if (!isDryRun()) {
            observeCall(exchange, request);
        }
        if (Boolean.FALSE.equals(exchange.getProperty(ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SUCCESSFUL_EXECUTION))) {
            Throwable failure = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
            if (failure == null || failure instanceof CallNotPermittedException) {
                // the circuit is open: hold the rows without spending their attempts
                long until = System.currentTimeMillis() + circuitOpenHold.toMillis();
                request.rows().forEach(row -> outbox.reschedule(row, until, "circuit open", false, false));
                LOG.debug("Circuit open: held {} rows", request.rows().size());
            } else {
                retryLater(request, failure.getMessage(), failure instanceof BrevoUnavailableException unavailable
                        ? "HTTP " + unavailable.status() : failure.getClass().getSimpleName());
            }
            return;
        }
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        long pause = rateBuckets.observe(request.bucket(), status,
                message.getHeader("x-sib-ratelimit-remaining"), message.getHeader("x-sib-ratelimit-reset"));
        if (status >= 200 && status < 300 || status == 404 && request.rows().get(0).op() == BrevoOp.DELETE_CONTACT) {
            outbox.markDelivered(request.rows().stream().map(OutboxRow::id).toList());
            outbox.countDelivered(request.rows());
            LOG.debug("Delivered {} {} commands", request.commandCount(), request.rows().get(0).op().wireName());
        } else if (status == 429) {
            long until = System.currentTimeMillis() + pause;
            request.rows().forEach(row -> outbox.reschedule(row, until, "429 rate limited", false, false));
        } else if (status == 401 || status == 403) {
            LOG.error("Brevo refused the API key ({}): check BREVO_API_KEY; rows stay in the outbox", status);
            retryLater(request, "Brevo answered " + status + ": check BREVO_API_KEY", "HTTP " + status);
        } else if (status < 400 || status >= 500) {
            retryLater(request, "no usable answer from Brevo (status " + status + ")", "HTTP " + status);
        } else if (request.rows().size() > 1) {
            // one bad command spoils a batch: send each row alone so the answer names the culprit
            long now = System.currentTimeMillis();
            request.rows().forEach(row -> outbox.reschedule(row, now, "batch refused (" + status + "), retrying alone", false, true));
        } else {
            BrevoError error = BrevoError.of(status, message.getBody(String.class));
            outbox.deadLetter(request.rows().get(0), error.code(), error.message(), status);
            LOG.info("Brevo refused outbox row {} ({} {}): dead-lettered", request.rows().get(0).id(), status, error.code());
        }
    }

    /** Times the call (unless the open circuit stopped it), counts a 429, and saves a changed circuit state. */
    private void observeCall(Exchange exchange, BrevoRequest request) {
        Throwable failure = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        Long started = exchange.getProperty(STARTED, Long.class);
        if (started != null && !(failure instanceof CallNotPermittedException)) {
            int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
            String outcome = failure != null && !(failure instanceof BrevoUnavailableException) ? "error" : String.valueOf(status);
            Timer.builder(BrevoMeters.REQUESTS).tag("endpoint", BrevoMeters.endpoint(request)).tag("status", outcome)
                    .description("Calls to Brevo's API").register(outbox.meters()).record(System.nanoTime() - started,
                            TimeUnit.NANOSECONDS);
            if (status == 429) {
                Counter.builder(BrevoMeters.RATE_LIMITED).description("Brevo's 429 answers").register(outbox.meters()).increment();
            }
        }
        ResilienceProcessor circuit = exchange.getContext().getProcessor(CIRCUIT_ID, ResilienceProcessor.class);
        if (circuit != null && !circuit.getCircuitBreakerState().equals(circuitState)) {
            saveCircuitState(circuit);
        }
    }

    /** Buckets are sent side by side: the state is read again under the lock, so the newest one is what stays saved. */
    private synchronized void saveCircuitState(ResilienceProcessor circuit) {
        String state = circuit.getCircuitBreakerState();
        if (!state.equals(circuitState)) {
            BrevoCircuitState.save(outbox.store(), outbox.nodeId(), state);
            circuitState = state;
            LOG.info("Brevo circuit breaker {}", state);
        }
    }

    /**
     * Retries the rows later with backoff, or dead-letters those out of attempts. {@code error} is kept with
     * the rows; the log gets only {@code reason}, since an error text may carry a request URL with an email.
     */
    private void retryLater(BrevoRequest request, String error, String reason) {
        long now = System.currentTimeMillis();
        for (OutboxRow row : request.rows()) {
            if (row.attempts() + 1 >= maxAttempts) {
                outbox.deadLetter(row, "retries_exhausted", error, null);
                LOG.warn("Outbox row {} dead-lettered after {} attempts ({})", row.id(), row.attempts() + 1, reason);
            } else {
                outbox.reschedule(row, now + backoff(row.attempts()), error, true, false);
            }
        }
        LOG.info("Brevo unavailable ({}): {} rows retried later", reason, request.rows().size());
    }

    /** Exponential backoff with jitter: half the delay fixed, half random, capped. */
    long backoff(int attempts) {
        return Backoff.jitteredMillis(retryInitialDelay, retryMaxDelay, attempts);
    }

    /** Brevo's error answer, {code, message}; a body that is not one still yields a readable reason. */
    record BrevoError(String code, String message) {
        static BrevoError of(int status, String body) {
            try {
                JsonNode json = BrevoOutbox.JSON.readTree(body == null ? "" : body);
                if (json != null && json.hasNonNull("code")) {
                    return new BrevoError(json.get("code").asText(), json.path("message").asText(""));
                }
            } catch (IOException e) {
                // not JSON: fall through to the status line
            }
            return new BrevoError("http_" + status, body == null ? "" : body);
        }
    }
}
