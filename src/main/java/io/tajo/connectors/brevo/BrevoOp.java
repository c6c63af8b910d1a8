package io.tajo.connectors.brevo;

import java.util.Arrays;
import java.util.Optional;

/** The operations a Brevo command can ask for, and the rate bucket each one spends. */
public enum BrevoOp {
    UPSERT_CONTACT("upsertContact", RateBucket.CONTACTS, 1000),
    DELETE_CONTACT("deleteContact", RateBucket.CONTACTS, 1),
    ADD_TO_LIST("addToList", RateBucket.CONTACTS, 150),
    TRACK_EVENT("trackEvent", RateBucket.EVENTS, 1),
    UPSERT_ORDER("upsertOrder", RateBucket.ORDERS, 1000),
    UPSERT_PRODUCT("upsertProduct", RateBucket.PRODUCTS, 100),
    SEND_TEMPLATE_EMAIL("sendTemplateEmail", RateBucket.EMAILS, 1);

    private final String wireName;
    private final RateBucket bucket;
    private final int maxPerRequest;

    BrevoOp(String wireName, RateBucket bucket, int maxPerRequest) {
        this.wireName = wireName;
        this.bucket = bucket;
        this.maxPerRequest = maxPerRequest;
    }

    /** Most commands one Brevo call may carry: its batch endpoint's limit (contacts: per import call). */
    public int maxPerRequest() { return maxPerRequest; }

    public String wireName() { return wireName; }

    public RateBucket bucket() { return bucket; }

    public static Optional<BrevoOp> of(String wireName) {
        return Arrays.stream(values()).filter(op -> op.wireName.equals(wireName)).findFirst();
    }

    /** Brevo's published rate-limit groups; all connectors sharing one API key share them. */
    public enum RateBucket { CONTACTS, EVENTS, ORDERS, PRODUCTS, EMAILS, OTHER }
}
