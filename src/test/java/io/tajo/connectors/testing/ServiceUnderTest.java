package io.tajo.connectors.testing;

import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's Brevo stub and the service it starts against it, as a JUnit extension ({@code @RegisterExtension}): after
 * each test the service is closed, every request the stub received is checked against Brevo's OpenAPI file, and the
 * stub is closed.
 */
public final class ServiceUnderTest implements AfterEachCallback {

    private final BrevoStub brevo = new BrevoStub();
    private RunningService service;

    public BrevoStub brevo() {
        return brevo;
    }

    /** Starts the service with {@code env} (from {@link RunningService#environment}); closed after the test. */
    public RunningService start(Map<String, String> env) throws Exception {
        service = RunningService.start(env);
        return service;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            if (service != null) {
                service.close();
            }
            brevo.assertAllRequestsValid();
        } finally {
            brevo.close();
        }
    }
}
