package io.tajo.connectors.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * WireMock standing in for Brevo on 127.0.0.1, answering as Brevo does, and checking every request it
 * received against Brevo's OpenAPI file.
 */
public final class BrevoStub implements AutoCloseable {

    public static final String API_KEY = "xkeysib-test-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenApiInteractionValidator validator;

    private final WireMockServer server;

    private final BrevoRateLimits rateLimits;

    public BrevoStub() {
        this(0, null);
    }

    /** On {@code port} (0: any free one), e.g. where a service was told Brevo is before Brevo came up. */
    public BrevoStub(int port) {
        this(port, null);
    }

    private BrevoStub(int port, BrevoRateLimits rateLimits) {
        this.rateLimits = rateLimits;
        var options = port == 0 ? options().bindAddress("127.0.0.1").dynamicPort() : options().bindAddress("127.0.0.1").port(port);
        server = new WireMockServer(rateLimits == null ? options : options.extensions(rateLimits));
        server.start();
        answerLikeBrevo();
    }

    /** A stub that answers 429 like Brevo when a call exceeds Brevo's published rate limits ({@link BrevoRateLimits}). */
    public static BrevoStub enforcingRateLimits() {
        return new BrevoStub(0, new BrevoRateLimits());
    }

    /** The limits this stub enforces; empty for an unthrottled stub. */
    public java.util.Optional<BrevoRateLimits> rateLimits() {
        return java.util.Optional.ofNullable(rateLimits);
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v3";
    }

    /** Brevo's success answers, per its OpenAPI file. */
    public void answerLikeBrevo() {
        server.resetAll();
        server.stubFor(post(urlPathEqualTo("/v3/contacts")).willReturn(json(201, "{\"id\":21}")));
        server.stubFor(post(urlPathEqualTo("/v3/contacts/import")).willReturn(json(202, "{\"processId\":78}")));
        server.stubFor(delete(urlPathMatching("/v3/contacts/[^/]+")).willReturn(aResponse().withStatus(204)));
        server.stubFor(put(urlPathMatching("/v3/contacts/[^/]+")).willReturn(aResponse().withStatus(204)));
        server.stubFor(post(urlPathMatching("/v3/contacts/lists/\\d+/contacts/add"))
                .willReturn(json(201, "{\"contacts\":{\"success\":[],\"failure\":[]}}")));
        server.stubFor(post(urlPathEqualTo("/v3/events")).willReturn(aResponse().withStatus(204)));
        server.stubFor(post(urlPathEqualTo("/v3/orders/status")).willReturn(aResponse().withStatus(204)));
        server.stubFor(post(urlPathEqualTo("/v3/orders/status/batch")).willReturn(json(202, "{\"batchId\":1,\"count\":1}")));
        server.stubFor(post(urlPathEqualTo("/v3/products")).willReturn(json(201, "{\"id\":1}")));
        server.stubFor(post(urlPathEqualTo("/v3/products/batch")).willReturn(json(201, "{\"createdCount\":1,\"updatedCount\":0}")));
        server.stubFor(post(urlPathEqualTo("/v3/smtp/email")).willReturn(json(201, "{\"messageId\":\"<1@smtp>\"}")));
    }

    /** Everything not stubbed is a 404 so a wrong path is visible. */
    public void refuseEverything(int status) {
        server.resetAll();
        server.stubFor(any(urlPathMatching("/v3/.*")).willReturn(aResponse().withStatus(status)));
    }

    public static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** Requests received, oldest first. */
    public List<LoggedRequest> requests() {
        return server.getAllServeEvents().stream()
                .map(event -> event.getRequest())
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .collect(Collectors.toList());
    }

    /** Requests received with the stub's answers, oldest first (in arrival order within the same millisecond). */
    public List<ServeEvent> served() {
        List<ServeEvent> events = new java.util.ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events);
        events.sort(Comparator.comparing(event -> event.getRequest().getLoggedDate()));
        return events;
    }

    public List<LoggedRequest> requests(String method, String path) {
        return requests().stream()
                .filter(r -> r.getMethod().value().equals(method) && r.getUrl().split("\\?")[0].equals(path))
                .collect(Collectors.toList());
    }

    /** Every contact email sent, once per time it was sent: through POST /contacts and POST /contacts/import. */
    public List<String> contactEmails() {
        List<String> emails = new java.util.ArrayList<>();
        requests("POST", "/v3/contacts").forEach(r -> emails.add(body(r).get("email").asText()));
        requests("POST", "/v3/contacts/import").forEach(r -> body(r).get("jsonBody").forEach(c -> emails.add(c.get("email").asText())));
        return emails;
    }

    public static JsonNode json(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new AssertionError("Brevo request body is not JSON: " + request.getBodyAsString(), e);
        }
    }

    /** Fails naming every request that breaks Brevo's OpenAPI contract. */
    public void assertAllRequestsValid() {
        StringBuilder problems = new StringBuilder();
        for (LoggedRequest request : requests()) {
            ValidationReport report = validator().validateRequest(toValidatorRequest(request));
            if (report.hasErrors()) {
                problems.append(request.getMethod()).append(' ').append(request.getUrl()).append(": ")
                        .append(report.getMessages().stream().map(m -> m.getKey() + ": " + m.getMessage())
                                .collect(Collectors.joining("; ")))
                        .append('\n');
            }
        }
        if (problems.length() > 0) {
            throw new AssertionError("Requests that break Brevo's OpenAPI contract:\n" + problems);
        }
    }

    private static Request toValidatorRequest(LoggedRequest request) {
        String[] url = request.getUrl().split("\\?", 2);
        SimpleRequest.Builder builder = new SimpleRequest.Builder(request.getMethod().value(), url[0]);
        for (HttpHeader header : request.getHeaders().all()) {
            builder.withHeader(header.key(), header.values());
        }
        if (url.length > 1) {
            for (String pair : url[1].split("&")) {
                String[] kv = pair.split("=", 2);
                builder.withQueryParam(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        if (request.getBody() != null && request.getBody().length > 0) {
            builder.withBody(request.getBodyAsString());
        }
        return builder.build();
    }

    private static synchronized OpenApiInteractionValidator validator() {
        if (validator == null) {
            validator = OpenApiInteractionValidator
                    .createForSpecificationUrl(BrevoStub.class.getResource("/brevo/brevo-openapi.yaml").toString())
                    .withBasePathOverride("/v3")
                    // the validator cannot read a non-JSON path value against a oneOf (string | integer)
                    // schema, such as the email in DELETE /contacts/{identifier}; the rest is still checked
                    .withLevelResolver(LevelResolver.create()
                            .withLevel("validation.request.parameter.schema.invalidJson", ValidationReport.Level.IGNORE)
                            .build())
                    .build();
        }
        return validator;
    }

    @Override
    public void close() {
        server.stop();
    }
}
