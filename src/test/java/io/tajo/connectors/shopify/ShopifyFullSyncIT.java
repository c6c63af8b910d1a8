package io.tajo.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.PackagedFullSync;
import io.tajo.connectors.testing.ShopifySyncStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar streams a 100,000-customer bulk export into Brevo's contact import within a 256 MB heap. */
class ShopifyFullSyncIT {

    @TempDir
    Path dataDir;

    @Test
    void aHundredThousandCustomersReachBrevoThroughImportsWithin256MbOfHeap() throws Exception {
        try (BrevoStub brevo = new BrevoStub(); ShopifySyncStub shopify = new ShopifySyncStub()) {
            PackagedFullSync.Result run = PackagedFullSync.run(dataDir, brevo, shopify, 100_000, "256m");

            assertThat(run.exit()).as(run.output()).isZero();
            assertThat(run.output()).contains("shopify customers (full): 100000 records")
                    .contains("Everything synced is delivered to Brevo.");
            assertThat(ShopifyFullSyncTest.importedEmails(brevo)).hasSize(100_000);
            assertThat(brevo.requests("POST", "/v3/contacts")).isEmpty();
            assertThat(run.peakUsedMb()).as("heap used before any GC, MB").isLessThanOrEqualTo(256);
        }
    }
}
