package dev.cognigyops.observe;

/**
 * Whether the Cognigy tenant answered the health probe: the probe asks without credentials (no token is minted,
 * no secret is sent, the request budget is not spent), so an endpoint that is up answers 400 or 401 (the
 * OAuth2 error of a request without a client, RFC 6749 §5.2) or 401/403 (an API call without its key); a 2xx
 * is an answer too. A 404/405 (nothing there), a redirect, or a 5xx is not the tenant answering.
 */
public final class TenantAnswer {

    private TenantAnswer() {
    }

    public static boolean answers(int status) {
        return (status >= 200 && status < 300) || status == 400 || status == 401 || status == 403;
    }
}
