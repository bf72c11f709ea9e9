package dev.cognigyops.calls;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;

import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunContext;

/**
 * The platform side of the call templates in {@code routes/platform/calls.camel.yaml}: turns a template's
 * declared parameters (method, path template, audit action) and the run's {@link OperationState}
 * into the {@link OutboundCall} that {@code direct:cognigy-call} makes, and hands the answer back as
 * the body. The path is built by {@link PathTemplate} from the state's values.
 */
public final class CallSteps {

    public static final String METHOD = "callMethod";
    public static final String PATH = "callPath";
    public static final String ACTION = "callAction";
    public static final String QUERY = "callQuery";
    public static final String WEBHOOK_URL = "callWebhookUrl";
    /** Optional: the name of a {@link StatePacer} bean that paces the call's retries. */
    public static final String PACER = "callPacer";
    public static final String BASE_URL = "callBaseUrl";
    public static final String RETRY_SETTINGS = "callRetrySettings";

    /** Before {@code direct:cognigy-call}: the tenant call the template describes; the body, if any, is sent as JSON. */
    public void cognigy(Exchange exchange) {
        var message = exchange.getMessage();
        OperationState state = state(exchange);
        String path = PathTemplate.expand(message.getHeader(PATH, String.class), state.pathValues());
        JsonNode body = jsonBody(message);
        // an empty action: the call is not audited here, the step that reads its answer audits it
        String action = message.getHeader(ACTION, String.class);
        OutboundCall call = OutboundCall.cognigy(message.getHeader(METHOD, String.class), path, body,
                action == null || action.isBlank() ? null : action, state.resource());
        Map<String, String> query = query(message.getHeader(QUERY, String.class), state.pathValues());
        if (!query.isEmpty()) {
            call = call.withQuery(query);
        }
        for (Map.Entry<String, String> header : state.callHeaders().entrySet()) {
            call = call.withHeader(header.getKey(), header.getValue());
        }
        exchange.setProperty(OutboundCalls.CALL, call);
        pace(exchange, message.getHeader(PACER, String.class), state);
    }

    /** The template's {@code pacer}, when it names one: the call's retries wait at least what it says. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void pace(Exchange exchange, String pacerName, OperationState state) {
        if (pacerName == null || pacerName.isBlank()) {
            return;
        }
        StatePacer pacer = exchange.getContext().getRegistry().lookupByNameAndType(pacerName, StatePacer.class);
        if (pacer == null) {
            throw new IllegalStateException("the call's pacer '" + pacerName + "' is no StatePacer bean");
        }
        CallPacer forThisCall = proposed -> pacer.delayBeforeRetry(state, proposed);
        exchange.setProperty(OutboundCalls.PACER, forThisCall);
    }

    /**
     * Before {@code direct:cognigy-call}: a call to a service that is not the tenant (template
     * {@code mlflow-call}): the path under the base URL in the header {@value #BASE_URL}, never a
     * token nor the state's call headers, retried per the settings prefix in {@value #RETRY_SETTINGS}.
     */
    public void external(Exchange exchange) {
        var message = exchange.getMessage();
        OperationState state = state(exchange);
        String base = message.getHeader(BASE_URL, String.class);
        if (base == null || base.isBlank()) {
            throw new IllegalStateException("no base URL for the call " + message.getHeader(PATH, String.class));
        }
        String path = PathTemplate.expand(message.getHeader(PATH, String.class), state.pathValues());
        OutboundCall call = OutboundCall.external(message.getHeader(METHOD, String.class), join(base, path),
                jsonBody(message), message.getHeader(ACTION, String.class), state.resource(),
                message.getHeader(RETRY_SETTINGS, String.class));
        Map<String, String> query = query(message.getHeader(QUERY, String.class), state.pathValues());
        if (!query.isEmpty()) {
            call = call.withQuery(query);
        }
        exchange.setProperty(OutboundCalls.CALL, call);
    }

    /** {@code base} and {@code path} with one slash between them. */
    static String join(String base, String path) {
        String b = base.trim().endsWith("/") ? base.trim().substring(0, base.trim().length() - 1) : base.trim();
        return path.startsWith("/") ? b + path : b + "/" + path;
    }

    /**
     * A template's query, {@code name=value&name={placeholder}}: placeholders are filled from the
     * state (the values are encoded when the call is sent); a parameter whose placeholder has no
     * value is left out.
     */
    static Map<String, String> query(String template, Map<String, String> values) {
        Map<String, String> query = new LinkedHashMap<>();
        if (template == null || template.isBlank()) {
            return query;
        }
        for (String pair : template.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (value.startsWith("{") && value.endsWith("}")) {
                value = values.get(value.substring(1, value.length() - 1));
                if (value == null) {
                    continue;
                }
            }
            query.put(name, value);
        }
        return query;
    }

    /** Before {@code direct:notify-webhook}: the webhook call, to the URL in the header, with the body as payload. */
    public void webhook(Exchange exchange) {
        var message = exchange.getMessage();
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.webhook(message.getHeader(WEBHOOK_URL, String.class),
                jsonBody(message), message.getHeader(ACTION, String.class), state(exchange).resource()));
    }

    /** After the call: its answer (an empty object for an empty body). */
    public JsonNode answer(Exchange exchange) {
        return OutboundCalls.response(exchange);
    }

    /** After the webhook step: what became of it, as shown in the run's output ({@code delivered, attempts, error?}). */
    public JsonNode webhookOutcome(Exchange exchange) {
        return RunContext.of(exchange).output().path("webhook");
    }

    /**
     * In an operation's {@code doCatch} around a call: what ended the call (its error code, and a
     * message naming the call, its answer and its attempts), as the result would show it. The call
     * is then forgotten, so that a later failure is not described as this call.
     */
    public ErrorClassifier.RunError failure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ErrorClassifier.RunError error = ErrorClassifier.classify(caught, OutboundCalls.describe(exchange),
                OutboundCalls.attempts(exchange));
        exchange.removeProperty(OutboundCalls.CALL);
        exchange.removeProperty(OutboundCalls.PACER);
        return error;
    }

    /** A {@code doCatch}'s {@code onWhen}: the call caught was answered 404 Not Found. */
    public boolean notFound(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return caught != null && Failures.status(caught) == 404;
    }

    private static OperationState state(Exchange exchange) {
        OperationState state = exchange.getProperty(OperationState.PROPERTY, OperationState.class);
        if (state == null) {
            throw new IllegalStateException("no run state in the exchange property '" + OperationState.PROPERTY + "'");
        }
        return state;
    }

    /**
     * The body to send: none, or JSON. A body that is already JSON (or none) is taken as it is: asking
     * Camel to convert null looks for a converter, and misses, on every call.
     */
    private static JsonNode jsonBody(org.apache.camel.Message message) {
        Object raw = message.getBody();
        if (raw == null || raw instanceof JsonNode) {
            return (JsonNode) raw;
        }
        return message.getBody(JsonNode.class);
    }
}
