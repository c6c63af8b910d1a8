package io.tajo.connectors.mapping;

/** One record could not be mapped; the message names the field and reason, never the personal value. */
public class MappingException extends Exception {
    public MappingException(String message) {
        super(message);
    }
}
