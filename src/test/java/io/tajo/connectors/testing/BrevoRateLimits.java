package io.tajo.connectors.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Brevo's published rate limits (general tier: /contacts 10/s, /events 10/s, /orders 5/s, /products 2/s,
 * /smtp/email 1000/s, any other endpoint 100/h), enforced by a WireMock stub over a sliding window: a call over
 * its group's limit is answered 429, and every answer carries {@code x-sib-ratelimit-limit}, {@code -remaining}
 * and {@code -reset} (seconds until the oldest call in the window leaves it, to the millisecond).
 */
public final class BrevoRateLimits implements ResponseTransformerV2 {

    /** One rate-limit group: the paths it covers and its limit per window. */
    private static final class Group {
        final String prefix;
        final int limit;
        final long windowNanos;
        final ArrayDeque<Long> accepted = new ArrayDeque<>();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();

        Group(String prefix, int limit, Duration window) {
            this.prefix = prefix;
            this.limit = limit;
            this.windowNanos = window.toNanos();
        }
    }

    private final List<Group> groups = List.of(
            new Group("/v3/contacts", 10, Duration.ofSeconds(1)),
            new Group("/v3/events", 10, Duration.ofSeconds(1)),
            new Group("/v3/orders", 5, Duration.ofSeconds(1)),
            new Group("/v3/products", 2, Duration.ofSeconds(1)),
            new Group("/v3/smtp/email", 1000, Duration.ofSeconds(1)),
            new Group("/v3/", 100, Duration.ofHours(1)));

    @Override
    public String getName() {
        return "brevo-rate-limits";
    }

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        String path = serveEvent.getRequest().getUrl().split("\\?")[0];
        Group group = groups.stream().filter(g -> path.startsWith(g.prefix)).findFirst().orElse(null);
        if (group == null) {
            return response;
        }
        group.calls.incrementAndGet();
        long now = System.nanoTime();
        boolean allowed;
        int remaining;
        long resetNanos;
        synchronized (group) {
            while (!group.accepted.isEmpty() && group.accepted.peekFirst() <= now - group.windowNanos) {
                group.accepted.pollFirst();
            }
            allowed = group.accepted.size() < group.limit;
            if (allowed) {
                group.accepted.addLast(now);
            }
            remaining = group.limit - group.accepted.size();
            resetNanos = group.accepted.peekFirst() + group.windowNanos - now;
        }
        HttpHeaders headers = (allowed ? (response.getHeaders() == null ? new HttpHeaders() : response.getHeaders()) : new HttpHeaders(HttpHeader.httpHeader("Content-Type", "application/json")))
                .plus(HttpHeader.httpHeader("x-sib-ratelimit-limit", String.valueOf(group.limit)),
                        HttpHeader.httpHeader("x-sib-ratelimit-remaining", String.valueOf(remaining)),
                        HttpHeader.httpHeader("x-sib-ratelimit-reset", String.format(Locale.ROOT, "%.3f", resetNanos / 1e9)));
        if (allowed) {
            return Response.Builder.like(response).but().headers(headers).build();
        }
        group.refused.incrementAndGet();
        return Response.Builder.like(response).but().status(429).headers(headers)
                .body("{\"code\":\"too_many_requests\",\"message\":\"The expected rate limit is exceeded.\"}").build();
    }

    /** Calls received in every group. */
    public int calls() {
        return groups.stream().mapToInt(group -> group.calls.get()).sum();
    }

    /** Calls answered 429. */
    public int refused() {
        return groups.stream().mapToInt(group -> group.refused.get()).sum();
    }
}
