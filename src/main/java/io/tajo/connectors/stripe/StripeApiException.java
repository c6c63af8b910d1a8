package io.tajo.connectors.stripe;

/** A Stripe call that failed, with a one-line message saying what is wrong and how to fix it; never the key. */
public class StripeApiException extends RuntimeException {

    private final int status;

    public StripeApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    public StripeApiException(String message) {
        this(message, 0);
    }

    /** The HTTP status Stripe answered; 0 when there was none. */
    public int status() {
        return status;
    }
}
