package dev.cognigyops.nlpretrain;

import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.RunFailure;

/** A failure just caught, as the run would report it: naming the call that failed, after how many attempts. */
final class Caught {

    private Caught() {
    }

    /**
     * @param call    the call being made when it failed (null when the failure was not a call's)
     * @param attempt its attempts, or null
     */
    static RunFailure describe(Exception failure, OutboundCall call, OutboundCalls.CallState attempt) {
        if (failure instanceof RunFailure rf) {
            return rf;
        }
        var error = ErrorClassifier.classify(failure, call == null ? null : call.describe(),
                attempt == null ? 0 : attempt.attempts());
        return new RunFailure(error.code(), error.status(), error.message());
    }
}
