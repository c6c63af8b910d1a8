package io.tajo.connectors.consent;

/**
 * A platform that takes email marketing consent back from Brevo (the consent-sync skill): Shopify's customer
 * consent, HubSpot's subscription status. A bean named {@code <connector>Consent} in beans.camel.yaml.
 */
public interface ConsentTarget {

    /** The connector's name: shopify, hubspot, ... */
    String connector();

    /** False while the platform's credentials are missing: nothing is queued for it then. */
    boolean isConnected();

    /**
     * Sets the consent of the platform's contact with this email; nothing when the platform has no such contact.
     * Throws when the platform could not be told, so that the change is tried again later.
     */
    void apply(String email, boolean subscribed);
}
