package io.tajo.connectors.shopify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import io.tajo.connectors.PlatformApiException;

/**
 * The HTTP calls to a shop (Admin GraphQL API, OAuth token endpoint), and what their failures mean in one line.
 * {@code tokenHint} and {@code shopHint} name where the token and the shop came from, so the line says what to fix.
 */
final class ShopifyHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ShopifyHttp() {
    }

    static HttpResponse<String> send(HttpRequest request, String shop, String shopHint) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new PlatformApiException("Shopify (" + shop + ") did not answer within " + TIMEOUT.toSeconds()
                    + " s: try again later (https://www.shopifystatus.com)", 0);
        } catch (ConnectException e) {
            throw new PlatformApiException("Cannot reach Shopify at " + origin(request.uri()) + ": connection refused "
                    + "(check " + shopHint + " and the network)", 0);
        } catch (UnknownHostException e) {
            throw new PlatformApiException("No such Shopify shop host " + request.uri().getHost() + ": check " + shopHint, 0);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof UnknownHostException ? e.getCause() : e;
            if (cause instanceof UnknownHostException) {
                throw new PlatformApiException("No such Shopify shop host " + request.uri().getHost() + ": check " + shopHint, 0);
            }
            throw new PlatformApiException("Cannot reach Shopify at " + origin(request.uri()) + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + " (check " + shopHint + ")", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformApiException("Interrupted while calling Shopify", 0);
        }
    }

    /** The one line for a non-2xx answer of the Admin API. */
    static PlatformApiException failure(int status, String shop, String tokenHint, String shopHint) {
        String message = switch (status) {
            case 401 -> "Shopify refused the token: check the Admin API access token (" + tokenHint + ")";
            case 402 -> "Shopify shop " + shop + " is frozen (HTTP 402, unpaid bill): the shop owner must pay it in the Shopify admin";
            case 403 -> "Shopify refused the call (HTTP 403): the app lacks an access scope it needs; grant it in the app's "
                    + "Admin API scopes and install the app again";
            case 404 -> "No Shopify shop at " + shop + " (HTTP 404): check " + shopHint + " and SHOPIFY_API_VERSION";
            case 423 -> "Shopify shop " + shop + " is locked (HTTP 423): the shop owner must contact Shopify support";
            case 429 -> "Shopify kept throttling the calls (HTTP 429): try again in a minute";
            default -> status >= 500
                    ? "Shopify answered HTTP " + status + ": try again later (https://www.shopifystatus.com)"
                    : "Shopify answered HTTP " + status + " to " + shop;
        };
        return new PlatformApiException(message, status);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority();
    }
}
