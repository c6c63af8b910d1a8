package io.tajo.connectors.skills;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;

/** Which skills are enabled: what {@code tajo skills enable|disable} stored, else each skill's default setting. */
public final class SkillChoices {

    private SkillChoices() {
    }

    /** Stores the choice; running services follow it within {@code tajo.skills.poll-interval-ms}. */
    public static void choose(StateStore store, Skill skill, boolean enabled) {
        long now = System.currentTimeMillis();
        store.inTransaction(connection -> {
            if (Sql.update(connection, "UPDATE skill SET enabled = ?, updated_at = ? WHERE name = ?", enabled, now, skill.skillName()) == 0) {
                Sql.update(connection, "INSERT INTO skill (name, enabled, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        skill.skillName(), enabled, now);
            }
            return null;
        });
    }

    /** Every skill, enabled or not; {@code settings} resolves application.properties keys (null when unset). */
    public static Map<Skill, Boolean> current(StateStore store, Function<String, String> settings) {
        Map<String, Boolean> stored = store.inTransaction(connection -> Sql.list(connection, "SELECT name, enabled FROM skill",
                rs -> Map.entry(rs.getString(1), rs.getBoolean(2)))).stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        Map<Skill, Boolean> enabled = new EnumMap<>(Skill.class);
        for (Skill skill : Skill.values()) {
            Boolean choice = stored.get(skill.skillName());
            enabled.put(skill, choice != null ? choice : Boolean.parseBoolean(String.valueOf(settings.apply(skill.defaultSetting())).trim()));
        }
        return enabled;
    }
}
