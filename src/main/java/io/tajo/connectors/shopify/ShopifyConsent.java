package io.tajo.connectors.shopify;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.tajo.connectors.PlatformApiException;
import io.tajo.connectors.consent.ConsentTarget;
import io.tajo.connectors.store.SourceContacts;
import io.tajo.connectors.store.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * consent-sync to Shopify: the customer with the email gets its email marketing consent set through
 * {@code customerEmailMarketingConsentUpdate}. The customer is the one this service last sent to Brevo with that
 * email, else the shop's customer found by email.
 */
public class ShopifyConsent implements ConsentTarget {

    private static final Logger LOG = LoggerFactory.getLogger(ShopifyConsent.class);
    static final String FIND_CUSTOMER = "query($query: String!) { customers(first: 1, query: $query) { nodes { id } } }";
    static final String UPDATE_CONSENT = "mutation($input: CustomerEmailMarketingConsentUpdateInput!) { "
            + "customerEmailMarketingConsentUpdate(input: $input) { customer { id } userErrors { field message } } }";

    private StateStore store;
    private ShopifyAccessTokens tokens;

    public void setStore(StateStore store) { this.store = store; }
    public void setTokens(ShopifyAccessTokens tokens) { this.tokens = tokens; }

    @Override
    public String connector() {
        return ShopifyAccessTokens.CONNECTOR;
    }

    @Override
    public boolean isConnected() {
        return tokens.isConnected();
    }

    @Override
    public void apply(String email, boolean subscribed) {
        ShopifyAdminApi api = tokens.adminApi("SHOPIFY_ACCESS_TOKEN or tajo connectors connect shopify --api-key",
                "SHOPIFY_SHOP_URL or tajo connectors connect shopify --shop-url");
        Optional<String> customerId = SourceContacts.sourceIdOf(store, connector(), "customers/", email)
                .map(id -> "gid://shopify/Customer/" + id)
                .or(() -> find(api, email));
        if (customerId.isEmpty()) {
            LOG.info("No Shopify customer has the email of a Brevo consent change: nothing to update in Shopify");
            return;
        }
        Map<String, Object> input = Map.of("customerId", customerId.get(), "emailMarketingConsent", Map.of(
                "marketingState", subscribed ? "SUBSCRIBED" : "UNSUBSCRIBED",
                "marketingOptInLevel", "SINGLE_OPT_IN",
                "consentUpdatedAt", Instant.now().toString()));
        JsonNode errors = api.execute(UPDATE_CONSENT, Map.of("input", input))
                .path("customerEmailMarketingConsentUpdate").path("userErrors");
        if (errors.isArray() && !errors.isEmpty()) {
            throw new PlatformApiException("Shopify refused the consent update of " + customerId.get() + ": "
                    + errors.get(0).path("message").asText(), 200);
        }
    }

    private static Optional<String> find(ShopifyAdminApi api, String email) {
        JsonNode nodes = api.execute(FIND_CUSTOMER, Map.of("query", "email:\"" + email.replace("\"", "") + "\""))
                .path("customers").path("nodes");
        return nodes.isArray() && !nodes.isEmpty() ? Optional.of(nodes.get(0).path("id").asText()) : Optional.empty();
    }
}
