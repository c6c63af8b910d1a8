package io.tajo.connectors.brevo;

/** Brevo answered 5xx: counted by the circuit breaker, retried later with backoff. */
public class BrevoUnavailableException extends RuntimeException {

    private final int status;

    public BrevoUnavailableException(int status, String body) {
        super("Brevo answered " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body)));
        this.status = status;
    }

    public int status() {
        return status;
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
