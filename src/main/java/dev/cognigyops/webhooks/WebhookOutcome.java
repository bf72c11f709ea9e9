package dev.cognigyops.webhooks;

import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.RunContext;

/**
 * What became of a run's webhook, for the shared {@code direct:notify-webhook} step: a webhook that
 * fails after its retries never changes the run's status; it is audited {@code WEBHOOK_FAILED} and
 * shown in the output as {@code webhook: {delivered, attempts, error?}}. Its delivery is audited
 * {@code WEBHOOK_SENT} by the call itself. A call that {@link WebhookGuard} refused is reported the
 * same way, its {@code attempts} counting only the requests that were sent.
 */
public final class WebhookOutcome {

    private final AuditLog audit;

    public WebhookOutcome(AuditLog audit) {
        this.audit = audit;
    }

    public void delivered(Exchange exchange) {
        WebhookGuard.release(exchange);
        ObjectNode webhook = RunContext.of(exchange).output().putObject("webhook");
        webhook.put("delivered", true);
        webhook.put("attempts", OutboundCalls.attempts(exchange));
    }

    public void failed(Exchange exchange) {
        WebhookGuard.release(exchange);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempts = OutboundCalls.attempts(exchange);
        if (refused(failure)) {
            // the attempt that was refused was never sent
            attempts = Math.max(0, attempts - 1);
        }
        String message = ErrorClassifier.classify(failure, OutboundCalls.describe(exchange), attempts).message();
        ObjectNode webhook = RunContext.of(exchange).output().putObject("webhook");
        webhook.put("delivered", false);
        webhook.put("attempts", attempts);
        webhook.put("error", message);
        OutboundCall call = exchange.getProperty(OutboundCalls.CALL, OutboundCall.class);
        audit.record(RunContext.of(exchange), "WEBHOOK_FAILED", "FAILURE", call == null ? null : call.resource(),
                Map.of("error", message, "attempts", attempts));
    }

    private static boolean refused(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof WebhookGuard.Refused) {
                return true;
            }
        }
        return false;
    }

}
