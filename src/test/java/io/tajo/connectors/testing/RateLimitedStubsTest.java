package io.tajo.connectors.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.shopify.ShopifyGraphql;
import org.junit.jupiter.api.Test;

/** The stubs the rate-limited benchmark relies on refuse what the published limits refuse, and only that. */
class RateLimitedStubsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void brevoAnswers429OnceAGroupsLimitIsSpentWithTheRateLimitHeaders() throws Exception {
        try (BrevoStub brevo = BrevoStub.enforcingRateLimits()) {
            // an endpoint outside the named groups: 100 calls an hour, so the window cannot pass during the test
            brevo.server().stubFor(get(urlPathEqualTo("/v3/account")).willReturn(BrevoStub.json(200, "{}")));
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (int i = 0; i < 101; i++) {
                answers.add(HTTP.send(HttpRequest.newBuilder(URI.create(brevo.baseUrl() + "/account")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }

            assertThat(answers.subList(0, 100)).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
            assertThat(answers.get(0).headers().firstValue("x-sib-ratelimit-remaining")).contains("99");
            HttpResponse<String> refused = answers.get(100);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("x-sib-ratelimit-limit")).contains("100");
            assertThat(refused.headers().firstValue("x-sib-ratelimit-remaining")).contains("0");
            assertThat(Double.parseDouble(refused.headers().firstValue("x-sib-ratelimit-reset").orElseThrow())).isBetween(3000.0, 3600.0);
            assertThat(brevo.rateLimits().orElseThrow().refused()).isEqualTo(1);
            assertThat(brevo.rateLimits().orElseThrow().calls()).isEqualTo(101);
        }
    }

    @Test
    void shopifyAnswersThrottledWhenTheCostBucketCannotPayForAQuery() throws Exception {
        try (ShopifySyncStub shopify = ShopifySyncStub.enforcingCostLimit()) {
            shopify.server().stubFor(post(urlPathEqualTo(ShopifySyncStub.GRAPHQL_PATH))
                    .willReturn(ShopifySyncStub.json("{\"data\":{},\"extensions\":{\"cost\":{\"requestedQueryCost\":1500}}}")));

            JsonNode first = query(shopify);
            JsonNode second = query(shopify);

            assertThat(first.has("errors")).isFalse();
            assertThat(first.at("/extensions/cost/throttleStatus/currentlyAvailable").asDouble()).isBetween(500.0, 600.0);
            assertThat(second.at("/errors/0/extensions/code").asText()).isEqualTo("THROTTLED");
            assertThat(shopify.costThrottle().orElseThrow().throttled()).isEqualTo(1);
            assertThat(shopify.costThrottle().orElseThrow().pointsSpent()).isEqualTo(1500.0);
        }
    }

    @Test
    void shopifyRefusesAQueryAskingForMoreThanASingleQueryMayCost() throws Exception {
        try (ShopifySyncStub shopify = ShopifySyncStub.enforcingCostLimit()) {
            shopify.server().stubFor(post(urlPathEqualTo(ShopifySyncStub.GRAPHQL_PATH))
                    .willReturn(ShopifySyncStub.json("{\"data\":{},\"extensions\":{\"cost\":{\"requestedQueryCost\":998}}}")));

            JsonNode tooMany = send(shopify, ShopifyGraphql.pageQuery("customers", null, null, 250));
            JsonNode most = send(shopify, ShopifyGraphql.pageQuery("customers", null, null, 199));

            assertThat(tooMany.at("/errors/0/extensions/code").asText()).isEqualTo("MAX_COST_EXCEEDED");
            assertThat(tooMany.at("/errors/0/extensions/cost").asInt()).isEqualTo(1253);
            assertThat(most.has("errors")).isFalse();
            assertThat(shopify.costThrottle().orElseThrow().refused()).isEqualTo(1);
            assertThat(shopify.costThrottle().orElseThrow().pointsSpent()).isEqualTo(998.0);
        }
    }

    private static JsonNode query(ShopifySyncStub shopify) throws Exception {
        return send(shopify, "{\"query\":\"{ shop { id } }\"}");
    }

    private static JsonNode send(ShopifySyncStub shopify, String body) throws Exception {
        return BrevoStub.json(HTTP.send(HttpRequest.newBuilder(URI.create(shopify.baseUrl() + ShopifySyncStub.GRAPHQL_PATH))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
