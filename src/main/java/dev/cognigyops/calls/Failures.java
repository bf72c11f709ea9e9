package dev.cognigyops.calls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;

/** What kind of failure an exception is: its HTTP status, headers and server message, whatever client raised it. */
public final class Failures {

    private Failures() {
    }

    /** The HTTP status of the failure, or 0 when no response was received. */
    public static int status(Throwable t) {
        Throwable cause = root(t);
        if (cause instanceof HttpOperationFailedException http) {
            return http.getStatusCode();
        }
        if (cause instanceof CallFailedException call) {
            return call.status();
        }
        return 0;
    }

    public static String header(Throwable t, String name) {
        Throwable cause = root(t);
        Map<String, String> headers = null;
        if (cause instanceof HttpOperationFailedException http) {
            headers = http.getResponseHeaders();
        } else if (cause instanceof CallFailedException call) {
            headers = call.headers();
        }
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    public static String responseBody(Throwable t) {
        Throwable cause = root(t);
        if (cause instanceof HttpOperationFailedException http) {
            return http.getResponseBody();
        }
        if (cause instanceof CallFailedException call) {
            return call.responseBody();
        }
        return null;
    }

    /**
     * Where a redirect that was not followed pointed, resolved against the URL that answered and
     * shown without user info or query ({@link RedirectRule#shown}); "(no Location)" when it named none.
     */
    public static String redirectTarget(Throwable t) {
        Throwable cause = root(t);
        String from = cause instanceof HttpOperationFailedException http ? http.getUri() : null;
        String location = cause instanceof HttpOperationFailedException http && http.getRedirectLocation() != null
                ? http.getRedirectLocation() : header(t, "Location");
        return RedirectRule.shown(from, location);
    }

    /** No answer at all, or a broken one: connection refused or reset, timeout, truncated body. */
    public static boolean isTransport(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    public static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpTimeoutException || c instanceof java.net.SocketTimeoutException
                    || c instanceof InterruptedIOException
                    || c.getClass().getSimpleName().toLowerCase(Locale.ROOT).contains("timeout")) {
                return true;
            }
        }
        return false;
    }

    /** The failure a person should read: HTTP failures win over the exceptions that wrap them. */
    public static Throwable root(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 20; c = c.getCause(), depth++) {
            if (c instanceof HttpOperationFailedException || c instanceof CallFailedException) {
                return c;
            }
        }
        return t;
    }
}
