package io.tajo.connectors;

import static io.tajo.connectors.testing.Commands.upsertContact;
import static io.tajo.connectors.testing.Commands.versioned;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.WireMock;
import io.tajo.connectors.brevo.EnqueueResult;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.store.DeadLetters;
import io.tajo.connectors.store.Sql;
import io.tajo.connectors.testing.BrevoStub;
import io.tajo.connectors.testing.RunningService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.builder.ExchangeBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.SchedulerMetaData;
import org.quartz.impl.jdbcjobstore.JobStoreTX;

/**
 * The same service on a real PostgreSQL (TAJO_STATE_URL): migrations, dedupe, version guard, delivery, dead letters,
 * and the sync schedules in Quartz's clustered job store.
 */
class PostgresStoreTest {

    static EmbeddedPostgres postgres;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void theOutboxWorksTheSameOnPostgres() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            brevo.server().stubFor(WireMock.post("/v3/contacts")
                    .withRequestBody(WireMock.matchingJsonPath("$.email", WireMock.equalTo("bad@example.com"))).atPriority(1)
                    .willReturn(BrevoStub.json(400, "{\"code\":\"invalid_parameter\",\"message\":\"Invalid email address\"}")));
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            env.put("TAJO_STATE_URL", postgres.getJdbcUrl("postgres", "postgres"));
            env.put("TAJO_STATE_USER", "postgres");
            try (RunningService service = RunningService.start(env)) {
                for (int i = 0; i < 3; i++) {
                    var exchange = ExchangeBuilder.anExchange(service.context())
                            .withBody(upsertContact("pg@example.com", Map.of("FIRSTNAME", "Pg")))
                            .withProperty(BrevoOutbox.IDEMPOTENCY_KEY, "test:same-delivery").build();
                    service.context().createProducerTemplate().send("direct:brevo", exchange);
                    assertThat(exchange.getProperty(BrevoOutbox.DUPLICATE, Boolean.class)).isEqualTo(i > 0);
                }
                service.send(versioned(upsertContact("v@example.com", Map.of("FIRSTNAME", "New")), "customers/9", "2026-01-02T00:00:00Z"));
                EnqueueResult older = (EnqueueResult) service.send(
                        versioned(upsertContact("v@example.com", Map.of("FIRSTNAME", "Old")), "customers/9", "2026-01-01T00:00:00Z"));
                assertThat(older.stale()).isEqualTo(1);
                service.send(upsertContact("bad@example.com", Map.of("FIRSTNAME", "Bad")));

                // the sync schedules live in the store's database, in Quartz's clustered job store
                SchedulerMetaData quartz = service.context().getComponent("quartz", QuartzComponent.class).getScheduler().getMetaData();
                assertThat(quartz.isJobStoreClustered()).isTrue();
                assertThat(quartz.getJobStoreClass()).isEqualTo(JobStoreTX.class);
                List<String> triggers = service.store().inTransaction(
                        c -> Sql.list(c, "SELECT trigger_name FROM qrtz_triggers", rs -> rs.getString(1)));
                assertThat(triggers).contains("customers", "orders", "products", "contacts");

                await().atMost(Duration.ofSeconds(15)).until(() -> service.outbox().pending() == 0);
                List<String> emails = brevo.requests("POST", "/v3/contacts").stream()
                        .map(r -> BrevoStub.body(r).get("email").asText()).toList();
                assertThat(emails).containsExactlyInAnyOrder("pg@example.com", "v@example.com", "bad@example.com");
                assertThat(new DeadLetters(service.store()).list(DeadLetters.Filter.all()))
                        .singleElement().satisfies(letter -> assertThat(letter.errorCode()).isEqualTo("invalid_parameter"));
            }
            brevo.assertAllRequestsValid();
        }
    }

    @Test
    void aListOfCommandsKeepsOnlyTheNewestVersionOfEachRecordOnPostgres() throws Exception {
        try (BrevoStub brevo = new BrevoStub()) {
            Map<String, String> env = RunningService.environment(dataDir, brevo);
            try (var connection = postgres.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE versions_in_a_list");
            }
            env.put("TAJO_STATE_URL", postgres.getJdbcUrl("postgres", "versions_in_a_list"));
            env.put("TAJO_STATE_USER", "postgres");
            try (RunningService service = RunningService.start(env)) {
                BrevoSinkTest.sendsOnlyTheNewestVersionOfEachRecordOfAList(service, brevo);
            }
            brevo.assertAllRequestsValid();
        }
    }
}
