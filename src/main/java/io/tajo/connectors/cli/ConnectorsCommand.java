package io.tajo.connectors.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import io.tajo.connectors.TajoEnvironment.Settings;
import io.tajo.connectors.TajoService;
import io.tajo.connectors.shopify.ShopDomain;
import io.tajo.connectors.shopify.ShopifyAccessTokens;
import io.tajo.connectors.shopify.ShopifyAdminApi;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.consent.BrevoWebhookRegistration;
import io.tajo.connectors.webhook.CallbackUrl;
import io.tajo.connectors.shopify.ShopifyWebhookRegistration;
import io.tajo.connectors.store.ConnectorCredentials.Credentials;
import io.tajo.connectors.store.ConnectorCredentials;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.sync.SyncRun;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connectors", mixinStandardHelpOptions = true,
        description = "The platforms Brevo is kept in step with: list them and their status, connect them, sync them, "
                + "register their webhooks.",
        subcommands = {ConnectorsStatusCommand.ListConnectors.class, ConnectorsStatusCommand.Status.class,
                ConnectorsCommand.Connect.class, ConnectorsCommand.Sync.class, ConnectorsCommand.Webhooks.class})
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
                description = {"shopify: subscribes the topics the enabled resources (SHOPIFY_RESOURCES) need to "
                        + "TAJO_PUBLIC_URL/webhooks/shopify; topics already subscribed there are left alone.",
                        "brevo: creates the marketing webhook consent-sync listens to (unsubscribed, hardBounce, spam, "
                                + "contactDeleted to TAJO_PUBLIC_URL/webhooks/brevo, with TAJO_BREVO_WEBHOOK_TOKEN as its bearer "
                                + "token), unless it is there."})
        static class Register implements Callable<Integer> {
            private final TajoCli cli;

            @Parameters(index = "0", paramLabel = "CONNECTOR", description = "The platform: shopify or brevo.")
            String connector;

            @Option(names = "--callback-url", paramLabel = "URL",
                    description = "Where the platform sends the webhooks (default: TAJO_PUBLIC_URL/webhooks/<platform>), "
                            + "e.g. a tunnel's https URL.")
            String callbackUrl;

            Register(TajoCli cli) {
                this.cli = cli;
            }

            @Override
            public Integer call() {
                if ("brevo".equals(connector)) {
                    return registerBrevo(cli.environment.settings());
                }
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

            private int registerBrevo(Settings settings) {
                String apiKey = settings.get("tajo.brevo.api-key");
                String token = settings.get("tajo.consent.webhook-token");
                if (apiKey.isBlank() || token.isBlank()) {
                    throw new TajoCli.UsageException((apiKey.isBlank() ? "BREVO_API_KEY" : "TAJO_BREVO_WEBHOOK_TOKEN")
                            + " is not set: the Brevo webhook needs "
                            + (apiKey.isBlank() ? "an API key to be created" : "a bearer token to authenticate its deliveries"));
                }
                String callback = CallbackUrl.check("Brevo", callbackUrl != null ? callbackUrl : settings.get("tajo.public-url"),
                        "/webhooks/brevo", callbackUrl != null);
                cli.out.println(new BrevoWebhookRegistration(settings.get("tajo.brevo.base-url"), apiKey).register(callback, token));
                return 0;
            }
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Runs a connector's batch sync once, from its stored checkpoint (the same route the schedule runs), "
                    + "and exits. Commands go to the outbox; delivery to Brevo goes on while it runs and in `tajo run`.")
    static class Sync implements Callable<Integer> {

        private final TajoCli cli;

        @Parameters(index = "0", paramLabel = "CONNECTOR", description = "The connector to sync, e.g. shopify.")
        String connector;

        @Option(names = "--full", description = "Sync everything, not only what changed since the last checkpoint "
                + "(Shopify customers: through a bulk export).")
        boolean full;

        @Option(names = "--resource", paramLabel = "RESOURCE", description = "Only this resource, e.g. customers "
                + "(default: every resource of the connector's tajo.<connector>.sync.resources).")
        String resource;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "PT10M",
                description = "How long to wait for the outbox to reach Brevo before exiting (ISO-8601, default ${DEFAULT-VALUE}; "
                        + "PT0S exits at once and leaves delivery to `tajo run`).")
        java.time.Duration wait;

        Sync(TajoCli cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws Exception {
            String known = cli.environment.settings().get("tajo." + connector + ".sync.resources", "");
            List<String> resources = Arrays.stream(known.split(",")).map(String::trim).filter(r -> !r.isEmpty()).toList();
            if (resources.isEmpty()) {
                throw new TajoCli.UsageException("no batch sync for connector '" + connector + "'");
            }
            if (resource != null && !resources.contains(resource)) {
                throw new TajoCli.UsageException("unknown " + connector + " resource '" + resource + "': use " + String.join(", ", resources));
            }
            boolean onTerminal = System.console() != null;
            // the connector's sync routes and what they hand their commands to (the mapping, the customer-sync skill
            // while enabled, the outbox); no HTTP server, schedules, webhooks or other skills (by the route naming
            // convention: <connector>-webhooks, *-schedule)
            TajoService service = new TajoService(cli.environment);
            service.addOverrideProperty("camel.server.enabled", "false");
            service.addOverrideProperty("camel.management.enabled", "false");
            service.addOverrideProperty("camel.main.route-filter-include-pattern", "brevo-.*,contact-mapping,customer-sync," + connector + "-.*");
            service.addOverrideProperty("camel.main.route-filter-exclude-pattern", ".*-webhooks,.*-schedule,.*-oauth-.*");
            try {
                service.start();
                ProducerTemplate template = service.getCamelContext().createProducerTemplate();
                for (String name : resource == null ? resources : List.of(resource)) {
                    SyncRun run = sync(service, template, name, onTerminal);
                    cli.out.println((onTerminal ? "\r\033[K" : "") + run.summary());
                }
                awaitDelivery(service.lookup("brevoOutbox", BrevoOutbox.class), onTerminal);
                return 0;
            } finally {
                service.stop();
            }
        }

        /** The sync's commands are in the outbox; waits (up to --wait) until the dispatcher has them at Brevo. */
        private void awaitDelivery(BrevoOutbox outbox, boolean onTerminal) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            long pending = outbox.pending();
            while (pending > 0 && System.nanoTime() < deadline) {
                if (onTerminal) {
                    cli.out.print("\r\033[Kdelivering to Brevo: " + pending + " outbox rows left");
                    cli.out.flush();
                }
                Thread.sleep(200);
                pending = outbox.pending();
            }
            cli.out.println((onTerminal ? "\r\033[K" : "") + (pending == 0 ? "Everything synced is delivered to Brevo."
                    : pending + " outbox rows still wait for Brevo; `tajo run` delivers them."));
        }

        private SyncRun sync(TajoService service, ProducerTemplate template, String name, boolean onTerminal) throws Exception {
            Exchange exchange = new DefaultExchange(service.getCamelContext());
            exchange.setProperty(SyncRun.RESOURCE, name);
            exchange.setProperty(SyncRun.FULL, full);
            if (onTerminal) {
                exchange.setProperty(SyncRun.PROGRESS, new ProgressLine(cli));
            }
            Exchange done = template.send("direct:" + connector + "-sync", exchange);
            Exception failure = done.getException();
            if (failure == null) {
                return done.getMessage().getBody(SyncRun.class);
            }
            SyncRun run = done.getProperty(SyncRun.RUN, SyncRun.class);
            if (run == null) {
                // stopped before it began (not connected, a bad setting): the cause says it all
                throw failure;
            }
            throw new IllegalStateException(connector + " " + name + " sync stopped after " + run.records()
                    + " records; the next sync resumes after the last committed page", failure);
        }

    }

    /** A progress line rewritten in place on a terminal: records, rate, and an ETA once the total is known. */
    static final class ProgressLine implements Consumer<SyncRun> {
        private final TajoCli cli;
        private long lastPrinted;

        ProgressLine(TajoCli cli) {
            this.cli = cli;
        }

        @Override
        public void accept(SyncRun run) {
            long now = System.nanoTime();
            if (now - lastPrinted < 200_000_000L) {
                return;
            }
            lastPrinted = now;
            double rate = run.records() / Math.max(run.elapsedSeconds(), 0.001);
            String line = String.format(Locale.ROOT, "%s %s: %,d%s records (%.0f/s)", run.connector(), run.resource(), run.records(),
                    run.total() == null ? "" : String.format(Locale.ROOT, " / %,d", run.total()), rate);
            if (run.total() != null && rate > 0 && run.records() < run.total()) {
                line += String.format(Locale.ROOT, ", ETA %.0f s", (run.total() - run.records()) / rate);
            }
            cli.out.print("\r\033[K" + line);
            cli.out.flush();
        }
    }
}
