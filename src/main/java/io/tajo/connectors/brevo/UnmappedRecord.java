package io.tajo.connectors.brevo;

/** A source record its mapping could not turn into a command: dead-lettered with the reason. */
public record UnmappedRecord(String source, String sourceId, String record, String reason) {
}
