package io.tajo.connectors.brevo;

import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;

/**
 * The meters of the Brevo path, registered by the outbox and the dispatcher in the MeterRegistry that
 * camel-micrometer-prometheus keeps in the Camel registry (scraped at /observe/metrics). Where the host runs
 * no metrics (an embedding without them), a registry that records nothing stands in.
 */
public final class BrevoMeters {

    /** Commands accepted into the outbox, by connector and op. */
    public static final String ENQUEUED = "tajo.commands.enqueued";
    /** Commands Brevo accepted (or, in dry-run, written to the dry-run file), by connector and op. */
    public static final String DELIVERED = "tajo.commands.delivered";
    /** Commands dead-lettered, by connector and error code. */
    public static final String DEAD_LETTERED = "tajo.commands.dead.lettered";
    /** Calls to Brevo: latency, by endpoint (a path template, never an email) and HTTP status. */
    public static final String REQUESTS = "tajo.brevo.requests";
    /** Brevo's 429 answers. */
    public static final String RATE_LIMITED = "tajo.brevo.rate.limited";
    /** Outbox rows still to deliver. */
    public static final String OUTBOX_PENDING = "tajo.outbox.pending";
    /** Dead letters kept in the store, all connectors (per connector: tajo connectors status, /status). */
    public static final String DEAD_LETTERS = "tajo.dead.letters";

    private static final Set<String> CONTACT_WORDS = Set.of("import", "lists");

    private BrevoMeters() {
    }

    /** The Camel registry's MeterRegistry, or one that records nothing when metrics are off. */
    public static MeterRegistry registryOf(CamelContext context) {
        MeterRegistry found = context == null ? null : context.getRegistry()
                .lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (found == null && context != null) {
            found = context.getRegistry().findSingleByType(MeterRegistry.class);
        }
        return found != null ? found : new CompositeMeterRegistry();
    }

    /** "POST /contacts/{identifier}": the call's method and path with emails and ids taken out. */
    public static String endpoint(BrevoRequest request) {
        String[] segments = request.path().split("/");
        StringBuilder path = new StringBuilder();
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.chars().allMatch(Character::isDigit) && !segment.isEmpty()) {
                segment = "{id}";
            } else if (i == 2 && segments[1].equals("contacts") && !CONTACT_WORDS.contains(segment)) {
                segment = "{identifier}";
            }
            path.append('/').append(segment);
        }
        return request.method() + " " + path;
    }
}
