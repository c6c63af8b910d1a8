package io.tajo.connectors.webhook;

/** A webhook delivery refused before anything reads it: answered with this status and no detail. */
public class WebhookRejectedException extends RuntimeException {

    private final int status;

    public WebhookRejectedException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }
}
