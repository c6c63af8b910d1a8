package io.tajo.connectors.mapping;

/** A value a transform cannot convert; the reason never quotes the value. */
final class InvalidValueException extends Exception {
    InvalidValueException(String reason) {
        super(reason, null, false, false); // no stack trace: failures are expected per record and only the reason matters
    }
}
