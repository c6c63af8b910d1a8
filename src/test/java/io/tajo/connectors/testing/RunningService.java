package io.tajo.connectors.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.tajo.connectors.TajoService;
import io.tajo.connectors.brevo.BrevoOutbox;
import io.tajo.connectors.store.StateStore;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;

/** The service started in this JVM exactly as {@code tajo run} starts it, with its own environment variables. */
public final class RunningService implements AutoCloseable {

    /** The service's own routes plus the test entry points of src/test/resources/test-routes. */
    public static final String TEST_ROUTES = "file:routes/*.camel.yaml,file:src/test/resources/test-routes/*.camel.yaml";

    private final TajoService service;
    private final Map<String, String> environment;
    private final ProducerTemplate template;

    private RunningService(Map<String, String> environment) throws Exception {
        this.environment = environment;
        this.service = new TajoService(environment);
        service.start();
        this.template = context().createProducerTemplate();
    }

    /** Environment of a test service: its own data dir and port, Brevo at the stub, quick polling and retries. */
    public static Map<String, String> environment(Path dataDir, BrevoStub brevo) {
        Map<String, String> env = new HashMap<>();
        env.put("TAJO_DATA_DIR", dataDir.toString());
        env.put("TAJO_HTTP_PORT", String.valueOf(freePort()));
        if (brevo != null) {
            env.put("BREVO_API_KEY", BrevoStub.API_KEY);
            env.put("BREVO_BASE_URL", brevo.baseUrl());
        }
        env.put("TAJO_ROUTES", TEST_ROUTES);
        env.put("BREVO_DISPATCH_POLL_MS", "50");
        env.put("BREVO_RETRY_INITIAL_DELAY", "PT0.1S");
        env.put("BREVO_RETRY_MAX_DELAY", "PT1S");
        env.put("BREVO_CIRCUIT_OPEN_SECONDS", "1");
        return env;
    }

    public static RunningService start(Map<String, String> environment) throws Exception {
        return new RunningService(environment);
    }

    public Map<String, String> environment() {
        return environment;
    }

    public CamelContext context() {
        return service.getCamelContext();
    }

    public int port() {
        return Integer.parseInt(environment.get("TAJO_HTTP_PORT"));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Sends commands to {@code direct:brevo}, as a connector route does. */
    public Object send(Object commands) {
        return template.requestBody("direct:brevo", commands);
    }

    public StateStore store() {
        return context().getRegistry().lookupByNameAndType("stateStore", StateStore.class);
    }

    public BrevoOutbox outbox() {
        return context().getRegistry().lookupByNameAndType("brevoOutbox", BrevoOutbox.class);
    }

    /** Waits until the outbox is empty, then a little longer so a stray second request would show at the stub. */
    public void awaitOutboxEmpty() throws InterruptedException {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> outbox().pending() == 0);
        Thread.sleep(300);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        template.close();
        service.stop();
    }
}
