package io.tajo.connectors.stripe;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tajo.connectors.Backoff;
import io.tajo.connectors.PlatformApiException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the Stripe sync reaches Stripe's API (DESIGN §6): the key and base URL, the connector mode, requests paced
 * under Stripe's read limits (100/s live, 25/s per endpoint), and what each answer means: 429 waits (Retry-After,
 * else exponential backoff with jitter) and asks again, 5xx is asked again a few times, 401/403 stop the sync with
 * one line naming STRIPE_API_KEY. One instance: every Stripe sync of the service shares the pace.
 */
public class StripeApi {

    /** Exchange property: the path of the next GET ({@code /v1/customers}). */
    public static final String PATH = "stripeRequestPath";
    /** Exchange property: its query string, already encoded. */
    public static final String QUERY = "stripeRequestQuery";
    /** Exchange property set by {@link #readAnswer}: true once the request has its answer (false: ask again). */
    public static final String ANSWERED = "stripeAnswered";
    /** Exchange property set by {@link #readAnswer}: when Stripe answered (its Date header), epoch milliseconds. */
    public static final String ANSWERED_AT = "stripeAnsweredAt";
    /** Exchange property: the attempt of the current request, from 0. */
    static final String ATTEMPT = "stripeAttempt";

    private static final Logger LOG = LoggerFactory.getLogger(StripeApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private String apiKey = "";
    private String mode = "hybrid";
    private long intervalNanos = TimeUnit.SECONDS.toNanos(1) / 20;
    private int maxAttempts = 8;
    private Duration retryInitialDelay = Duration.ofSeconds(1);
    private Duration retryMaxDelay = Duration.ofMinutes(1);
    private long nextSlotNanos = System.nanoTime();

    public void setApiKey(String apiKey) { this.apiKey = apiKey == null ? "" : apiKey.trim(); }
    public void setMode(String mode) { this.mode = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT); }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = Math.max(1, maxAttempts); }
    public void setRetryInitialDelay(String delay) { this.retryInitialDelay = Duration.parse(delay); }
    public void setRetryMaxDelay(String delay) { this.retryMaxDelay = Duration.parse(delay); }

    /** Requests per second or minute: {@code 20/s}, {@code 600/m}. */
    public void setRate(String rate) {
        String[] parts = rate.trim().split("/");
        double count = Double.parseDouble(parts[0]);
        long per = switch (parts.length > 1 ? parts[1].trim() : "s") {
            case "s" -> TimeUnit.SECONDS.toNanos(1);
            case "m" -> TimeUnit.MINUTES.toNanos(1);
            case "h" -> TimeUnit.HOURS.toNanos(1);
            default -> throw new IllegalArgumentException("STRIPE_SYNC_RATE must be calls per s, m or h (20/s), not '" + rate + "'");
        };
        this.intervalNanos = (long) (per / count);
    }

    /** Says once, at start, whether scheduled Stripe syncs will run and if not why. */
    public void start() {
        if (!mode.equals("realtime") && !mode.equals("batch") && !mode.equals("hybrid")) {
            throw new IllegalArgumentException("TAJO_STRIPE_MODE must be realtime, batch or hybrid, not '" + mode + "'");
        }
        if (apiKey.isEmpty()) {
            LOG.info("Stripe sync not connected: STRIPE_API_KEY is not set");
        } else if (!scheduledSyncEnabled()) {
            LOG.info("Stripe sync: mode realtime, no scheduled sync");
        } else {
            LOG.info("Stripe sync scheduled ({} mode)", mode);
        }
    }

    /** realtime (webhooks only), batch (scheduled sync only) or hybrid (both). */
    public String mode() {
        return mode;
    }

    public boolean isConnected() {
        return !apiKey.isEmpty();
    }

    /** True when the scheduled (quartz) syncs should pull: a key is set, and mode batch or hybrid. */
    public boolean scheduledSyncEnabled() {
        return isConnected() && !mode.equals("realtime");
    }

    /** Starts a request: its attempt count, and no answer yet. */
    public void begin(Exchange exchange) {
        exchange.setProperty(ATTEMPT, 0);
        exchange.setProperty(ANSWERED, false);
    }

    /** Waits for the request's turn in the pace, then shapes the exchange as the GET camel-http makes. */
    public void prepare(Exchange exchange) throws InterruptedException {
        if (apiKey.isEmpty()) {
            throw new PlatformApiException("Stripe sync needs STRIPE_API_KEY (a secret or restricted key with read access)");
        }
        awaitTurn();
        Message message = exchange.getMessage();
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_PATH, exchange.getProperty(PATH, String.class));
        message.setHeader(Exchange.HTTP_QUERY, exchange.getProperty(QUERY, String.class));
        message.setHeader("Accept", "application/json");
        message.setHeader("Authorization", "Bearer " + apiKey);
    }

    private void awaitTurn() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextSlotNanos);
            nextSlotNanos = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
            synchronized (this) {
                // a sleep that overran (a busy machine) moves the next turn too: requests stay an interval apart
                nextSlotNanos = Math.max(nextSlotNanos, System.nanoTime() + intervalNanos);
            }
        }
    }

    /**
     * Reads Stripe's answer: 2xx becomes the body (JSON) and the request is answered; 429 and 5xx hold every request
     * back for the wait and leave this one unanswered so the route asks again, until the attempts run out; 401/403
     * and other 4xx end the sync.
     */
    public void readAnswer(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        message.removeHeader("Authorization");  // camel-http copies the request's headers onto the answer
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String path = exchange.getProperty(PATH, String.class);
        if (status >= 200 && status < 300) {
            JsonNode answer = JSON.readTree(message.getBody(String.class));
            exchange.setProperty(ANSWERED_AT, answeredAt(message.getHeader("Date", String.class)));
            message.removeHeaders("*");
            message.setBody(answer);
            exchange.setProperty(ANSWERED, true);
            return;
        }
        String error = stripeError(message.getBody(String.class));
        if (status == 401) {
            throw new PlatformApiException("Stripe refused STRIPE_API_KEY (401): set a valid secret or restricted key");
        }
        if (status == 403) {
            throw new PlatformApiException("Stripe refused GET " + path + " (403): give STRIPE_API_KEY read access to it");
        }
        int attempt = exchange.getProperty(ATTEMPT, 0, Integer.class);
        if (status != 429 && status < 500) {
            throw new PlatformApiException("Stripe answered GET " + path + " with " + status + ": " + error, status);
        }
        if (attempt + 1 >= maxAttempts) {
            throw new PlatformApiException("Stripe answered GET " + path + " with " + status + " " + (attempt + 1)
                    + " times: " + error + "; the next sync resumes after the last committed page", status);
        }
        long waitMillis = waitMillis(status, message.getHeader("Retry-After", String.class), attempt);
        LOG.info("Stripe answered GET {} with {}: asking again in {} ms", path, status, waitMillis);
        exchange.setProperty(ATTEMPT, attempt + 1);
        holdFor(waitMillis);
    }

    /** Every request, of this sync or another, waits at least this long: Stripe's limits are per account. */
    private synchronized void holdFor(long millis) {
        nextSlotNanos = Math.max(nextSlotNanos, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
    }

    /** Retry-After (seconds) as Stripe sends it, else exponential backoff with jitter: half fixed, half random, capped. */
    long waitMillis(int status, String retryAfter, int attempt) {
        if (retryAfter != null) {
            try {
                return TimeUnit.SECONDS.toMillis(Math.max(0, Long.parseLong(retryAfter.trim())));
            } catch (NumberFormatException httpDate) {
                LOG.debug("Retry-After '{}' is not in seconds: backing off instead", retryAfter);
            }
        }
        return Backoff.jitteredMillis(retryInitialDelay, retryMaxDelay, attempt);
    }

    private static long answeredAt(String date) {
        try {
            return date == null ? System.currentTimeMillis()
                    : ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException notADate) {
            return System.currentTimeMillis();
        }
    }

    private static String stripeError(String body) {
        if (body == null || body.isBlank()) {
            return "no detail";
        }
        try {
            JsonNode error = JSON.readTree(body).path("error");
            return error.path("message").asText(error.path("type").asText("no detail"));
        } catch (IOException notJson) {
            return "no detail";
        }
    }
}
