package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import org.apache.camel.builder.ExchangeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store does not grow without bound: expired delivery ids and finished rows are removed. */
class HousekeepingTest {

    @TempDir
    Path dataDir;

    private static long count(RunningService service, String table) {
        return service.store().inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM " + table);
                 ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Test
    void expiredKeysAndDeliveredRowsAreRemovedAndPendingOnesKept() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("TAJO_IDEMPOTENCY_RETENTION", "PT0.5S");
            env.put("TAJO_OUTBOX_RETENTION", "PT0.5S");
            env.put("TAJO_HOUSEKEEPING_INTERVAL_MS", "300");
            try (RunningService service = RunningService.start(env)) {
                var exchange = ExchangeBuilder.anExchange(service.context())
                        .withBody(upsertContact("kept@example.com", Map.of("FIRSTNAME", "K")))
                        .withProperty(BrevoOutbox.IDEMPOTENCY_KEY, "test:delivery-1").build();
                service.context().createProducerTemplate().send("direct:brevo", exchange);
                await().atMost(Duration.ofSeconds(10)).until(() -> brevo.requests().size() == 1);

                brevo.refuseEverything(503);
                service.send(upsertContact("waiting@example.com", Map.of("FIRSTNAME", "W")));

                await().atMost(Duration.ofSeconds(10)).until(() -> count(service, "idempotency_key") == 0
                        && count(service, "outbox WHERE status = 'delivered'") == 0);
                assertThat(count(service, "outbox WHERE status = 'pending'")).as("undelivered rows are never removed").isEqualTo(1);
            }
            brevo.assertAllRequestsValid();
        }
    }
}
