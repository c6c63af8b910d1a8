package io.tajo.connectors.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CredentialCipherTest {

    final CredentialCipher cipher = CredentialCipher.fromMasterKey("unit test master key");

    @Test
    void aValueDecryptsOnlyInItsOwnRowAndColumnAndUnderItsOwnKey() {
        String sealed = cipher.encrypt("shpat_secret_value", "shopify/access_token");
        assertThat(sealed).startsWith("v1:").doesNotContain("shpat");
        assertThat(cipher.encrypt("shpat_secret_value", "shopify/access_token")).as("a fresh IV each time").isNotEqualTo(sealed);
        assertThat(cipher.decrypt(sealed, "shopify/access_token")).isEqualTo("shpat_secret_value");

        assertThatThrownBy(() -> cipher.decrypt(sealed, "shopify/refresh_token")).hasMessageContaining("TAJO_MASTER_KEY");
        assertThatThrownBy(() -> CredentialCipher.fromMasterKey("another key").decrypt(sealed, "shopify/access_token"))
                .hasMessageContaining("TAJO_MASTER_KEY does not decrypt");
        String tampered = sealed.substring(0, sealed.length() - 4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> cipher.decrypt(tampered, "shopify/access_token")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tokensAreMaskedToTheirPrefixAndLastFourCharacters() {
        assertThat(ConnectorCredentials.mask("shpat_0123456789abcdef0123456789abcdef")).isEqualTo("shpat_…cdef");
        assertThat(ConnectorCredentials.mask("shpat_short")).isEqualTo("shpat_…");
        assertThat(ConnectorCredentials.mask("opaquetokenwithoutprefix1234")).isEqualTo("…1234");
        assertThat(ConnectorCredentials.mask(null)).isEqualTo("(none)");
    }
}
