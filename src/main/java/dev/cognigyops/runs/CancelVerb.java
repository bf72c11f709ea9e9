package dev.cognigyops.runs;

import org.apache.camel.Exchange;

import dev.cognigyops.store.CancelRequests;
import dev.cognigyops.support.Json;

/** The steps of the route behind {@code POST /api/runs/{runId}/cancel} ({@code routes/platform/runs-api.camel.yaml}). */
public final class CancelVerb {

    private final CancelRequests cancels;

    public CancelVerb(CancelRequests cancels) {
        this.cancels = cancels;
    }

    /** Records the cancel of the run named by the header {@code runId} and answers as {@link CancelReply} says. */
    public void cancel(Exchange exchange) {
        String runId = exchange.getMessage().getHeader("runId", String.class);
        String given = exchange.getMessage().getHeader("cancelJob", String.class);
        Boolean cancelJob = CancelReply.cancelJob(given);
        CancelReply reply = cancelJob == null ? CancelReply.badCancelJob(given)
                : CancelReply.of(runId, cancels.request(runId == null ? "" : runId, cancelJob));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(reply.body()));
    }
}
