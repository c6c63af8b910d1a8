package io.tajo.connectors.testing;

import java.time.Duration;
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
 * /smtp/email 1000/s, any other endpoint 100/h), enforced by a WireMock stub the way Brevo documents its headers
 * (developers.brevo.com/docs/limit-headers): each group counts calls in a fixed window, which opens with the first
 * call after the previous one closed; {@code x-sib-ratelimit-remaining} is what is left of the window after this call
 * (0: this was its last one), {@code x-sib-ratelimit-reset} the seconds until its counter resets (to the
 * millisecond, rounded up). A call over the group's limit is answered 429 with the same headers and does not count.
 */
public final class BrevoRateLimits implements ResponseTransformerV2 {

    /** One rate-limit group: the paths it covers and its limit per window. */
    private static final class Group {
        final String prefix;
        final int limit;
        final long windowNanos;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        /** When the current window's counter resets (System.nanoTime), and the calls it has accepted. */
        long windowEnd = System.nanoTime();
        int used;
        /** Another client of the same API key spends every window in full until the group has refused this many calls. */
        int otherClientUntilRefused;

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
            openWindowIfClosed(group, now);
            allowed = group.used < group.limit;
            if (allowed) {
                group.used++;
            } else {
                group.refused.incrementAndGet();
            }
            remaining = group.limit - group.used;
            resetNanos = group.windowEnd - now;
        }
        HttpHeaders headers = (allowed ? (response.getHeaders() == null ? new HttpHeaders() : response.getHeaders()) : new HttpHeaders(HttpHeader.httpHeader("Content-Type", "application/json")))
                .plus(HttpHeader.httpHeader("x-sib-ratelimit-limit", String.valueOf(group.limit)),
                        HttpHeader.httpHeader("x-sib-ratelimit-remaining", String.valueOf(remaining)),
                        HttpHeader.httpHeader("x-sib-ratelimit-reset", String.format(Locale.ROOT, "%.3f", Math.ceil(resetNanos / 1e6) / 1000)));
        if (allowed) {
            return Response.Builder.like(response).but().headers(headers).build();
        }
        return Response.Builder.like(response).but().status(429).headers(headers)
                .body("{\"code\":\"too_many_requests\",\"message\":\"The expected rate limit is exceeded.\"}").build();
    }

    private static void openWindowIfClosed(Group group, long now) {
        if (now - group.windowEnd >= 0) {
            group.windowEnd = now + group.windowNanos;
            group.used = group.refused.get() < group.otherClientUntilRefused ? group.limit : 0;
        }
    }

    /**
     * Another client of the same API key spends the whole of {@code path}'s group from now on, window after window,
     * until the stub has refused {@code refusals} more calls of that group; the window then current stays spent until
     * its reset, the next ones are free again.
     */
    public void otherClientSpends(String path, int refusals) {
        Group group = groups.stream().filter(g -> path.startsWith(g.prefix)).findFirst().orElseThrow();
        synchronized (group) {
            group.otherClientUntilRefused = group.refused.get() + refusals;
            openWindowIfClosed(group, System.nanoTime());
            group.used = group.limit;
        }
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
