package dev.cognigyops.observe;

/**
 * How a call out ended, as the {@code outcome} label of the call metrics: {@code success}, or the class of its
 * last failure — {@code client_error} (4xx, 429 included, once the retries gave up), {@code server_error} (5xx),
 * {@code no_answer} (no HTTP answer: refused, reset, timed out, or refused before sending), {@code error} (an answer that could not be used: a truncated body, a redirect not followed).
 */
public final class CallOutcome {

    public static final String SUCCESS = "success";
    public static final String CLIENT_ERROR = "client_error";
    public static final String SERVER_ERROR = "server_error";
    public static final String NO_ANSWER = "no_answer";
    public static final String ERROR = "error";

    private CallOutcome() {
    }

    /**
     * @param failed whether the call failed for good
     * @param status the HTTP status of its last answer; 0 when there was none
     */
    public static String of(boolean failed, int status) {
        if (!failed) {
            return SUCCESS;
        }
        if (status >= 500) {
            return SERVER_ERROR;
        }
        if (status >= 400) {
            return CLIENT_ERROR;
        }
        return status == 0 ? NO_ANSWER : ERROR;
    }
}
