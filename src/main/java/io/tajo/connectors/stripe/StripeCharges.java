package io.tajo.connectors.stripe;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.tajo.connectors.store.Sql;
import io.tajo.connectors.store.StateStore;

/**
 * The Stripe charges seen per contact (kept in {@code contact_order} beside Shopify's orders, source {@code stripe},
 * id {@code charges/<id>}), net of refunds, from which the contact's LIFETIME_VALUE is derived, each charge counted
 * once however often its events arrive.
 */
final class StripeCharges {

    private StripeCharges() {
    }

    /** LIFETIME_VALUE in the charges' currency (major units), and when it was computed. */
    record LifetimeValue(BigDecimal value, String currency, long computedAt) {
    }

    /**
     * Records the charge's net amount ({@code amount - amount_refunded}, minor units). A refund only lowers a
     * charge's net amount, so the smaller of what is stored and what arrives wins: a late charge.succeeded does
     * not undo a refund. Returns the contact's lifetime value, or empty when its charges are in several currencies
     * (no honest single sum) or the currency is unknown.
     */
    static Optional<LifetimeValue> record(StateStore store, String chargeId, String email, long amountMinor, long refundedMinor,
                                          String currency, long createdAt) {
        Optional<Currency> iso = currency(currency);
        if (iso.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal net = BigDecimal.valueOf(Math.max(0, amountMinor - refundedMinor), iso.get().getDefaultFractionDigits());
        String id = "charges/" + chargeId;
        String code = iso.get().getCurrencyCode();
        return store.inTransaction(connection -> {
            if (Sql.update(connection, "UPDATE contact_order SET email = ?, amount = LEAST(amount, ?), currency = ?, created_at = ? "
                    + "WHERE source = ? AND order_id = ?", email, net, code, createdAt, StripeWebhooks.SOURCE, id) == 0) {
                Sql.update(connection, "INSERT INTO contact_order (email, amount, currency, created_at, cancelled, source, order_id) "
                        + "VALUES (?, ?, ?, ?, FALSE, ?, ?) ON CONFLICT DO NOTHING", email, net, code, createdAt, StripeWebhooks.SOURCE, id);
            }
            List<String> currencies = Sql.list(connection, "SELECT DISTINCT currency FROM contact_order WHERE source = ? AND email = ?",
                    rs -> rs.getString(1), StripeWebhooks.SOURCE, email);
            if (currencies.size() != 1) {
                return Optional.<LifetimeValue>empty();
            }
            return Sql.first(connection, "SELECT COALESCE(SUM(amount), 0) FROM contact_order WHERE source = ? AND email = ? AND NOT cancelled",
                    rs -> new LifetimeValue(rs.getBigDecimal(1).stripTrailingZeros(), currencies.get(0), System.currentTimeMillis()),
                    StripeWebhooks.SOURCE, email);
        });
    }

    private static Optional<Currency> currency(String code) {
        try {
            return code == null ? Optional.empty() : Optional.of(Currency.getInstance(code.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
