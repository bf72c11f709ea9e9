package dev.cognigyops.nlpretrain;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.Failures;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;

/**
 * Seed 004's distinct errors for a training job that could not be submitted: 401 (credentials),
 * 403 (scopes), 422 (the server's {@code detail} on the payload) and 429 (rate limit, after the
 * shared retries). Anything else is described as every other failed call is.
 */
public final class SubmitErrors {

    private static final int MAX_DETAIL = 500;

    private SubmitErrors() {
    }

    /**
     * @param failure  what the submit raised, after its retries
     * @param call     the call, e.g. {@code POST /api/v2/ai/nlp/training/jobs}
     * @param attempts how many attempts were made
     * @param scopes   the scopes the operation asks for, named in the 403 message
     */
    public static RunFailure explain(Throwable failure, String call, int attempts, String scopes) {
        int status = Failures.status(failure);
        String tries = attempts > 1 ? " after " + attempts + " attempts" : "";
        String message = switch (status) {
            case 401 -> call + ": HTTP 401, Cognigy refused the credentials (also after renewing the token): check "
                    + "cognigy.auth.client-id and cognigy.auth.client-secret" + server(failure);
            case 403 -> call + ": HTTP 403, the client may not start training jobs: it needs the scopes '" + scopes
                    + "' (setting cognigy.auth.scopes.nlp-retrain)" + server(failure);
            case 422 -> call + ": HTTP 422, Cognigy rejected the training payload: " + detail(failure);
            case 429 -> call + ": HTTP 429, Cognigy is rate limiting training submissions" + tries
                    + "; try again later (retries: cognigy.retry.nlp-retrain.*)";
            default -> null;
        };
        if (message == null) {
            var error = ErrorClassifier.classify(failure, call, attempts);
            return new RunFailure(error.code(), error.status(), error.message());
        }
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 422 -> ErrorCode.UPSTREAM_REJECTED;
            default -> ErrorCode.RATE_LIMITED;
        };
        return new RunFailure(code, Secrets.redact(message));
    }

    /** The 422's {@code detail}: a text, or a list of {@code {loc, msg}} items, each named. */
    static String detail(Throwable failure) {
        String body = Failures.responseBody(failure);
        if (body == null || body.isBlank()) {
            return "no detail given";
        }
        String text;
        try {
            JsonNode json = Json.parse(body);
            JsonNode detail = json.has("detail") ? json.get("detail") : json.get("message");
            if (detail == null || detail.isNull()) {
                text = body.trim();
            } else if (detail.isTextual()) {
                text = detail.asText();
            } else if (detail.isArray()) {
                List<String> items = new ArrayList<>();
                for (JsonNode item : detail) {
                    String where = item.has("loc") ? join(item.get("loc")) + ": " : "";
                    items.add(where + (item.has("msg") ? item.get("msg").asText() : item.toString()));
                }
                text = String.join("; ", items);
            } else {
                text = detail.toString();
            }
        } catch (Exception notJson) {
            text = body.trim();
        }
        return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "…" : text;
    }

    private static String server(Throwable failure) {
        String body = Failures.responseBody(failure);
        return body == null || body.isBlank() ? "" : " (server said: " + detail(failure) + ")";
    }

    private static String join(JsonNode loc) {
        if (!loc.isArray()) {
            return loc.asText();
        }
        List<String> parts = new ArrayList<>();
        loc.forEach(p -> parts.add(p.asText()));
        return String.join(".", parts);
    }
}
