package io.tajo.connectors.shopify;

import java.util.Locale;
import java.util.regex.Pattern;

/** A shop's permanent {@code your-store.myshopify.com} domain, the only host the Admin API and OAuth answer on. */
public final class ShopDomain {

    private static final Pattern SHOP = Pattern.compile("^[a-z0-9][a-z0-9-]*\\.myshopify\\.com$");

    private ShopDomain() {
    }

    /** True for exactly {@code name.myshopify.com}: what Shopify sends as {@code shop}, and all the install route accepts. */
    public static boolean isValid(String shop) {
        return shop != null && SHOP.matcher(shop).matches();
    }

    /**
     * What a merchant types, as the shop domain: {@code https://Your-Store.myshopify.com/}, {@code your-store.myshopify.com}
     * or just {@code your-store}. Throws with the fix when it is not a myshopify.com domain (a custom domain is not).
     */
    public static String normalise(String input) {
        String shop = input == null ? "" : input.trim().toLowerCase(Locale.ROOT);
        shop = shop.replaceFirst("^https?://", "");
        int slash = shop.indexOf('/');
        if (slash >= 0) {
            shop = shop.substring(0, slash);
        }
        if (!shop.isEmpty() && !shop.contains(".")) {
            shop = shop + ".myshopify.com";
        }
        if (!isValid(shop)) {
            throw new IllegalArgumentException("'" + (input == null ? "" : input.trim()) + "' is not a shop URL: use the shop's "
                    + "myshopify.com domain, e.g. your-store.myshopify.com (Shopify admin > Settings > Domains), not a custom domain");
        }
        return shop;
    }

    /** Where the shop's Admin API and OAuth endpoints are: {@code https://{shop}}, or the configured override (tests, proxies). */
    public static String adminBase(String shop, String baseUrlOverride) {
        if (baseUrlOverride != null && !baseUrlOverride.isBlank()) {
            String base = baseUrlOverride.trim();
            return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }
        return "https://" + shop;
    }
}
