package io.tajo.connectors.skills;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The skills (DESIGN §8). Each is a route file, {@code routes/skill-<name>.camel.yaml}, whose routes are in the
 * route group {@code <name>} with {@code autoStartup: false}: they run only while the skill is enabled. Whether it
 * is comes from {@code tajo skills enable|disable} (the state store), else from {@code tajo.skills.<name>.enabled}.
 */
public enum Skill {
    CUSTOMER_SYNC("customer-sync", "platform customers to Brevo contacts, from webhooks and syncs (delete_behavior, list_id)"),
    ABANDONED_CART("abandoned-cart", "idle Shopify checkouts: cart_abandoned event, reminder emails, cart_recovered"),
    CONSENT_SYNC("consent-sync", "Brevo unsubscribes, hard bounces and spam complaints back to Shopify and HubSpot");

    private final String skillName;
    private final String description;

    Skill(String skillName, String description) {
        this.skillName = skillName;
        this.description = description;
    }

    /** The skill's name: its route file, its route group and its settings, {@code tajo.skills.<name>.*}. */
    public String skillName() { return skillName; }

    public String description() { return description; }

    /** The setting that says whether the skill runs when `tajo skills` never chose. */
    public String defaultSetting() { return "tajo.skills." + skillName + ".enabled"; }

    public static Optional<Skill> of(String name) {
        return Arrays.stream(values()).filter(skill -> skill.skillName.equals(name)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(Skill::skillName).collect(Collectors.joining(", "));
    }
}
