package io.tajo.connectors.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * WireMock standing in for Stripe's REST API on 127.0.0.1: customers, charges and events held in memory and listed
 * as Stripe lists them (newest first; {@code limit}, {@code starting_after}, {@code ending_before} giving the page
 * just newer than the cursor, {@code has_more}; {@code types[]} and {@code created[gte]} on events; charges'
 * {@code expand[]=data.customer}). A wrong key is 401. Failures are stubbed over it at a higher priority.
 */
public final class StripeStub implements AutoCloseable {

    public static final String API_KEY = "sk_test_tajo";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockServer server;
    private final Map<String, List<ObjectNode>> objects = new LinkedHashMap<>();

    public StripeStub() {
        objects.put("customers", new CopyOnWriteArrayList<>());
        objects.put("charges", new CopyOnWriteArrayList<>());
        objects.put("events", new CopyOnWriteArrayList<>());
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Lists()));
        server.start();
        server.stubFor(get(urlPathMatching("/v1/(customers|charges|events)")).atPriority(10)
                .willReturn(aResponse().withTransformers("stripe-lists")));
    }

    public WireMockServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The environment that connects a test service to this stub; crons far away so only the test starts syncs. */
    public Map<String, String> connect(Map<String, String> env) {
        env.put("STRIPE_API_KEY", API_KEY);
        env.put("STRIPE_BASE_URL", baseUrl());
        env.put("STRIPE_SYNC_CUSTOMERS_CRON", "0+0+0+1+1+?+2099");
        env.put("STRIPE_SYNC_CHARGES_CRON", "0+0+0+1+1+?+2099");
        env.put("STRIPE_SYNC_RATE", "100/s");
        env.put("STRIPE_RETRY_INITIAL_DELAY", "PT0.05S");
        env.put("STRIPE_RETRY_MAX_DELAY", "PT0.2S");
        return env;
    }

    public ObjectNode addCustomer(String id, String email, String name, long created) {
        ObjectNode customer = JSON.createObjectNode().put("id", id).put("object", "customer").put("created", created)
                .put("email", email).put("name", name);
        customer.putNull("phone");
        objects.get("customers").add(customer);
        return customer;
    }

    public ObjectNode addCharge(String id, String customerId, long amount, long refunded, String status, long created) {
        ObjectNode charge = JSON.createObjectNode().put("id", id).put("object", "charge").put("created", created)
                .put("amount", amount).put("amount_refunded", refunded).put("currency", "eur").put("status", status)
                .put("customer", customerId);
        charge.putNull("receipt_email");
        charge.putObject("billing_details").putNull("email");
        objects.get("charges").add(charge);
        return charge;
    }

    /** An event of {@code type} around {@code object}, as /v1/events and webhooks carry it. */
    public static ObjectNode event(String id, String type, JsonNode object, long created) {
        ObjectNode event = JSON.createObjectNode().put("id", id).put("object", "event").put("api_version", "2026-01-28")
                .put("created", created).put("livemode", false).put("type", type);
        event.putObject("data").set("object", object);
        return event;
    }

    public ObjectNode addEvent(String id, String type, JsonNode object, long created) {
        ObjectNode event = event(id, type, object, created);
        objects.get("events").add(event);
        return event;
    }

    /** A GET of {@code /v1/<resource>} whose query has {@code param=value}, to stub a failure over the lists. */
    public static MappingBuilder request(String resource, String param, String value) {
        return get(urlPathMatching("/v1/" + resource)).atPriority(1)
                .withQueryParam(param, equalTo(value));
    }

    /** Requests received, oldest first. */
    public List<LoggedRequest> requests() {
        return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).collect(Collectors.toList());
    }

    /** Requests received as {@code path?query}, decoded, oldest first. */
    public List<String> urls() {
        return requests().stream().map(r -> URLDecoder.decode(r.getUrl(), StandardCharsets.UTF_8)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        server.stop();
    }

    static Map<String, List<String>> query(String url) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String pair : url.substring(q + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                params.computeIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return params;
    }

    /** Lists as Stripe does. */
    private final class Lists implements ResponseDefinitionTransformerV2 {

        @Override
        public String getName() {
            return "stripe-lists";
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            LoggedRequest request = serveEvent.getRequest();
            if (!("Bearer " + API_KEY).equals(request.getHeader("Authorization"))) {
                return json(401, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key provided\"}}");
            }
            String url = request.getUrl();
            String resource = url.substring("/v1/".length()).split("\\?")[0];
            Map<String, List<String>> params = query(url);
            List<ObjectNode> all = new ArrayList<>(objects.get(resource));
            all.sort(Comparator.comparing((ObjectNode o) -> o.path("created").asLong()).thenComparing(o -> o.path("id").asText())
                    .reversed());
            if (params.containsKey("types[]")) {
                all.removeIf(event -> !params.get("types[]").contains(event.path("type").asText()));
            }
            if (params.containsKey("created[gte]")) {
                long gte = Long.parseLong(params.get("created[gte]").get(0));
                all.removeIf(o -> o.path("created").asLong() < gte);
            }
            int limit = Integer.parseInt(params.getOrDefault("limit", List.of("10")).get(0));
            List<ObjectNode> page;
            boolean hasMore;
            if (params.containsKey("starting_after")) {
                int at = indexOf(all, params.get("starting_after").get(0));
                List<ObjectNode> after = all.subList(at + 1, all.size());
                page = after.subList(0, Math.min(limit, after.size()));
                hasMore = after.size() > limit;
            } else if (params.containsKey("ending_before")) {
                List<ObjectNode> before = all.subList(0, indexOf(all, params.get("ending_before").get(0)));
                page = before.subList(Math.max(0, before.size() - limit), before.size());
                hasMore = before.size() > limit;
            } else {
                page = all.subList(0, Math.min(limit, all.size()));
                hasMore = all.size() > limit;
            }
            ObjectNode answer = JSON.createObjectNode().put("object", "list").put("url", "/v1/" + resource).put("has_more", hasMore);
            ArrayNode data = answer.putArray("data");
            for (ObjectNode object : page) {
                ObjectNode copy = object.deepCopy();
                if (params.getOrDefault("expand[]", List.of()).contains("data.customer") && copy.path("customer").isTextual()) {
                    String customerId = copy.get("customer").asText();
                    objects.get("customers").stream().filter(c -> c.path("id").asText().equals(customerId)).findFirst()
                            .ifPresent(customer -> copy.set("customer", customer.deepCopy()));
                }
                data.add(copy);
            }
            return json(200, answer.toString());
        }

        private int indexOf(List<ObjectNode> all, String id) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).path("id").asText().equals(id)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("No such object: " + id);
        }

        private ResponseDefinition json(int status, String body) {
            return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                    .withHeader("Request-Id", "req_test").withBody(body).build();
        }
    }
}
