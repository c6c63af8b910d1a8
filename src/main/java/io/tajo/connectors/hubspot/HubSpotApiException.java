package io.tajo.connectors.hubspot;

/** A HubSpot call that failed, in one line naming the cause and the fix; {@code status} 0 when nothing answered. */
public class HubSpotApiException extends RuntimeException {

    private final int status;

    public HubSpotApiException(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
