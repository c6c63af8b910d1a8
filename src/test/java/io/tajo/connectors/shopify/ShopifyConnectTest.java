package io.tajo.connectors.shopify;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import io.tajo.connectors.store.ConnectorCredentials;
import io.tajo.connectors.store.StateStore;
import io.tajo.connectors.testing.Cli;
import io.tajo.connectors.testing.Cli.Run;
import io.tajo.connectors.testing.RunningService;
import io.tajo.connectors.testing.ShopifyStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tajo connectors connect shopify}: credentials proven with one GraphQL call, stored (encrypted), never printed. */
class ShopifyConnectTest {

    static final String TOKEN = "shpat_0123456789abcdef0123456789abcdef";
    static final String MASTER_KEY = "correct horse battery staple";

    @TempDir
    Path dataDir;

    final ShopifyStub shopify = new ShopifyStub();

    @AfterEach
    void stop() {
        shopify.close();
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.resolve("data").toString());
        env.put("SHOPIFY_BASE_URL", shopify.baseUrl());
        return env;
    }

    @Test
    void aGoodTokenIsCheckedStoredEncryptedAndNeverPrinted() throws Exception {
        shopify.acceptToken(TOKEN, "Tajo Test Shop");
        Map<String, String> env = env();
        env.put("TAJO_MASTER_KEY", MASTER_KEY);

        Run run = Cli.tajo(env, "connectors", "connect", "shopify", "--shop-url", "https://Tajo-Test.myshopify.com/",
                "--api-key", TOKEN, "--api-secret", "shpss_webhooksecret");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Connected to Shopify shop \"Tajo Test Shop\" (tajo-test.myshopify.com).\n")
                .contains("encrypted");
        assertThat(run.out() + run.err()).doesNotContain(TOKEN).doesNotContain("shpss_webhooksecret");
        assertThat(shopify.graphql("shop { name }")).hasSize(1);
        assertThat(shopify.requests(ShopifyStub.GRAPHQL).get(0).getHeader("X-Shopify-Access-Token")).isEqualTo(TOKEN);

        try (StateStore store = store()) {
            try (Connection connection = store.dataSource().getConnection();
                 ResultSet rs = connection.createStatement().executeQuery(
                         "SELECT shop_url, access_token, api_secret, encryption FROM connector_credential WHERE connector = 'shopify'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("tajo-test.myshopify.com");
                assertThat(rs.getString(2)).doesNotContain(TOKEN).doesNotContain("0123456789abcdef").startsWith("v1:");
                assertThat(rs.getString(3)).doesNotContain("webhooksecret");
                assertThat(rs.getString(4)).isEqualTo("aes-gcm");
            }
            ConnectorCredentials.Credentials stored = credentials(store, MASTER_KEY).find("shopify").orElseThrow();
            assertThat(stored.accessToken()).isEqualTo(TOKEN);
            assertThat(stored.apiSecret()).isEqualTo("shpss_webhooksecret");
            assertThat(stored.toString()).doesNotContain(TOKEN).contains("shpat_…cdef");

            assertThatThrownBy(() -> credentials(store, "another key").find("shopify"))
                    .hasMessageContaining("TAJO_MASTER_KEY does not decrypt");
            assertThatThrownBy(() -> credentials(store, "").find("shopify"))
                    .hasMessageContaining("set TAJO_MASTER_KEY");
        }

        Path data = dataDir.resolve("data");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tajo.mv.db")))).isEqualTo("rw-------");
    }

    @Test
    void withoutAMasterKeyTheTokenIsStoredAsIsInTheOwnerOnlyStore() throws Exception {
        shopify.acceptToken(TOKEN, "Tajo Test Shop");
        Run run = Cli.tajo(env(), "connectors", "connect", "shopify", "--shop-url", "tajo-test", "--access-token", TOKEN);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("(tajo-test.myshopify.com)").contains("set TAJO_MASTER_KEY to encrypt");
        try (StateStore store = store()) {
            assertThat(credentials(store, "").find("shopify").orElseThrow().accessToken()).isEqualTo(TOKEN);
        }
    }

    @Test
    void aRefusedTokenIsAFailureOnOneLineThatNamesTheFix() {
        shopify.acceptToken("shpat_the_right_one_0000000000000000", "Tajo Test Shop");
        Run run = Cli.tajo(env(), "connectors", "connect", "shopify", "--shop-url", "tajo-test.myshopify.com", "--api-key", TOKEN);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("tajo: Shopify refused the token: check the Admin API access token (--api-key)\n");
        assertThat(run.out()).isEmpty();
        assertThat(run.out() + run.err()).doesNotContain(TOKEN);
        assertThat(Files.exists(dataDir.resolve("data"))).as("nothing stored").isFalse();
    }

    @Test
    void aFrozenShopIsNamed() {
        shopify.server().stubFor(post(urlPathEqualTo(ShopifyStub.GRAPHQL)).willReturn(ShopifyStub.json(402, "{\"errors\":\"Unavailable Shop\"}")));
        Run run = Cli.tajo(env(), "connectors", "connect", "shopify", "--shop-url", "tajo-test.myshopify.com", "--api-key", TOKEN);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("frozen").contains("tajo-test.myshopify.com");
    }

    @Test
    void anUnreachableShopIsAFailureOnOneLine() {
        Map<String, String> env = env();
        env.put("SHOPIFY_BASE_URL", "http://127.0.0.1:" + RunningService.freePort());
        Run run = Cli.tajo(env, "connectors", "connect", "shopify", "--shop-url", "tajo-test.myshopify.com", "--api-key", TOKEN);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).startsWith("tajo: Cannot reach Shopify").contains("connection refused").contains("--shop-url");
        assertThat(run.err()).doesNotContain(TOKEN);
    }

    @Test
    void missingOrBadArgumentsAreUsageErrors() {
        Run noShop = Cli.tajo(env(), "connectors", "connect", "shopify", "--api-key", TOKEN);
        assertThat(noShop.exit()).isEqualTo(2);
        assertThat(noShop.err().lines()).hasSize(1);
        assertThat(noShop.err()).contains("--shop-url").contains("tajo connectors connect --help").doesNotContain(TOKEN);

        Run noToken = Cli.tajo(env(), "connectors", "connect", "shopify", "--shop-url", "tajo-test");
        assertThat(noToken.exit()).isEqualTo(2);
        assertThat(noToken.err()).isEqualTo("tajo: missing --api-key: the custom app's Admin API access token (shpat_...)\n");

        Run customDomain = Cli.tajo(env(), "connectors", "connect", "shopify", "--shop-url", "https://shop.example.com", "--api-key", TOKEN);
        assertThat(customDomain.exit()).isEqualTo(2);
        assertThat(customDomain.err()).contains("myshopify.com");

        Run misplacedToken = Cli.tajo(env(), "connectors", "connect", "shopify", TOKEN, "--shop-url", "tajo-test", "--api-key", TOKEN);
        assertThat(misplacedToken.exit()).isEqualTo(2);
        assertThat(misplacedToken.err()).doesNotContain(TOKEN).contains("shpat_…");

        Run otherConnector = Cli.tajo(env(), "connectors", "connect", "woo", "--shop-url", "x", "--api-key", TOKEN);
        assertThat(otherConnector.exit()).isEqualTo(2);

        Run noSubcommand = Cli.tajo(env(), "connectors");
        assertThat(noSubcommand.exit()).isEqualTo(2);
        assertThat(Cli.tajo(env(), "--help").out()).contains("connectors");
    }

    private StateStore store() {
        StateStore store = new StateStore();
        store.setDataDir(dataDir.resolve("data").toString());
        store.start();
        return store;
    }

    private static ConnectorCredentials credentials(StateStore store, String masterKey) {
        ConnectorCredentials credentials = new ConnectorCredentials();
        credentials.setStore(store);
        credentials.setMasterKey(masterKey);
        return credentials;
    }
}
