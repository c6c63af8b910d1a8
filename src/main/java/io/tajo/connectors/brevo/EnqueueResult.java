package io.tajo.connectors.brevo;

/** What {@code direct:brevo} did with what it was given. */
public record EnqueueResult(boolean duplicate, int rows, int commands, int stale, int invalid) {

    static EnqueueResult ofDuplicate() {
        return new EnqueueResult(true, 0, 0, 0, 0);
    }
}
