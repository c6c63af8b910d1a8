-- Skills (DESIGN §8) and the state the abandoned-cart skill keeps. Runs unchanged on H2 (PostgreSQL mode) and
-- PostgreSQL. Times are epoch milliseconds.

-- What `tajo skills enable|disable` chose; a skill without a row follows tajo.skills.<name>.enabled.
CREATE TABLE skill (
    name       VARCHAR(60) PRIMARY KEY,
    enabled    BOOLEAN     NOT NULL,
    updated_at BIGINT      NOT NULL
);

-- A checkout's cart token, so an order naming only the cart is matched to it.
ALTER TABLE checkout ADD COLUMN cart_token VARCHAR(200);
CREATE INDEX checkout_updated ON checkout (updated_at);

-- Orders placed from a checkout or cart (Shopify orders carry checkout_token and cart_token).
CREATE TABLE checkout_order (
    source         VARCHAR(60)  NOT NULL,
    order_id       VARCHAR(200) NOT NULL,
    checkout_token VARCHAR(200),
    cart_token     VARCHAR(200),
    created_at     BIGINT       NOT NULL,
    PRIMARY KEY (source, order_id)
);
CREATE INDEX checkout_order_checkout ON checkout_order (source, checkout_token);
CREATE INDEX checkout_order_cart ON checkout_order (source, cart_token);

-- Email marketing consent as last reported by a platform (Shopify consent webhooks) or by Brevo (consent-sync):
-- an unsubscribed email gets no abandoned-cart follow-up. The newest report wins.
CREATE TABLE email_consent (
    email      VARCHAR(320) PRIMARY KEY,   -- lower case
    subscribed BOOLEAN      NOT NULL,
    source     VARCHAR(60)  NOT NULL,
    updated_at BIGINT       NOT NULL
);

-- How far the abandoned-cart skill got with each cart. Each step's Brevo commands are committed to the outbox
-- under the key abandoned-cart:<source>:<token>:<step> first, so a step is never sent twice; this row then
-- records it, so the cart is not looked at again for that step.
CREATE TABLE abandoned_cart (
    source         VARCHAR(60)  NOT NULL,
    token          VARCHAR(200) NOT NULL,
    abandoned_at   BIGINT       NOT NULL,
    reminders_done INT          NOT NULL DEFAULT 0,
    next_reminder_at BIGINT,                  -- null: no reminder left
    finished       VARCHAR(20),               -- recovered | unsubscribed; null while followed
    updated_at     BIGINT       NOT NULL,
    PRIMARY KEY (source, token)
);
