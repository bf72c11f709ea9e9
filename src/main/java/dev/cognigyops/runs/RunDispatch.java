package dev.cognigyops.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.http.ErrorClassifier;
import dev.cognigyops.http.OutboundCalls;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;

/**
 * The steps of the dispatch route ({@code routes/run-requests.camel.yaml}): open a run from the
 * request text, record how it failed, and write its one result (SPEC §2) with the audit events
 * that bracket it. Exchange properties in: {@value #TRIGGER}, {@value #SOURCE} and optionally
 * {@value #OPERATION_HINT}; out: {@link RunContext#PROPERTY}, and the result JSON as the body.
 */
public final class RunDispatch {

    public static final String TRIGGER = "runTrigger";
    public static final String SOURCE = "runSource";
    public static final String OPERATION_HINT = "runOperationHint";

    private final RunRequests requests;
    private final RunLedger ledger;
    private final AuditLog audit;
    private final Path resultsDir;
    private final Clock clock;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunDispatch.class);

    public RunDispatch(RunRequests requests, RunLedger ledger, AuditLog audit, Path resultsDir, Clock clock) {
        this.requests = requests;
        this.ledger = ledger;
        this.audit = audit;
        this.resultsDir = resultsDir;
        this.clock = clock;
    }

    /** Step: parse and check the request; the run is ACCEPTED, REJECTED or a DUPLICATE. */
    public void open(Exchange exchange) {
        String text = exchange.getMessage().getBody(String.class);
        Trigger trigger = Trigger.of(exchange.getProperty(TRIGGER, "file", String.class));
        String source = exchange.getProperty(SOURCE, String.class);
        String hint = exchange.getProperty(OPERATION_HINT, String.class);
        RunContext run = requests.open(text, trigger, source, hint);
        exchange.setProperty(RunContext.PROPERTY, run);
        if (run.isDuplicate()) {
            log.info("request {} from {} ({}) has already run or is running: not started again",
                    run.requestId(), source, trigger.label());
            // the refusal is not part of the run it repeats, whose events end with RUN_FINISHED
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("duplicateOf", run.runId());
            details.put("requestId", run.requestId());
            details.put("trigger", trigger.label());
            details.put("source", source);
            details.put("running", ledger.isRunning(run.runId()));
            audit.record(RunIds.newRunId(clock.instant()), run.operation(), "DUPLICATE_REQUEST", "IGNORED",
                    "request:" + run.requestId(), details);
            JsonNode stored = ledger.storedResult(run.runId());
            exchange.getMessage().setBody(stored == null ? null : Json.write(stored));
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("trigger", trigger.label());
        details.put("source", source);
        details.put("requestId", run.requestId());
        audit.record(run, "RUN_STARTED", run.isAccepted() ? "ACCEPTED" : "REJECTED", resource(run), details);
        if (run.isRejected()) {
            log.warn("rejected {} from {} ({}): {}", run.runId(), source, trigger.label(), run.errorMessage());
        } else {
            log.info("run {} started: {} from {} ({})", run.runId(), run.operation(), source, trigger.label());
        }
    }

    /** Step, in the catch block: the run ends FAILED (or CANCELLED) with a code and a message. */
    public void failed(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var error = ErrorClassifier.classify(failure, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange));
        run.fail(error.status(), error.code(), error.message());
        if (error.code() == ErrorCode.INTERNAL_ERROR) {
            log.error("run {} failed unexpectedly", run.runId(), failure);
        }
    }

    /** Step: the result — to its file, as the body, and the RUN_FINISHED event. */
    public void finish(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        run.finish(clock.instant());
        String json = Secrets.redact(Json.write(result(run)));
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(json);
        try {
            writeAtomically(resultsDir.resolve(run.runId() + ".json"), json);
        } finally {
            ledger.release(run.runId());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("durationMs", Duration.between(run.startedAt(), run.finishedAt()).toMillis());
        if (run.errorCode() != null) {
            details.put("errorCode", run.errorCode().name());
            details.put("error", run.errorMessage());
        }
        if (!run.violations().isEmpty()) {
            details.put("violations", run.violations());
        }
        audit.record(run, "RUN_FINISHED", run.status().name(), resource(run), details);
        log.info("run {} {} {}{}", run.runId(), run.operation(), run.status(),
                run.errorMessage() == null ? "" : ": " + run.errorMessage());
    }

    /** The result document of SPEC §2. */
    public static ObjectNode result(RunContext run) {
        ObjectNode result = Json.object();
        result.put("runId", run.runId());
        result.put("requestId", run.requestId());
        result.put("operation", run.operation());
        result.put("trigger", run.trigger().label());
        result.put("status", run.status().name());
        result.put("startedAt", run.startedAt().toString());
        result.put("finishedAt", run.finishedAt().toString());
        result.put("durationMs", Duration.between(run.startedAt(), run.finishedAt()).toMillis());
        result.set("output", run.output());
        if (run.errorCode() != null) {
            ObjectNode error = result.putObject("error");
            error.put("code", run.errorCode().name());
            error.put("message", run.errorMessage());
            if (!run.violations().isEmpty()) {
                error.set("violations", Json.MAPPER.valueToTree(run.violations()));
            }
        } else {
            result.putNull("error");
        }
        return result;
    }

    private static String resource(RunContext run) {
        return "run:" + (run.operation() == null ? "unknown" : run.operation()) + ":" + run.runId();
    }

    static void writeAtomically(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
