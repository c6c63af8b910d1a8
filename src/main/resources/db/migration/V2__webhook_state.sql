-- State the webhook routes keep beside the outbox.

-- The email each platform record was last sent to Brevo with: deletes and consent updates often carry
-- only the platform's id.
CREATE TABLE source_contact (
    source     VARCHAR(60)  NOT NULL,
    source_id  VARCHAR(200) NOT NULL,
    email      VARCHAR(320) NOT NULL,
    updated_at BIGINT       NOT NULL,
    PRIMARY KEY (source, source_id)
);

-- Orders seen per contact, from which ORDER_COUNT, TOTAL_SPENT and LAST_ORDER_DATE are derived.
CREATE TABLE contact_order (
    source     VARCHAR(60)    NOT NULL,
    order_id   VARCHAR(200)   NOT NULL,
    email      VARCHAR(320)   NOT NULL,
    amount     DECIMAL(19, 4) NOT NULL,
    currency   VARCHAR(10),
    created_at BIGINT         NOT NULL,
    cancelled  BOOLEAN        NOT NULL,
    PRIMARY KEY (source, order_id)
);
CREATE INDEX contact_order_email ON contact_order (email);

-- Checkouts remembered for the abandoned-cart skill: the newest version of each.
CREATE TABLE checkout (
    source       VARCHAR(60)    NOT NULL,
    token        VARCHAR(200)   NOT NULL,
    email        VARCHAR(320),
    total        DECIMAL(19, 4),
    currency     VARCHAR(10),
    recovery_url VARCHAR(2000),
    body         TEXT           NOT NULL,
    updated_at   BIGINT         NOT NULL,
    completed_at BIGINT,
    PRIMARY KEY (source, token)
);
