package io.tajo.connectors.shopify;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ExchangeProperty;

/**
 * The GraphQL Admin API requests of the sync: one page of a resource changed since a watermark (sorted by
 * UPDATED_AT, so a page's last record is where the next run resumes), and the bulk operation of a full sync.
 */
public class ShopifyGraphql {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final String CUSTOMER_FIELDS = "id firstName lastName defaultEmailAddress { emailAddress } "
            + "defaultPhoneNumber { phoneNumber } amountSpent { amount currencyCode } numberOfOrders updatedAt "
            + "defaultAddress { phone }";

    /** The selection of each resource: what its Brevo commands need, and no more (query cost is per field). */
    private static final Map<String, String> PAGE_FIELDS = Map.of(
            "customers", CUSTOMER_FIELDS,
            "orders", "id name email createdAt updatedAt cancelledAt displayFinancialStatus "
                    + "totalPriceSet { shopMoney { amount currencyCode } } "
                    + "lineItems(first: 50) { nodes { quantity product { id } variant { id } "
                    + "originalUnitPriceSet { shopMoney { amount } } } }",
            "products", "id title onlineStoreUrl productType updatedAt featuredMedia { preview { image { url } } } "
                    + "priceRangeV2 { minVariantPrice { amount } }");

    /** Body of the request for the run's next page. */
    public String nextPageQuery(@ExchangeProperty(ShopifySyncRun.PROPERTY) ShopifySyncRun run) {
        return pageQuery(run.resource(), run.queryWatermark(), run.cursor(), run.pageSize());
    }

    public static String pageQuery(String resource, String watermark, String cursor, int first) {
        ObjectNode body = JSON.createObjectNode().put("query", pageQueryText(resource));
        ObjectNode variables = body.putObject("variables").put("first", first);
        variables.put("after", cursor);
        variables.put("query", watermark == null ? null : "updated_at:>='" + watermark + "'");
        return write(body);
    }

    private static String pageQueryText(String resource) {
        String fields = PAGE_FIELDS.get(resource);
        if (fields == null) {
            throw new IllegalArgumentException("Shopify sync knows customers, orders and products, not '" + resource + "'");
        }
        return "query SyncPage($first: Int!, $after: String, $query: String) { " + resource
                + "(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) { nodes { " + fields + " } "
                + "pageInfo { hasNextPage endCursor } } }";
    }

    /** What Shopify charges up front for a page of {@code first} records of the resource ({@link ShopifyQueryCost}). */
    public static int requestedCost(String resource, int first) {
        return ShopifyQueryCost.of(pageQueryText(resource), Map.of("first", first));
    }

    /** The most records one page may ask for without Shopify refusing it as too costly. */
    public static int largestPage(String resource) {
        int fixed = requestedCost(resource, 0);
        int perRecord = requestedCost(resource, 1) - fixed;
        return (ShopifyQueryCost.MAX - fixed) / perRecord;
    }

    /** Starts the export of every customer as JSONL (one customer per line). */
    public String bulkCustomersQuery() {
        String export = "{ customers { edges { node { " + CUSTOMER_FIELDS + " } } } }";
        ObjectNode body = JSON.createObjectNode().put("query",
                "mutation RunBulkQuery($query: String!) { bulkOperationRunQuery(query: $query) { "
                        + "bulkOperation { id status createdAt } userErrors { field message } } }");
        body.putObject("variables").put("query", export);
        return write(body);
    }

    /** Polls a bulk operation by id. */
    public String bulkStatusQuery(@ExchangeProperty(ShopifySyncRun.PROPERTY) ShopifySyncRun run) {
        ObjectNode body = JSON.createObjectNode().put("query",
                "query BulkStatus($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode createdAt "
                        + "objectCount rootObjectCount url } } }");
        body.putObject("variables").put("id", run.bulkOperationId());
        return write(body);
    }

    private static String write(ObjectNode body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
