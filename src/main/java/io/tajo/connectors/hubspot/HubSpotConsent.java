package io.tajo.connectors.hubspot;

import io.tajo.connectors.consent.ConsentTarget;

/**
 * consent-sync to HubSpot: the email's subscription status, through the communication preferences API (v4) — one
 * subscription type when {@code HUBSPOT_CONSENT_SUBSCRIPTION_ID} is set, else every email subscription.
 */
public class HubSpotConsent implements ConsentTarget {

    private HubSpotApi api;
    private String subscriptionId = "";
    private String legalBasis = "";
    private String legalBasisExplanation = "";

    public void setApi(HubSpotApi api) { this.api = api; }
    public void setSubscriptionId(String subscriptionId) { this.subscriptionId = subscriptionId == null ? "" : subscriptionId.trim(); }
    public void setLegalBasis(String legalBasis) { this.legalBasis = legalBasis == null ? "" : legalBasis.trim(); }
    public void setLegalBasisExplanation(String explanation) { this.legalBasisExplanation = explanation == null ? "" : explanation; }

    @Override
    public String connector() {
        return HubSpotApi.CONNECTOR;
    }

    @Override
    public boolean isConnected() {
        return api.isConnected();
    }

    @Override
    public void apply(String email, boolean subscribed) {
        api.updateEmailSubscription(email, subscriptionId, subscribed, legalBasis, legalBasisExplanation);
    }
}
