package io.tajo.connectors.brevo;

/** A Brevo command that can never be delivered as it is: dead-lettered with this reason. */
public class InvalidCommandException extends RuntimeException {
    public InvalidCommandException(String message) {
        super(message);
    }
}
