package dev.cognigyops.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.store.RunStore.CancelAnswer;
import dev.cognigyops.support.Json;

/**
 * The answer of {@code POST /api/runs/{runId}/cancel[?cancelJob=true]}: 202 when the cancel is recorded
 * (again: a second cancel of a running run is 202 too), 409 when the run has ended, 404 when there is no
 * such run, 400 when {@code cancelJob} is neither true nor false.
 */
public record CancelReply(int status, ObjectNode body) {

    /** {@code cancelJob} as given: absent or blank is false; anything but true or false is a violation. */
    public static Boolean cancelJob(String given) {
        if (given == null || given.isBlank() || given.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        return given.equalsIgnoreCase("true") ? Boolean.TRUE : null;
    }

    public static CancelReply badCancelJob(String given) {
        ObjectNode body = Json.object();
        body.put("error", "INVALID_REQUEST");
        body.putArray("violations").add("cancelJob: '" + given + "' is not true or false");
        return new CancelReply(400, body);
    }

    public static CancelReply of(String runId, CancelAnswer answer) {
        ObjectNode body = Json.object();
        if (answer instanceof CancelAnswer.Requested) {
            body.put("runId", runId);
            body.put("cancelRequested", true);
            return new CancelReply(202, body);
        }
        if (answer instanceof CancelAnswer.Ended ended) {
            body.put("error", "CONFLICT");
            body.put("message", "run " + runId + " has ended: " + ended.status());
            return new CancelReply(409, body);
        }
        body.put("error", "NOT_FOUND");
        body.put("message", "no run " + runId);
        return new CancelReply(404, body);
    }
}
