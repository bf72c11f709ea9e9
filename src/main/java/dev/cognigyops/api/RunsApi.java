package dev.cognigyops.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.support.DefaultMessage;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunDispatch;
import dev.cognigyops.store.RunQueries;
import dev.cognigyops.store.StoreException;
import dev.cognigyops.support.Json;

/**
 * The steps of the runs API ({@code routes/platform/runs-api.camel.yaml}, docs/contract.md §8): who may
 * call it, the request handed to the dispatch, and each answer. Every answer carries only the headers
 * set here (never one of the request's), and JSON or, for a refusal, nothing.
 */
public final class RunsApi {

    /** Exchange property: the caller's IP address, as the server saw it. */
    public static final String REMOTE_ADDRESS = "apiRemoteAddress";
    private static final String JSON = "application/json";

    private final BearerTokens tokens;
    private final RunQueries queries;
    private final List<String> operations;
    private final Clock clock;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunsApi.class);

    public RunsApi(BearerTokens tokens, RunQueries queries, List<String> operations, Clock clock) {
        this.tokens = tokens;
        this.queries = queries;
        this.operations = List.copyOf(operations);
        this.clock = clock;
    }

    /**
     * Predicate, the first step of every API request: true when it is refused. It reads the request as
     * the server received it (its Authorization headers and the peer's address), never the Camel
     * headers, which a query parameter of the same name can add to.
     */
    public boolean refuses(Exchange exchange) {
        if (!(exchange.getMessage() instanceof HttpMessage http) || http.getRequest() == null) {
            return true;
        }
        HttpServerRequest request = http.getRequest();
        SocketAddress peer = request.remoteAddress();
        String address = peer == null ? null : peer.hostAddress();
        exchange.setProperty(REMOTE_ADDRESS, address);
        return !tokens.admits(request.headers().getAll("Authorization"), address);
    }

    /** A refusal: 401, {@code WWW-Authenticate: Bearer}, no body, nothing else. */
    public void unauthorized(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);
        exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        exchange.getMessage().setBody(null);
    }

    /**
     * {@code POST /api/runs}: the request goes to the dispatch as any trigger's does (trigger {@code api},
     * source {@code api:<remote address>}), as its bytes only: none of the HTTP request's headers travels
     * with the run.
     */
    public void takeRequest(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        DefaultMessage request = new DefaultMessage(exchange.getContext());
        request.setBody(body == null ? new byte[0] : body);
        exchange.setMessage(request);
        exchange.setProperty(RunDispatch.TRIGGER, "api");
        exchange.setProperty(RunDispatch.SOURCE, "api:" + exchange.getProperty(REMOTE_ADDRESS, "unknown", String.class));
    }

    /**
     * The answer to {@code POST /api/runs}: accepted, 202 with the run's id and Location; REJECTED, 400
     * with its result (the body); a requestId that ran, 200 with its stored result; one that runs now, 202.
     */
    public void submitted(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        String body = exchange.getMessage().getBody(String.class);
        if (run.isRejected()) {
            answer(exchange, 400, body);
        } else if (run.isDuplicate() && body != null && !body.isBlank()) {
            answer(exchange, 200, body);
        } else {
            ObjectNode started = Json.object();
            started.put("runId", run.runId());
            started.put("status", "RUNNING");
            answer(exchange, 202, Json.write(started));
            exchange.getMessage().setHeader("Location", "/api/runs/" + run.runId());
        }
    }

    /**
     * Predicate of {@code POST /api/runs/{runId}/cancel}: its query has a parameter it does not take (a
     * misspelt {@code cancelJob} would otherwise leave the job running without a word).
     */
    public boolean refusesCancelQuery(Exchange exchange) {
        return !ListQuery.checkOnly(rawQuery(exchange), Set.of("cancelJob")).isEmpty();
    }

    /** The answer to such a cancel: 400 naming each parameter it does not take; nothing is recorded. */
    public void badCancelQuery(Exchange exchange) {
        invalid(exchange, ListQuery.checkOnly(rawQuery(exchange), Set.of("cancelJob")));
    }

    /** The run store did not take the request (it is down): 503, nothing started. */
    public void storeUnavailable(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.warn("a request to the runs API could not be answered: {}", failure == null ? "the run store failed" : failure.getMessage());
        ObjectNode error = Json.object();
        error.put("error", "UNAVAILABLE");
        error.put("message", "the run store does not answer; try again later");
        answer(exchange, 503, Json.write(error));
    }

    /** {@code GET /api/runs}: a page of runs, newest first, or 400 naming every violation of the query. */
    public void list(Exchange exchange) {
        ListQuery.Checked checked = ListQuery.check(rawQuery(exchange), operations);
        if (!checked.isValid()) {
            invalid(exchange, checked.violations());
            return;
        }
        ListQuery q = checked.query();
        reading(exchange, () -> {
            RunQueries.Page page = queries.list(new RunQueries.Filter(q.operation(), q.status(), q.trigger(), q.since()), q.limit(),
                    q.after() == null ? null : new RunQueries.Position(q.after().startedAt(), q.after().runId()));
            ObjectNode answer = Json.object();
            ArrayNode runs = answer.putArray("runs");
            Instant now = clock.instant();
            page.runs().forEach(run -> runs.add(summary(run, now)));
            answer.put("nextCursor", page.next() == null ? null
                    : new Cursor(page.next().startedAt(), page.next().runId()).encode());
            answer(exchange, 200, Json.write(answer));
        });
    }

    /** {@code GET /api/runs/{runId}}: the run as it stands, or 404. */
    public void run(Exchange exchange) {
        String runId = runId(exchange);
        if (runId == null) {
            return;
        }
        reading(exchange, () -> {
            var found = queries.run(runId);
            if (found.isEmpty()) {
                notFound(exchange, runId);
                return;
            }
            RunQueries.Detail detail = found.get();
            ObjectNode answer = summary(detail.summary(), clock.instant());
            answer.put("source", detail.source());
            answer.put("updatedAt", text(detail.updatedAt()));
            answer.put("checkpoints", detail.checkpoints());
            // POST /api/runs/{runId}/cancel recorded for it (the run stops at its next call to Cognigy)
            answer.put("cancelRequested", detail.cancelRequested());
            answer.set("progress", progress(detail));
            answer.set("result", parsed(detail.result()));
            answer(exchange, 200, Json.write(answer));
        });
    }

    /** {@code GET /api/runs/{runId}/events}: the run's audit events in the order written, or 404. */
    public void events(Exchange exchange) {
        String runId = runId(exchange);
        if (runId == null) {
            return;
        }
        reading(exchange, () -> {
            List<String> lines = queries.events(runId);
            if (lines.isEmpty() && queries.run(runId).isEmpty()) {
                notFound(exchange, runId);
                return;
            }
            ObjectNode answer = Json.object();
            ArrayNode events = answer.putArray("events");
            lines.forEach(line -> events.add(parsed(line)));
            answer(exchange, 200, Json.write(answer));
        });
    }

    private JsonNode progress(RunQueries.Detail detail) {
        String operation = detail.summary().operation();
        if ("training-monitor".equals(operation)) {
            var last = queries.lastEvent(detail.summary().runId(), "STATUS_CHECK");
            return last.map(e -> (JsonNode) Progress.of(operation, null, parsed(e.event()), e.count())).orElse(null);
        }
        return Progress.of(operation, parsed(detail.state()), null, 0);
    }

    /** The path's run id; null (and a 400 answered) when the request takes a query parameter or repeats it. */
    private String runId(Exchange exchange) {
        List<String> violations = ListQuery.checkOnly(rawQuery(exchange), Set.of());
        if (!violations.isEmpty()) {
            invalid(exchange, violations);
            return null;
        }
        Object value = exchange.getMessage().getHeader("runId");
        if (!(value instanceof String runId)) {
            invalid(exchange, List.of("runId: is given more than once"));
            return null;
        }
        return runId;
    }

    private static String rawQuery(Exchange exchange) {
        if (exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            return http.getRequest().query();
        }
        return exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
    }

    private ObjectNode summary(RunQueries.Summary run, Instant now) {
        ObjectNode summary = Json.object();
        summary.put("runId", run.runId());
        summary.put("requestId", run.requestId());
        summary.put("operation", run.operation());
        summary.put("trigger", run.trigger());
        summary.put("status", run.status());
        summary.put("step", run.phase());
        summary.put("startedAt", text(run.startedAt()));
        summary.put("finishedAt", text(run.finishedAt()));
        Instant end = run.finishedAt() != null ? run.finishedAt() : now;
        summary.put("durationMs", Math.max(0, Duration.between(run.startedAt(), end).toMillis()));
        summary.put("owner", run.owner());
        return summary;
    }

    private void reading(Exchange exchange, Runnable read) {
        try {
            read.run();
        } catch (StoreException e) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, e);
            storeUnavailable(exchange);
        }
    }

    private static void invalid(Exchange exchange, List<String> violations) {
        ObjectNode error = Json.object();
        error.put("error", "INVALID_REQUEST");
        error.set("violations", Json.MAPPER.valueToTree(violations));
        answer(exchange, 400, Json.write(error));
    }

    private static void notFound(Exchange exchange, String runId) {
        ObjectNode error = Json.object();
        error.put("error", "NOT_FOUND");
        error.put("message", "no run " + runId);
        answer(exchange, 404, Json.write(error));
    }

    /** Only the headers set here go back: none of the request's (its Authorization least of all). */
    static void answer(Exchange exchange, int status, String json) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, JSON);
        exchange.getMessage().setBody(json);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static JsonNode parsed(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.parse(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
