package io.tajo.connectors.shopify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tajo.connectors.brevo.BrevoCommand;
import org.apache.camel.ExchangeProperty;

/**
 * GraphQL nodes to what the rest of the pipeline takes: customers in the field names of Shopify's customer
 * records that mappings/shopify.yaml is written in (email, first_name, total_spent, ...), orders and products
 * as Brevo commands.
 */
public class ShopifyRecords {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String SOURCE = "shopify";

    /** Customer nodes as customer records for {@code direct:map-contacts}. */
    public ArrayNode toCustomerRecords(JsonNode nodes) {
        ArrayNode records = NODES.arrayNode();
        for (JsonNode node : nodes) {
            ObjectNode record = records.addObject();
            record.put("id", numericId(node.path("id").asText()));
            putText(record, "email", node.path("defaultEmailAddress").path("emailAddress"));
            putText(record, "first_name", node.path("firstName"));
            putText(record, "last_name", node.path("lastName"));
            putText(record, "phone", node.path("defaultPhoneNumber").path("phoneNumber"));
            if (node.path("defaultAddress").isObject()) {
                ObjectNode address = record.putObject("default_address");
                putText(address, "phone", node.path("defaultAddress").path("phone"));
            }
            putText(record, "total_spent", node.path("amountSpent").path("amount"));
            if (node.hasNonNull("numberOfOrders")) {
                record.put("orders_count", node.get("numberOfOrders").asLong());  // UnsignedInt64 comes as a string
            }
            putText(record, "updated_at", node.path("updatedAt"));
        }
        return records;
    }

    /** Order nodes as {@code upsertOrder} commands; a backfill marks them historical (no Brevo automations). */
    public List<BrevoCommand> toOrderCommands(JsonNode nodes, @ExchangeProperty(ShopifySyncRun.PROPERTY) ShopifySyncRun run) {
        List<BrevoCommand> commands = new ArrayList<>();
        for (JsonNode node : nodes) {
            String id = String.valueOf(numericId(node.path("id").asText()));
            ObjectNode order = NODES.objectNode();
            order.put("id", id);
            order.put("createdAt", node.path("createdAt").asText());
            order.put("updatedAt", node.path("updatedAt").asText());
            order.put("status", orderStatus(node));
            order.put("amount", node.path("totalPriceSet").path("shopMoney").path("amount").asDouble());
            ArrayNode products = order.putArray("products");
            for (JsonNode item : node.path("lineItems").path("nodes")) {
                if (!item.path("product").hasNonNull("id")) {
                    continue;  // a custom line item has no product Brevo could know
                }
                ObjectNode product = products.addObject();
                product.put("productId", String.valueOf(numericId(item.path("product").path("id").asText())));
                if (item.path("variant").hasNonNull("id")) {
                    product.put("variantId", String.valueOf(numericId(item.path("variant").path("id").asText())));
                }
                product.put("quantity", item.path("quantity").asDouble());
                product.put("price", item.path("originalUnitPriceSet").path("shopMoney").path("amount").asDouble());
            }
            order.put("historical", run != null && run.isBackfill());
            String email = node.hasNonNull("email") ? node.get("email").asText().trim().toLowerCase(Locale.ROOT) : null;
            commands.add(new BrevoCommand("upsertOrder", email == null || email.isEmpty() ? null : email, order, SOURCE,
                    "orders/" + id, node.get("updatedAt"), null));
        }
        return commands;
    }

    /** Product nodes as {@code upsertProduct} commands. */
    public List<BrevoCommand> toProductCommands(JsonNode nodes) {
        List<BrevoCommand> commands = new ArrayList<>();
        for (JsonNode node : nodes) {
            String id = String.valueOf(numericId(node.path("id").asText()));
            ObjectNode product = NODES.objectNode();
            product.put("id", id);
            product.put("name", node.path("title").asText());
            putText(product, "url", node.path("onlineStoreUrl"));
            putText(product, "imageUrl", node.path("featuredMedia").path("preview").path("image").path("url"));
            JsonNode price = node.path("priceRangeV2").path("minVariantPrice").path("amount");
            if (!price.isMissingNode() && !price.isNull()) {
                product.put("price", price.asDouble());
            }
            if (node.hasNonNull("productType") && !node.get("productType").asText().isBlank()) {
                product.putArray("categories").add(node.get("productType").asText());
            }
            commands.add(new BrevoCommand("upsertProduct", null, product, SOURCE, "products/" + id, node.get("updatedAt"), null));
        }
        return commands;
    }

    /** Brevo takes any status text: cancelled, else Shopify's financial status (paid, pending, refunded, ...). */
    private static String orderStatus(JsonNode node) {
        if (node.hasNonNull("cancelledAt")) {
            return "cancelled";
        }
        return node.path("displayFinancialStatus").asText("pending").toLowerCase(Locale.ROOT);
    }

    /** {@code gid://shopify/Customer/7001} -> 7001. */
    public static long numericId(String gid) {
        return Long.parseLong(gid.substring(gid.lastIndexOf('/') + 1));
    }

    private static void putText(ObjectNode target, String field, JsonNode value) {
        if (value != null && !value.isMissingNode() && !value.isNull()) {
            target.put(field, value.asText());
        }
    }
}
