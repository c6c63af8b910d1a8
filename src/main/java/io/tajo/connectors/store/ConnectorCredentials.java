package io.tajo.connectors.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/**
 * Per-connector credentials in the state store (DESIGN §3, §9): shop, access token, the app's client id and
 * secret, and for expiring offline tokens their expiry and refresh token. The secrets are AES-GCM encrypted
 * when {@code TAJO_MASTER_KEY} is set; otherwise they rely on the store being readable by its owner only.
 */
public class ConnectorCredentials {

    static final String NONE = "none";
    static final String AES_GCM = "aes-gcm";

    private StateStore store;
    private String masterKey = "";

    public void setStore(StateStore store) { this.store = store; }
    public void setMasterKey(String masterKey) { this.masterKey = masterKey == null ? "" : masterKey.trim(); }

    public boolean isEncrypting() {
        return !masterKey.isEmpty();
    }

    /** What is stored for one connector. {@link #toString()} never shows a secret. */
    public record Credentials(String connector, String shopUrl, String accessToken, String apiKey, String apiSecret,
                              String refreshToken, Long tokenExpiresAt, Long refreshTokenExpiresAt, String scope) {

        /** The same credentials with a newly granted access token (an OAuth exchange or a refresh). */
        public Credentials withToken(String token, Long expiresAt, String newRefreshToken, Long refreshExpiresAt, String newScope) {
            return new Credentials(connector, shopUrl, token, apiKey, apiSecret, newRefreshToken, expiresAt, refreshExpiresAt,
                    newScope == null ? scope : newScope);
        }

        @Override
        public String toString() {
            return "Credentials[" + connector + ", " + shopUrl + ", token " + mask(accessToken)
                    + (tokenExpiresAt == null ? "" : ", expires " + java.time.Instant.ofEpochMilli(tokenExpiresAt)) + "]";
        }
    }

    /** At most the token's prefix and last four characters, e.g. {@code shpat_…abcd}: enough to tell tokens apart. */
    public static String mask(String token) {
        if (token == null || token.isEmpty()) {
            return "(none)";
        }
        int underscore = token.indexOf('_');
        String prefix = underscore > 0 && underscore <= 6 ? token.substring(0, underscore + 1) : "";
        return token.length() < 16 ? prefix + "…" : prefix + "…" + token.substring(token.length() - 4);
    }

    /** Stores (or replaces) a connector's credentials. */
    public void save(Credentials credentials) {
        store.inTransaction(connection -> {
            save(connection, credentials);
            return null;
        });
    }

    public void save(Connection connection, Credentials c) throws SQLException {
        String encryption = isEncrypting() ? AES_GCM : NONE;
        long now = System.currentTimeMillis();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE connector_credential SET shop_url = ?, access_token = ?, api_key = ?, api_secret = ?, refresh_token = ?, "
                        + "token_expires_at = ?, refresh_token_expires_at = ?, scope = ?, encryption = ?, updated_at = ? "
                        + "WHERE connector = ?")) {
            bind(update, c, encryption, now);
            update.setString(11, c.connector());
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO connector_credential (shop_url, access_token, api_key, api_secret, refresh_token, token_expires_at, "
                        + "refresh_token_expires_at, scope, encryption, updated_at, connector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bind(insert, c, encryption, now);
            insert.setString(11, c.connector());
            insert.executeUpdate();
        }
    }

    private void bind(PreparedStatement statement, Credentials c, String encryption, long now) throws SQLException {
        statement.setString(1, c.shopUrl());
        statement.setString(2, seal(c.accessToken(), c.connector(), "access_token"));
        statement.setString(3, c.apiKey());
        statement.setString(4, seal(c.apiSecret(), c.connector(), "api_secret"));
        statement.setString(5, seal(c.refreshToken(), c.connector(), "refresh_token"));
        setLong(statement, 6, c.tokenExpiresAt());
        setLong(statement, 7, c.refreshTokenExpiresAt());
        statement.setString(8, c.scope());
        statement.setString(9, encryption);
        statement.setLong(10, now);
    }

    public Optional<Credentials> find(String connector) {
        return store.inTransaction(connection -> find(connection, connector, false));
    }

    /** Reads a connector's credentials; {@code forUpdate} locks the row until the transaction ends (one refresh at a time). */
    public Optional<Credentials> find(Connection connection, String connector, boolean forUpdate) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT shop_url, access_token, api_key, api_secret, refresh_token, token_expires_at, refresh_token_expires_at, "
                        + "scope, encryption FROM connector_credential WHERE connector = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            select.setString(1, connector);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                boolean encrypted = AES_GCM.equals(rs.getString(9));
                return Optional.of(new Credentials(connector, rs.getString(1),
                        open(rs.getString(2), encrypted, connector, "access_token"), rs.getString(3),
                        open(rs.getString(4), encrypted, connector, "api_secret"),
                        open(rs.getString(5), encrypted, connector, "refresh_token"),
                        (Long) rs.getObject(6, Long.class), (Long) rs.getObject(7, Long.class), rs.getString(8)));
            }
        }
    }

    private String seal(String value, String connector, String column) {
        return value == null || !isEncrypting() ? value : CredentialCipher.fromMasterKey(masterKey).encrypt(value, connector + "/" + column);
    }

    private String open(String value, boolean encrypted, String connector, String column) {
        if (value == null || !encrypted) {
            return value;
        }
        if (!isEncrypting()) {
            throw new IllegalStateException("The stored " + connector + " credentials are encrypted: set TAJO_MASTER_KEY "
                    + "to the key they were stored with");
        }
        return CredentialCipher.fromMasterKey(masterKey).decrypt(value, connector + "/" + column);
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    public StateStore store() {
        return store;
    }
}
