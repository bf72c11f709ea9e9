package dev.cognigyops.calls;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.auth.TokenProvider;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunRequests;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

/**
 * The steps of the shared call route ({@code routes/platform/outbound-calls.camel.yaml}): prepare the HTTP
 * request from an {@link OutboundCall}, put the run's bearer token on it, read the answer, and —
 * from the route configuration — decide on retries with {@link RetryPolicy}. Everything an
 * operation needs from a call ends up in exchange properties; no header outlives the call.
 */
public final class OutboundCalls {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutboundCalls.class);

    public static final String CALL = "outboundCall";
    public static final String STATE = "outboundCallState";
    public static final String RESPONSE = "callResponse";
    public static final String RESPONSE_STATUS = "callResponseStatus";
    public static final String RESPONSE_LOCATION = "callResponseLocation";
    /** Optional: a {@link CallPacer} that may lengthen the waits before the current call's retries. */
    public static final String PACER = "outboundCallPacer";
    /**
     * Optional: a request body that is not JSON (an {@code org.apache.hc.core5.http.HttpEntity}, e.g. a multipart
     * upload, repeatable so that a retry sends it again), sent instead of the call's JSON body; forgotten after the call.
     */
    public static final String ENTITY = "outboundCallEntity";

    /** Per-call bookkeeping, reset at the start of every call. */
    public static final class CallState {
        final Instant startedAt;
        int attempts = 1;
        boolean tokenRenewed;
        String tokenUsed;
        RetryPolicy.Decision lastDecision;
        /** Profile cognigy-v2: a POST/PATCH whose effect is unknown and that was not repeated (WriteRetryRule). */
        String outcomeUnknown;

        CallState(Instant startedAt) {
            this.startedAt = startedAt;
        }

        public int attempts() {
            return attempts;
        }

        public Instant startedAt() {
            return startedAt;
        }
    }

    /**
     * How calls to the tenant differ by API profile (docs/contract.md §9). On {@code seeds}: a bearer token,
     * RetryPolicy for every method. On {@code cognigy-v2}: the API key in {@code X-API-Key} when one is
     * set (else the bearer token), one request budget for the whole instance that every attempt waits
     * for, and POST/PATCH not repeated blindly ({@link WriteRetryRule}).
     *
     * @param apiKey the API key (a registered secret), or blank
     * @param budget the instance's request budget; null on seeds
     */
    public record TenantRules(dev.cognigyops.cognigyv2.ApiProfile profile, String apiKey,
                              dev.cognigyops.cognigyv2.RequestBudget budget) {
        public static final TenantRules SEEDS = new TenantRules(dev.cognigyops.cognigyv2.ApiProfile.SEEDS, "", null);

        public static final String API_KEY_HEADER = "X-API-Key";

        boolean v2() {
            return profile == dev.cognigyops.cognigyv2.ApiProfile.COGNIGY_V2;
        }

        boolean usesApiKey() {
            return v2() && apiKey != null && !apiKey.isBlank();
        }
    }

    private final TokenProvider tokens;
    private final RunRequests requests;
    private final RetryPolicy policy;
    private final Settings settings;
    private final AuditLog audit;
    private final Clock clock;
    private final TenantRules rules;
    private dev.cognigyops.observe.OpsMetrics metrics = dev.cognigyops.observe.OpsMetrics.none();

    public OutboundCalls(TokenProvider tokens, RunRequests requests, RetryPolicy policy, Settings settings,
                         AuditLog audit, Clock clock) {
        this(tokens, requests, policy, settings, audit, clock, TenantRules.SEEDS);
    }

    public OutboundCalls(TokenProvider tokens, RunRequests requests, RetryPolicy policy, Settings settings,
                         AuditLog audit, Clock clock, TenantRules rules) {
        this.rules = rules;
        this.tokens = tokens;
        this.requests = requests;
        this.policy = policy;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** The call metrics (calls, latencies, retries, 429s; docs/contract.md §8) this route counts into; none unless given. */
    public OutboundCalls observedBy(dev.cognigyops.observe.OpsMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /** Step 1: a clean message carrying only this call's request. */
    public void prepare(Exchange exchange) {
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        if (call == null) {
            throw new IllegalStateException("no " + CALL + " property: set it before calling direct:cognigy-call");
        }
        // a failure caught earlier in this exchange must not disable this call's retries
        exchange.getExchangeExtension().setFailureHandled(false);
        exchange.getExchangeExtension().setErrorHandlerHandled(null);
        exchange.getExchangeExtension().setRedeliveryExhausted(false);
        exchange.removeProperty(RESPONSE);
        exchange.removeProperty(RESPONSE_STATUS);
        exchange.removeProperty(RESPONSE_LOCATION);

        var message = exchange.getMessage();
        message.removeHeaders("*");
        // the enum, not its name: camel-http would look up a String-to-enum converter on every call
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(call.method()));
        if (call.isAbsolute()) {
            message.setHeader(Exchange.HTTP_URI, call.target());
        } else {
            message.setHeader(Exchange.HTTP_PATH, call.target());
        }
        if (!call.query().isEmpty()) {
            message.setHeader(Exchange.HTTP_QUERY, call.query().entrySet().stream()
                    .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                    .collect(Collectors.joining("&")));
        }
        message.setHeader("Accept", "application/json");
        call.headers().forEach(message::setHeader);
        // the same on every retry and after a resume: the tenant (or a webhook's receiver) can tell a
        // repeat from a new request
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        String key = call.bearer() ? IdempotencyKey.of(run == null ? null : run.runId(), call)
                : OutboundCall.WEBHOOK_RETRY.equals(call.retrySettings()) ? IdempotencyKey.ofWebhook(run == null ? null : run.runId(), call)
                : null;
        if (key != null) {
            message.setHeader(IdempotencyKey.HEADER, key);
        }
        Object entity = exchange.getProperty(ENTITY);
        if (entity != null) {
            // its own Content-Type (multipart/form-data with its boundary) goes with it
            message.setBody(entity);
        } else if (call.body() != null) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(Json.write(call.body()));
        } else {
            message.setBody(null);
        }
        exchange.setProperty(STATE, new CallState(clock.instant()));
    }

    /** Step 2, and again before every retry: the bearer token for the run's scopes (Cognigy calls only). */
    public void authorize(Exchange exchange) {
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        if (call == null || !call.bearer()) {
            return;
        }
        if (rules.usesApiKey()) {
            // a header, never the api_key query parameter: a URL ends up in logs and proxies
            exchange.getMessage().setHeader(TenantRules.API_KEY_HEADER, rules.apiKey());
            return;
        }
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        String token = tokens.token(settings.scopes(run.operation()));
        exchange.getProperty(STATE, CallState.class).tokenUsed = token;
        exchange.getMessage().setHeader("Authorization", "Bearer " + token);
    }

    /**
     * Step 2b (the call route's asynchronous delay): on profile cognigy-v2, the wait (ms) until the
     * instance's request budget allows this call to the tenant; its send time is reserved. 0 otherwise.
     */
    public long waitForPermit(Exchange exchange) {
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        if (rules.budget() == null || call == null || !call.bearer()) {
            return 0;
        }
        return rules.budget().waitBeforeSending(clock.millis());
    }

    /**
     * Like {@link #waitForPermit}, for a call sent without credentials (a pre-signed download link): on profile
     * cognigy-v2 it takes a permit of the request budget when it goes to the tenant's own origin
     * ({@code cognigy.base-url}), since the tenant counts it; elsewhere (a storage host) it waits for nothing.
     */
    public long waitForPermitOnTenantOrigin(Exchange exchange) {
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        if (rules.budget() == null || call == null || call.bearer()) {
            return waitForPermit(exchange);
        }
        java.net.URI base = java.net.URI.create(settings.require("cognigy.base-url"));
        if (!call.isAbsolute() || RedirectRule.sameOrigin(base, java.net.URI.create(call.target()))) {
            return rules.budget().waitBeforeSending(clock.millis());
        }
        return 0;
    }

    /** Step 3: the answer, as JSON, in exchange properties; the message is cleaned. */
    public void complete(Exchange exchange) throws Exception {
        var message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String location = message.getHeader("Location", String.class);
        String body = message.getBody(String.class);
        message.removeHeaders("*");
        message.setBody(null);
        JsonNode json = body == null || body.isBlank() ? Json.object() : parseOrWrap(body);
        exchange.setProperty(RESPONSE, json);
        exchange.setProperty(RESPONSE_STATUS, status);
        if (location != null) {
            exchange.setProperty(RESPONSE_LOCATION, location);
        }
        recordCall(exchange, "SUCCESS", status, null);
        countCall(exchange, false, status);
        // done: a later failure that is not a call must not be described as this call
        exchange.removeProperty(CALL);
        exchange.removeProperty(PACER);
        exchange.removeProperty(ENTITY);
    }

    /** Step after a streamed download (the answer is read by the operation, not by {@link #complete}): one call made. */
    public void transferred(Exchange exchange) {
        countCall(exchange, false, 200);
    }

    /** From the route configuration's onExceptionOccurred: decide, and set the wait before the retry. */
    public void planRetry(Exchange exchange) {
        CallState state = exchange.getProperty(STATE, CallState.class);
        Throwable failure = exchange.getException();
        if (state == null || failure == null) {
            return;
        }
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        String target = dev.cognigyops.observe.CallTarget.of(call);
        String operation = run == null ? null : run.operation();
        if (Failures.status(failure) == 429) {
            metrics.rateLimited(target, operation);
        }
        RetryPolicy.Decision decision = policy.decide(failure, state.attempts, state.startedAt, clock.instant(),
                state.tokenRenewed, limits(run == null ? null : run.operation(),
                        call == null ? OutboundCall.COGNIGY_RETRY : call.retrySettings()));
        if (rules.v2() && call != null && call.bearer()) {
            var unknown = WriteRetryRule.outcomeUnknown(call.method(), failure);
            if (unknown.isPresent()) {
                state.outcomeUnknown = unknown.get();
                decision = new RetryPolicy.Decision(false, 0, false, unknown.get() + ": not repeated blindly");
            } else if (decision.renewToken() && rules.usesApiKey()) {
                // no token to renew: the key itself was refused
                decision = new RetryPolicy.Decision(false, 0, false, "401: the API key was refused (cognigy.auth.api-key)");
            }
        }
        state.lastDecision = decision;
        if (decision.renewToken() && call != null && call.bearer() && run != null) {
            tokens.invalidate(settings.scopes(run.operation()), state.tokenUsed);
            state.tokenRenewed = true;
        }
        if (decision.retry()) {
            metrics.retried(target, operation);
            state.attempts++;
            long delay = decision.delayMs();
            CallPacer pacer = exchange.getProperty(PACER, CallPacer.class);
            if (pacer != null) {
                delay = Math.max(delay, pacer.delayBeforeRetry(delay));
            }
            if (rules.budget() != null && call != null && call.bearer()) {
                // a retry is a request too: it takes its own permit, at or after its wait
                delay = rules.budget().waitBeforeRetry(clock.millis(), delay);
            }
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delay);
            // the one line a retry leaves in the log (Camel's own retry log is at DEBUG): an answer
            // that is not retried, such as an expected 404, is the operation's to report, not a warning
            LOG.warn("{}: {}; retrying in {} ms", call == null ? "call" : call.describe(), decision.reason(), delay);
        }
    }

    /** From the route configuration's retryWhile. */
    public boolean shouldRetry(Exchange exchange) {
        CallState state = exchange.getProperty(STATE, CallState.class);
        return state != null && state.lastDecision != null && state.lastDecision.retry();
    }

    /** From the route configuration, when the call has failed for good: audit it, then let it propagate. */
    public void failed(Exchange exchange) {
        Throwable failure = exchange.getException();
        if (failure == null) {
            failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        int status = failure == null ? 0 : Failures.status(failure);
        recordCall(exchange, "FAILURE", status, failure);
        countCall(exchange, true, status);
        exchange.getMessage().removeHeaders("*");
        exchange.removeProperty(PACER);
        exchange.removeProperty(ENTITY);
        CallState state = exchange.getProperty(STATE, CallState.class);
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        if (state != null && state.outcomeUnknown != null && failure != null && !(failure instanceof WriteOutcomeUnknown)) {
            // what propagates to the operation (Camel puts the caught exception back when it is not handled):
            // a signal the operation reads back on, carrying the call's own failure
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new WriteOutcomeUnknown(
                    call == null ? "a write" : call.describe(), state.outcomeUnknown, failure));
        }
    }

    /** The last call's answer as JSON (an empty object for an empty body). */
    public static JsonNode response(Exchange exchange) {
        return exchange.getProperty(RESPONSE, JsonNode.class);
    }

    /** What was being called, for error messages: {@code GET /api/v1/jobs/42}. */
    public static String describe(Exchange exchange) {
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        return call == null ? null : call.describe();
    }

    public static int attempts(Exchange exchange) {
        CallState state = exchange.getProperty(STATE, CallState.class);
        return state == null ? 0 : state.attempts;
    }

    RetryPolicy.Limits limits(String operation, String prefix) {
        return new RetryPolicy.Limits(
                (int) settings.forOperationLong(prefix, operation, "max-attempts"),
                Duration.ofSeconds(settings.forOperationLong(prefix, operation, "deadline-seconds")),
                settings.forOperationMillis(prefix, operation, "first-delay-ms"),
                settings.forOperationDouble(prefix, operation, "multiplier"),
                settings.forOperationMillis(prefix, operation, "max-delay-ms"),
                Duration.ofSeconds(settings.forOperationLong(prefix, operation, "retry-after-cap-seconds")),
                settings.forOperationDouble(prefix, operation, "jitter"));
    }

    /** One call, however many attempts it took, in the call metrics: target, the run's operation, outcome, latency. */
    private void countCall(Exchange exchange, boolean failed, int status) {
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        CallState state = exchange.getProperty(STATE, CallState.class);
        if (call == null || state == null) {
            return;
        }
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        metrics.callMade(dev.cognigyops.observe.CallTarget.of(call), run == null ? null : run.operation(),
                dev.cognigyops.observe.CallOutcome.of(failed, status), Duration.between(state.startedAt, clock.instant()));
    }

    private void recordCall(Exchange exchange, String outcome, int status, Throwable failure) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        OutboundCall call = exchange.getProperty(CALL, OutboundCall.class);
        CallState state = exchange.getProperty(STATE, CallState.class);
        if (run == null || call == null || call.action() == null) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", call.describe());
        details.put("httpStatus", status);
        details.put("attempts", state == null ? 1 : state.attempts);
        if (state != null) {
            details.put("latency_ms", Duration.between(state.startedAt, clock.instant()).toMillis());
        }
        if (failure != null) {
            details.put("error", ErrorClassifier.classify(failure, call.describe(), state == null ? 0 : state.attempts).message());
        }
        audit.record(run, call.action(), outcome, call.resource(), details);
    }

    private static JsonNode parseOrWrap(String body) {
        try {
            return Json.parse(body);
        } catch (Exception notJson) {
            return Json.object().put("text", body);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
