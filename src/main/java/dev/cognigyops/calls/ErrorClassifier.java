package dev.cognigyops.calls;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;

/** Turns whatever ended a run into the result's status, error code and a message a person can act on. */
public final class ErrorClassifier {

    /** The result's view of a failure. */
    public record RunError(RunStatus status, ErrorCode code, String message) {
    }

    private static final int MAX_SERVER_MESSAGE = 300;

    private ErrorClassifier() {
    }

    /**
     * @param failure what was thrown
     * @param call    what was being done, e.g. {@code GET /api/v1/jobs/42}, or null
     * @param attempts how many attempts the call made, or 0 when unknown
     */
    public static RunError classify(Throwable failure, String call, int attempts) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof RunFailure rf) {
                return new RunError(rf.status(), rf.code(), Secrets.redact(rf.getMessage()));
            }
        }
        int status = Failures.status(failure);
        String what = call == null ? "" : call + ": ";
        String tries = attempts > 1 ? " (after " + attempts + " attempts)" : "";
        ErrorCode code;
        String message;
        if (status / 100 == 3) {
            code = codeFor(status);
            message = what + "HTTP " + status + " redirecting to " + Failures.redirectTarget(failure) + ", not followed"
                    + redirectReason(failure) + tries;
        } else if (status > 0) {
            code = codeFor(status);
            message = what + "HTTP " + status + serverMessage(Failures.responseBody(failure)) + tries;
        } else if (isStorage(failure)) {
            // S3 failed, not the call whose bytes it was taking: the message names S3 and the object
            code = ErrorCode.STORAGE_ERROR;
            message = describe(failure) + tries;
        } else if (Failures.isTimeout(failure)) {
            code = ErrorCode.TIMEOUT;
            message = what + "no answer in time: " + describe(failure) + tries;
        } else if (Failures.isTransport(failure)) {
            code = ErrorCode.UPSTREAM_ERROR;
            message = what + describe(failure) + tries;
        } else {
            code = ErrorCode.INTERNAL_ERROR;
            message = what + "unexpected " + failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof WriteOutcomeUnknown) {
                message += "; not repeated: Cognigy may have applied it";
                break;
            }
        }
        return new RunError(RunStatus.FAILED, code, Secrets.redact(message));
    }

    /** Why a redirect was not followed, when the client that refused it said so (downloads, the token endpoint). */
    private static String redirectReason(Throwable failure) {
        Throwable root = Failures.root(failure);
        return root instanceof CallFailedException call && call.getMessage() != null && !call.getMessage().isBlank()
                ? " (" + call.getMessage() + ")" : "";
    }

    private static boolean isStorage(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof dev.cognigyops.storage.StorageUnavailableException) {
                return true;
            }
        }
        return false;
    }

    static ErrorCode codeFor(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404, 410 -> ErrorCode.NOT_FOUND;
            case 409 -> ErrorCode.CONFLICT;
            case 412 -> ErrorCode.PRECONDITION_FAILED;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 408, 504 -> ErrorCode.TIMEOUT;
            default -> status >= 500 ? ErrorCode.UPSTREAM_ERROR : ErrorCode.UPSTREAM_REJECTED;
        };
    }

    private static String describe(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof TruncatedDownloadException || c instanceof CallFailedException
                    || c instanceof java.io.UncheckedIOException || c instanceof dev.cognigyops.storage.StorageUnavailableException) {
                return c.getMessage();
            }
        }
        Throwable deepest = failure;
        while (deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        String msg = deepest.getMessage();
        return deepest.getClass().getSimpleName() + (msg == null ? "" : " " + msg);
    }

    /** The server's own explanation from a JSON error body ({@code message}, {@code error_description}, ...). */
    static String serverMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        // the real Cognigy API's RFC 7807 answers (profile cognigy-v2): the detail and the traceId
        var problem = dev.cognigyops.cognigyv2.Problem.in(body);
        if (problem.isPresent()) {
            return ": " + problem.get().shown();
        }
        String text = body.trim();
        try {
            JsonNode json = Json.parse(text);
            for (String field : new String[] {"message", "error_description", "detail", "errorMessage", "error"}) {
                JsonNode value = json.get(field);
                if (value != null && !value.isNull()) {
                    text = value.isTextual() ? value.asText() : value.toString();
                    break;
                }
            }
        } catch (Exception notJson) {
            // keep the raw text
        }
        if (text.length() > MAX_SERVER_MESSAGE) {
            text = text.substring(0, MAX_SERVER_MESSAGE) + "…";
        }
        return ": " + text;
    }
}
