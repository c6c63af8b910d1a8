-- Connector credentials (DESIGN §3, §9) and the OAuth install states. Runs unchanged on H2 (PostgreSQL mode)
-- and PostgreSQL. Secret columns hold AES-GCM ciphertext when encryption = 'aes-gcm' (key derived from
-- TAJO_MASTER_KEY), the value itself when encryption = 'none'. Times are epoch milliseconds.

-- One row per connector: what `tajo connectors connect` or the OAuth install stored.
CREATE TABLE connector_credential (
    connector                VARCHAR(60)   PRIMARY KEY,
    shop_url                 VARCHAR(255)  NOT NULL,   -- e.g. your-store.myshopify.com
    access_token             VARCHAR(4000) NOT NULL,
    api_key                  VARCHAR(4000),            -- the app's client id (OAuth), when known
    api_secret               VARCHAR(4000),            -- the app's client secret, when given
    refresh_token            VARCHAR(4000),            -- expiring offline tokens only
    token_expires_at         BIGINT,                   -- null: the token does not expire
    refresh_token_expires_at BIGINT,
    scope                    VARCHAR(1000),
    encryption               VARCHAR(20)   NOT NULL,   -- none | aes-gcm
    updated_at               BIGINT        NOT NULL
);

-- OAuth install states: random, single use, short-lived (the callback deletes the row it accepts).
CREATE TABLE oauth_state (
    state      VARCHAR(100) PRIMARY KEY,
    connector  VARCHAR(60)  NOT NULL,
    shop       VARCHAR(255) NOT NULL,
    expires_at BIGINT       NOT NULL
);
CREATE INDEX oauth_state_expiry ON oauth_state (expires_at);
