package io.tajo.connectors.webhook;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/** A webhook's raw body read as JSON: an empty one, or one that is not JSON, is refused (400). */
public final class WebhookBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookBody() {
    }

    public static JsonNode json(byte[] body) {
        JsonNode json;
        try {
            json = body == null ? null : JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || json.isMissingNode()) {
            throw new WebhookRejectedException(400, "body is not JSON");
        }
        return json;
    }

    /** The body of the exchange's message, as bytes (what the webhook routes convert it to before verifying). */
    public static JsonNode json(Exchange exchange) {
        return json(exchange.getMessage().getBody(byte[].class));
    }
}
