package io.tajo.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The signature settings of the signed-webhook template other than WooCommerce's (base64 of the body). */
class SignedWebhookTest {

    private static final DefaultCamelContext CONTEXT = new DefaultCamelContext();
    private static final byte[] BODY = "{\"id\":1,\"email\":\"a@example.com\"}".getBytes(StandardCharsets.UTF_8);

    private static SignedWebhook webhook(String signed, String secret, String previous) {
        SignedWebhook webhook = new SignedWebhook();
        webhook.setConnector("acme");
        webhook.setSignatureHeader("X-Acme-Signature");
        webhook.setEncoding("hex");
        webhook.setSigned(signed);
        webhook.setTimestampHeader("X-Acme-Timestamp");
        webhook.setDedupeHeader("X-Acme-Delivery");
        webhook.setSecret(secret);
        webhook.setPreviousSecret(previous);
        webhook.start();
        return webhook;
    }

    private static String hexHmac(String secret, String prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static Exchange delivery(String signature, String timestamp) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        exchange.getMessage().setBody(BODY);
        exchange.getMessage().setHeader("X-Acme-Signature", signature);
        exchange.getMessage().setHeader("X-Acme-Timestamp", timestamp);
        exchange.getMessage().setHeader("X-Acme-Delivery", "d-1");
        return exchange;
    }

    @Test
    void aTimestampDotBodyTemplateIsSignedAsTheHeaderADotAndTheRawBytes() throws Exception {
        SignedWebhook webhook = webhook("{timestamp}.{body}", "s3cret", " ");
        webhook.verify(delivery(hexHmac("s3cret", "1767348000.", BODY), "1767348000"));
        assertThatThrownBy(() -> webhook.verify(delivery(hexHmac("s3cret", "1767348001.", BODY), "1767348000")))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(401));
        assertThatThrownBy(() -> webhook.verify(delivery(hexHmac("s3cret", "1767348000.", BODY), null)))
                .isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void aTimestampOutsideTheToleranceIsRefusedThoughSigned() throws Exception {
        SignedWebhook webhook = new SignedWebhook();
        webhook.setConnector("acme");
        webhook.setSignatureHeader("X-Acme-Signature");
        webhook.setSigned("{timestamp}.{body}");
        webhook.setTimestampHeader("X-Acme-Timestamp");
        webhook.setTimestampTolerance("PT5M");
        webhook.setSecret("s3cret");
        webhook.setClock(Clock.fixed(Instant.ofEpochSecond(1767348000L + 299), ZoneOffset.UTC));
        webhook.start();
        webhook.verify(delivery(hexHmac("s3cret", "1767348000.", BODY), "1767348000"));
        webhook.verify(delivery(hexHmac("s3cret", "1767348000000.", BODY), "1767348000000"));
        webhook.setClock(Clock.fixed(Instant.ofEpochSecond(1767348000L + 301), ZoneOffset.UTC));
        assertThatThrownBy(() -> webhook.verify(delivery(hexHmac("s3cret", "1767348000.", BODY), "1767348000")))
                .isInstanceOf(WebhookRejectedException.class).hasMessage("timestamp outside the tolerance");
    }

    @Test
    void aHexBodySignatureMatchesEitherSecretAndNothingElse() throws Exception {
        SignedWebhook webhook = webhook("body", "new", "old");
        webhook.verify(delivery(hexHmac("new", "", BODY), null));
        webhook.verify(delivery(hexHmac("old", "", BODY), null));
        assertThatThrownBy(() -> webhook.verify(delivery(hexHmac("other", "", BODY), null)))
                .isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> webhook.verify(delivery("not hex", null))).isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void withoutASecretEveryDeliveryIsRefused() throws Exception {
        SignedWebhook webhook = webhook("body", " ", " ");
        assertThatThrownBy(() -> webhook.verify(delivery(hexHmac("any", "", BODY), null)))
                .isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void aMistakenTemplateStopsStartUpWithItsReason() {
        assertThatThrownBy(() -> webhook("{timestamp}", "s", " ")).hasMessageContaining("{body} exactly once");
        SignedWebhook webhook = new SignedWebhook();
        webhook.setEncoding("base32");
        assertThatThrownBy(webhook::start).hasMessageContaining("neither hex nor base64");
        SignedWebhook unknown = new SignedWebhook();
        unknown.setAlgorithm("HmacNope");
        assertThatThrownBy(unknown::start).hasMessageContaining("unknown algorithm");
    }
}
