package dev.cognigyops.nlpretrain;

import java.util.LinkedHashMap;
import java.util.Map;


import org.apache.camel.Exchange;

import dev.cognigyops.http.ErrorClassifier;
import dev.cognigyops.http.OutboundCall;
import dev.cognigyops.http.OutboundCalls;
import dev.cognigyops.runs.RunFailure;

/** What nlp-retrain's steps read from and put on the exchange, and the fields every seed 004 event carries. */
final class RetrainSteps {

    private RetrainSteps() {
    }

    static void call(Exchange exchange, OutboundCall call) {
        exchange.setProperty(OutboundCalls.CALL, call);
    }

    static RetrainState state(Exchange exchange) {
        return exchange.getProperty(RetrainState.PROPERTY, RetrainState.class);
    }

    /** The failure just caught, as the run would report it (naming the call that failed). */
    static RunFailure caught(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure instanceof RunFailure rf) {
            return rf;
        }
        var error = ErrorClassifier.classify(failure, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange));
        return new RunFailure(error.code(), error.status(), error.message());
    }

    /** Seed 004's audit fields: event_type, model_id, version_id, job_id, payload_hash. */
    static Map<String, Object> event(RetrainState state, String eventType) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event_type", eventType);
        details.put("model_id", state.payload.modelId());
        details.put("version_id", state.modelVersionId);
        details.put("job_id", state.jobId);
        details.put("payload_hash", state.payloadHash);
        return details;
    }
}
