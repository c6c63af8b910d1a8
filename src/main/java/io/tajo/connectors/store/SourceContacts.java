package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The email each platform record was last sent to Brevo with, for events that carry only the platform's id. */
public final class SourceContacts {

    private SourceContacts() {
    }

    /** A platform record and the email it is sent to Brevo with, as {@link #rememberAll} takes it. */
    public record Contact(String source, String sourceId, String email) {
    }

    /**
     * Remembers the email of each record (the last one listed wins) in a few statements: which records have a row in
     * one read, then an update batch for those and an insert batch for the others; an insert that meets a row another
     * writer inserted since the read updates it instead.
     */
    public static void rememberAll(Connection connection, List<Contact> contacts, long now) throws SQLException {
        Map<String, Contact> latest = new LinkedHashMap<>();
        contacts.forEach(contact -> latest.put(SourceVersions.key(contact.source(), contact.sourceId()), contact));
        Set<String> known = new HashSet<>(Sql.listIn(connection, "SELECT source, source_id FROM source_contact WHERE (source, source_id)",
                latest.values().stream().map(c -> new Object[] {c.source(), c.sourceId()}).toList(),
                rs -> SourceVersions.key(rs.getString(1), rs.getString(2))));
        List<Contact> updates = new ArrayList<>();
        List<Contact> inserts = new ArrayList<>();
        latest.forEach((key, contact) -> (known.contains(key) ? updates : inserts).add(contact));
        int[] inserted = Sql.batch(connection, "INSERT INTO source_contact (source, source_id, email, updated_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING", inserts.stream().map(c -> new Object[] {c.source(), c.sourceId(), c.email(), now}).toList());
        for (int i = 0; i < inserts.size(); i++) {
            if (inserted[i] != 1) {
                updates.add(inserts.get(i));
            }
        }
        Sql.batch(connection, "UPDATE source_contact SET email = ?, updated_at = ? WHERE source = ? AND source_id = ?",
                updates.stream().map(c -> new Object[] {c.email(), now, c.source(), c.sourceId()}).toList());
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
