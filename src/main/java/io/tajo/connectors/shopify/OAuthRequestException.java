package io.tajo.connectors.shopify;

/** An OAuth install request refused: the HTTP status to answer and a short reason (never a secret). */
public class OAuthRequestException extends RuntimeException {

    private final int status;

    public OAuthRequestException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }
}
