package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The email each platform record was last sent to Brevo with, for events that carry only the platform's id. */
public final class SourceContacts {

    private SourceContacts() {
    }

    /** A platform record and the email it is sent to Brevo with, as {@link #rememberAll} takes it. */
    public record Contact(String source, String sourceId, String email) {
    }

    /**
     * Remembers the email of each record (the last one listed wins) in a few batches: an update of each, an insert of
     * those with no row yet, and an update again of the inserts that met a row written meanwhile.
     */
    public static void rememberAll(Connection connection, List<Contact> contacts, long now) throws SQLException {
        List<Contact> missing = update(connection, contacts, now);
        int[] inserted = Sql.batch(connection, "INSERT INTO source_contact (source, source_id, email, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", missing.stream().map(c -> new Object[] {c.source(), c.sourceId(), c.email(), now}).toList());
        List<Contact> conflicts = new ArrayList<>();
        for (int i = 0; i < missing.size(); i++) {
            if (inserted[i] != 1) {
                conflicts.add(missing.get(i));
            }
        }
        update(connection, conflicts, now);
    }

    /** Updates the rows of the given records as one batch; returns the records that have none. */
    private static List<Contact> update(Connection connection, List<Contact> contacts, long now) throws SQLException {
        int[] updated = Sql.batch(connection, "UPDATE source_contact SET email = ?, updated_at = ? WHERE source = ? AND source_id = ?",
                contacts.stream().map(c -> new Object[] {c.email(), now, c.source(), c.sourceId()}).toList());
        List<Contact> missing = new ArrayList<>();
        for (int i = 0; i < contacts.size(); i++) {
            if (updated[i] == 0) {
                missing.add(contacts.get(i));
            }
        }
        return missing;
    }

    public static Optional<String> emailOf(StateStore store, String source, String sourceId) {
        return store.inTransaction(connection -> Sql.first(connection,
                "SELECT email FROM source_contact WHERE source = ? AND source_id = ?", rs -> rs.getString(1), source, sourceId));
    }

    /**
     * The platform id (after {@code prefix}, e.g. {@code customers/}) of the record last sent to Brevo with this
     * email, case aside.
     */
    public static Optional<String> sourceIdOf(StateStore store, String source, String prefix, String email) {
        return store.inTransaction(connection -> Sql.first(connection,
                "SELECT source_id FROM source_contact WHERE source = ? AND LOWER(email) = ? AND source_id LIKE ? "
                        + "ORDER BY updated_at DESC", rs -> rs.getString(1).substring(prefix.length()),
                source, email.trim().toLowerCase(Locale.ROOT), prefix + "%"));
    }
}
