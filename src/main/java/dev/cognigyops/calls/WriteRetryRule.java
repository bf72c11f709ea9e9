package dev.cognigyops.calls;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Profile cognigy-v2's rule for writes (docs/contract.md §9): POST and PATCH are not idempotent on
 * Cognigy. They are retried after a 429 (the request was refused, nothing done) or when the connection
 * failed before the request was sent (refused, unknown host, no route, connect timeout); after a 5xx, a
 * 408, a response timeout or a connection lost mid-call the effect is unknown, and the call is not
 * repeated: the operation reads back first ({@link WriteOutcomeUnknown}). Every other method, and every
 * other failure, follows {@link RetryPolicy} as on the seeds profile.
 */
public final class WriteRetryRule {

    private WriteRetryRule() {
    }

    /**
     * @return why the failed call must not be repeated blindly, or empty when {@link RetryPolicy} decides
     */
    public static Optional<String> outcomeUnknown(String method, Throwable failure) {
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        if (!m.equals("POST") && !m.equals("PATCH")) {
            return Optional.empty();
        }
        int status = Failures.status(failure);
        if (status >= 500 || status == 408) {
            return Optional.of("HTTP " + status + " after the " + m + " was sent");
        }
        if (status == 0 && Failures.isTransport(failure) && !failedBeforeSending(failure)) {
            return Optional.of((Failures.isTimeout(failure) ? "no answer in time" : "the connection broke")
                    + " after the " + m + " was sent");
        }
        return Optional.empty();
    }

    /** The connection was never made: nothing was sent, so sending again is safe. */
    static boolean failedBeforeSending(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException
                    || c.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }
}
