package dev.cognigyops.calls;

import java.net.URI;
import java.util.Locale;

/**
 * Which redirects a call follows (docs/contract.md#hostile-input-and-failing-dependencies, "Tokens never cross origins" and "A webhook call never
 * follows a redirect"). Two origins are the same when scheme, host (ignoring case) and effective
 * port (80/443 when none is given) are the same.
 * <ul>
 *   <li>A call that carries the tenant's token follows a redirect only within its own origin, the
 *       token with it; a redirect to another origin is not followed.</li>
 *   <li>A download (the artifact of an export) also follows a redirect to another origin (a
 *       presigned URL, a CDN), but without the token; once the download has left the tenant's
 *       origin the token never comes back, even if a later hop returns there.</li>
 *   <li>A call without the tenant's token (a webhook, MLflow) never follows a redirect: the 3xx is
 *       the call's failure, naming where it pointed.</li>
 *   <li>Never from https to http, never to anything but an http(s) URL with a host, and never more
 *       than {@link #MAX_HOPS} redirects for one call.</li>
 * </ul>
 */
public final class RedirectRule {

    /** Redirects one call may follow. */
    public static final int MAX_HOPS = 5;

    /** What kind of call was redirected. */
    public enum Kind {
        /** A call through the shared call route: a Cognigy API call (with the token), a webhook or MLflow (without). */
        CALL,
        /** The artifact download of an export. */
        DOWNLOAD
    }

    /**
     * @param follow    follow the redirect
     * @param withToken send the Authorization header to the new location
     * @param reason    why, for messages (never a URL's query)
     */
    public record Decision(boolean follow, boolean withToken, String reason) {

        static Decision refuse(String reason) {
            return new Decision(false, false, reason);
        }
    }

    private RedirectRule() {
    }

    /**
     * @param kind      the call's kind
     * @param withToken whether the request that was redirected carried the tenant's token
     * @param from      the URL that answered with the redirect
     * @param to        where it points, already resolved against {@code from}
     * @param hop       the number of this redirect within the call (1 for the first)
     */
    public static Decision decide(Kind kind, boolean withToken, URI from, URI to, int hop) {
        if (hop > MAX_HOPS) {
            return Decision.refuse("more than " + MAX_HOPS + " redirects");
        }
        if (!isHttp(to)) {
            return Decision.refuse("not an http(s) URL");
        }
        if ("https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme())) {
            return Decision.refuse("a redirect from https to http is never followed");
        }
        boolean sameOrigin = sameOrigin(from, to);
        if (kind == Kind.DOWNLOAD) {
            return withToken && sameOrigin
                    ? new Decision(true, true, "within the tenant's origin, with the token")
                    : new Decision(true, false, "followed without the token");
        }
        if (!withToken) {
            return Decision.refuse("a call without the tenant's token (a webhook, MLflow) never follows a redirect");
        }
        return sameOrigin
                ? new Decision(true, true, "within the same origin")
                : Decision.refuse("the token never goes to another origin");
    }

    /** Is this status a redirect with a location to follow (301, 302, 303, 307, 308)? */
    public static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Same scheme, same host (ignoring case), same effective port. */
    public static boolean sameOrigin(URI a, URI b) {
        if (a.getScheme() == null || b.getScheme() == null || a.getHost() == null || b.getHost() == null) {
            return false;
        }
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    /**
     * Where a redirect points, as messages show it: resolved against the URL that answered, without
     * user info or query string; a Location that is no URI is said so.
     */
    public static String shown(String from, String location) {
        if (location == null) {
            return "(no Location)";
        }
        try {
            URI target = from == null ? URI.create(location) : URI.create(from).resolve(location.trim());
            if (target.getHost() == null) {
                return target.getRawPath() == null ? "(an unparseable Location)" : target.getRawPath();
            }
            return target.getScheme() + "://" + target.getHost() + (target.getPort() >= 0 ? ":" + target.getPort() : "")
                    + (target.getRawPath() == null ? "" : target.getRawPath());
        } catch (IllegalArgumentException e) {
            return "(an unparseable Location)";
        }
    }

    private static boolean isHttp(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
