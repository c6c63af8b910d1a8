package io.tajo.connectors.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.tajo.connectors.TajoEnvironment.Settings;
import io.tajo.connectors.shopify.ShopDomain;
import io.tajo.connectors.shopify.ShopifyAccessTokens;
import io.tajo.connectors.shopify.ShopifyAdminApi;
import io.tajo.connectors.shopify.ShopifyWebhookRegistration;
import io.tajo.connectors.store.ConnectorCredentials;
import io.tajo.connectors.store.ConnectorCredentials.Credentials;
import io.tajo.connectors.store.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connectors", mixinStandardHelpOptions = true,
        description = "The platforms Brevo is kept in step with: connect them, register their webhooks.",
        subcommands = {ConnectorsCommand.Connect.class, ConnectorsCommand.Webhooks.class})
class ConnectorsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new TajoCli.UsageException("connectors needs a subcommand (see: tajo connectors --help)");
    }

    /** Only Shopify can be connected from the command line so far. */
    static void requireShopify(String connector) {
        if (!ShopifyAccessTokens.CONNECTOR.equals(connector)) {
            throw new TajoCli.UsageException("unknown connector '" + connector + "': only shopify is supported here");
        }
    }

    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "Checks a platform's credentials with one cheap API call, then stores them in the state store "
                    + "(encrypted when TAJO_MASTER_KEY is set).")
    static class Connect implements Callable<Integer> {
        private final TajoCli cli;

        @Parameters(index = "0", paramLabel = "CONNECTOR", description = "The platform: shopify.")
        String connector;

        @Option(names = "--shop-url", required = true, paramLabel = "SHOP",
                description = "The shop's myshopify.com domain, e.g. your-store.myshopify.com (https:// optional).")
        String shopUrl;

        @Option(names = {"--api-key", "--access-token"}, paramLabel = "TOKEN",
                description = "The custom app's Admin API access token (shpat_...).")
        String accessToken;

        @Option(names = "--api-secret", paramLabel = "SECRET",
                description = "The app's API secret key, which signs its webhooks (optional).")
        String apiSecret;

        Connect(TajoCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            requireShopify(connector);
            String shop;
            try {
                shop = ShopDomain.normalise(shopUrl);
            } catch (IllegalArgumentException e) {
                throw new TajoCli.UsageException(e.getMessage());
            }
            if (accessToken == null || accessToken.isBlank()) {
                throw new TajoCli.UsageException("missing --api-key: the custom app's Admin API access token (shpat_...)");
            }
            Settings settings = cli.environment.settings();
            ShopifyAdminApi api = new ShopifyAdminApi(shop, settings.get("tajo.shopify.base-url"),
                    settings.get("tajo.shopify.api-version"), accessToken.trim(), "--api-key", "--shop-url");
            String name = api.execute("query { shop { name } }", Map.of()).path("shop").path("name").asText(shop);
            boolean encrypted;
            try (StateStore store = StoreAccess.open(settings)) {
                ConnectorCredentials credentials = StoreAccess.credentials(store, settings);
                encrypted = credentials.isEncrypting();
                credentials.save(new Credentials(ShopifyAccessTokens.CONNECTOR, shop, accessToken.trim(), null,
                        apiSecret == null || apiSecret.isBlank() ? null : apiSecret.trim(), null, null, null, null));
            }
            cli.out.println("Connected to Shopify shop \"" + name + "\" (" + shop + ").");
            cli.out.println(encrypted ? "Credentials stored encrypted (TAJO_MASTER_KEY)."
                    : "Credentials stored in the state store, readable by its owner only; set TAJO_MASTER_KEY to encrypt them.");
            return 0;
        }
    }

    @Command(name = "webhooks", mixinStandardHelpOptions = true, description = "A platform's webhook subscriptions.",
            subcommands = Webhooks.Register.class)
    static class Webhooks implements Callable<Integer> {

        @Override
        public Integer call() {
            throw new TajoCli.UsageException("webhooks needs a subcommand: register (see: tajo connectors webhooks --help)");
        }

        @Command(name = "register", mixinStandardHelpOptions = true,
                description = "Subscribes the topics the enabled resources (SHOPIFY_RESOURCES) need to "
                        + "TAJO_PUBLIC_URL/webhooks/shopify; topics already subscribed there are left alone.")
        static class Register implements Callable<Integer> {
            private final TajoCli cli;

            @Parameters(index = "0", paramLabel = "CONNECTOR", description = "The platform: shopify.")
            String connector;

            @Option(names = "--callback-url", paramLabel = "URL",
                    description = "Where Shopify sends the webhooks (default: TAJO_PUBLIC_URL/webhooks/shopify), e.g. a tunnel's https URL.")
            String callbackUrl;

            Register(TajoCli cli) {
                this.cli = cli;
            }

            @Override
            public Integer call() {
                requireShopify(connector);
                Settings settings = cli.environment.settings();
                String callback = callbackUrl != null
                        ? ShopifyWebhookRegistration.callbackUrl(callbackUrl, true)
                        : ShopifyWebhookRegistration.callbackUrl(settings.get("tajo.public-url"), false);
                List<String> topics = ShopifyWebhookRegistration.topicsFor(settings.get("tajo.shopify.resources"));
                ShopifyWebhookRegistration.Result result;
                try (StateStore store = StoreAccess.open(settings)) {
                    ShopifyAdminApi api = StoreAccess.shopifyAccessTokens(store, settings).adminApi(
                            "SHOPIFY_ACCESS_TOKEN or tajo connectors connect shopify --api-key",
                            "SHOPIFY_SHOP_URL or tajo connectors connect shopify --shop-url");
                    result = new ShopifyWebhookRegistration(api).register(topics, callback);
                }
                cli.out.println(result.summary() + " (" + callback + ").");
                for (String failure : result.failures()) {
                    cli.err.println("tajo: Shopify refused the subscription " + failure);
                }
                return result.failures().isEmpty() ? 0 : 1;
            }
        }
    }
}
