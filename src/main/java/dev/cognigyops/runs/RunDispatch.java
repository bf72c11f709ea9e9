package dev.cognigyops.runs;

import java.io.IOException;
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
import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.support.IoProblems;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;

/**
 * The steps of the dispatch route ({@code routes/platform/run-requests.camel.yaml}): open a run from the
 * request text, record how it failed, and write its one result (docs/contract.md#run-results) with the audit events
 * that bracket it. Exchange properties in: {@value #TRIGGER}, {@value #SOURCE} and optionally
 * {@value #OPERATION_HINT}; out: {@link RunContext#PROPERTY}, and the result JSON as the body.
 */
public final class RunDispatch {

    public static final String TRIGGER = "runTrigger";
    public static final String SOURCE = "runSource";
    public static final String OPERATION_HINT = "runOperationHint";
    /** Optional: the due time (a {@link java.util.Date}) of the schedule that sent the request. */
    public static final String DUE_AT = "runDueAt";
    /** Optional: the request's size in bytes as its trigger knows it before reading it (a file's length). */
    public static final String DECLARED_SIZE = "runRequestSize";
    /** Optional: the saved state (JSON) of the run's operation to go on from instead of starting anew. */
    public static final String RESUME_STATE = "runResumeState";
    /** Set by {@link #accept}: a run already written to the run store, opened and audited RUN_STARTED, that waits for a worker. */
    public static final String ACCEPTED = "runAccepted";
    /** Set by {@link #accept} for a REJECTED run: the dispatch gives its result without opening (and auditing) it again. */
    public static final String OPENED_REJECTED = "runOpenedRejected";
    /** Set by the claim of a run that nobody holds ({@link dev.cognigyops.store.RunStore.Claimed}): the run goes on from its checkpoint. */
    public static final String RESUMED = "runResumed";
    /** Set by {@link #finish} when the result file could not be written: what went wrong. */
    public static final String RESULT_NOT_WRITTEN = "runResultNotWritten";

    private final RunRequests requests;
    private final RunLedger ledger;
    private final AuditLog audit;
    /** How long a run's end waits for its audit events to reach the run store. */
    private static final Duration EVENTS_SETTLE = Duration.ofSeconds(2);
    private final Path resultsDir;
    private final Clock clock;
    private final long maxRequestBytes;
    private final dev.cognigyops.store.DurableRuns durable;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RunDispatch.class);
    private dev.cognigyops.observe.OpsMetrics metrics = dev.cognigyops.observe.OpsMetrics.none();

    public RunDispatch(RunRequests requests, RunLedger ledger, AuditLog audit, Path resultsDir, Clock clock,
                       long maxRequestBytes) {
        this(requests, ledger, audit, resultsDir, clock, maxRequestBytes, null);
    }

    /** @param durable the run store's side of a run; null when runs are not durable (the command line) */
    public RunDispatch(RunRequests requests, RunLedger ledger, AuditLog audit, Path resultsDir, Clock clock,
                       long maxRequestBytes, dev.cognigyops.store.DurableRuns durable) {
        this.durable = durable;
        this.maxRequestBytes = maxRequestBytes;
        this.requests = requests;
        this.ledger = ledger;
        this.audit = audit;
        this.resultsDir = resultsDir;
        this.clock = clock;
    }

    /** The run metrics this dispatch counts into (docs/contract.md §8); none unless given. */
    public RunDispatch observedBy(dev.cognigyops.observe.OpsMetrics metrics) {
        this.metrics = metrics;
        return this;
    }

    /**
     * Step: parse and check the request; the run is ACCEPTED, REJECTED or a DUPLICATE. The body is the
     * request's bytes (or text); it is not read at all when its declared size is over the limit.
     */
    public void open(Exchange exchange) {
        RunContext accepted = exchange.getProperty(ACCEPTED, RunContext.class);
        if (accepted == null) {
            accepted = exchange.getProperty(OPENED_REJECTED, RunContext.class);
        }
        if (accepted != null) {
            exchange.setProperty(RunContext.PROPERTY, accepted);
            metrics.runWorking(accepted.operation());
            return;
        }
        var resumed = exchange.getProperty(RESUMED, dev.cognigyops.store.RunStore.Claimed.class);
        if (resumed != null) {
            reopen(exchange, resumed);
            metrics.runResumed(RunContext.of(exchange).operation());
            metrics.runWorking(RunContext.of(exchange).operation());
            return;
        }
        openNew(exchange);
        RunContext run = RunContext.of(exchange);
        if (run.isAccepted()) {
            metrics.runWorking(run.operation());
        }
    }

    private void openNew(Exchange exchange) {
        RequestText text = requestText(exchange);
        Trigger trigger = Trigger.of(exchange.getProperty(TRIGGER, "file", String.class));
        String source = exchange.getProperty(SOURCE, String.class);
        String hint = exchange.getProperty(OPERATION_HINT, String.class);
        RunContext run = requests.open(text, trigger, source, hint);
        run.resumeFrom(exchange.getProperty(RESUME_STATE, com.fasterxml.jackson.databind.JsonNode.class));
        if (run.isAccepted() && durable != null && !durable.accept(run, RunRequests.envelope(run))) {
            // the store has this run id: its requestId ran, or runs, on another instance
            ledger.release(run.runId());
            run = run.asDuplicate();
        }
        exchange.setProperty(RunContext.PROPERTY, run);
        announce(exchange, run, trigger, source);
    }

    /**
     * Step of a trigger that must know a request is safe before it lets go of it (Kafka commits the
     * record's offset only then): opens the run as {@link #open} does and, when it is ACCEPTED,
     * writes it to the run store; then {@value #ACCEPTED} is set and the run is to be handed to a
     * worker. A duplicate is answered here; a rejected run is left to the dispatch as usual (marked
     * {@value #OPENED_REJECTED}: it is not opened again there).
     */
    public void accept(Exchange exchange) {
        // opened here, it works later, on a worker: open() then finds it ACCEPTED
        openNew(exchange);
        RunContext run = RunContext.of(exchange);
        if (run.isAccepted()) {
            exchange.setProperty(ACCEPTED, run);
        } else if (run.isRejected()) {
            exchange.setProperty(OPENED_REJECTED, run);
        }
    }

    /** The run's first word in the audit: RUN_STARTED (ACCEPTED or REJECTED), or DUPLICATE_REQUEST and the stored result. */
    private void announce(Exchange exchange, RunContext run, Trigger trigger, String source) {
        if (run.isDuplicate()) {
            log.info("request {} from {} ({}) has already run or is running: not started again",
                    run.requestId(), source, trigger.label());
            // the refusal is not part of the run it repeats, whose events end with RUN_FINISHED
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("duplicateOf", run.runId());
            details.put("requestId", run.requestId());
            details.put("trigger", trigger.label());
            details.put("source", source);
            putDueAt(exchange, details);
            details.put("running", ledger.isRunning(run.runId()));
            audit.record(RunIds.newRunId(clock.instant()), run.operation(), "DUPLICATE_REQUEST", "IGNORED",
                    "request:" + run.requestId(), details);
            JsonNode stored = ledger.storedResult(run.runId());
            String storedText = stored != null ? Json.write(stored) : durable == null ? null : durable.storedResult(run.runId());
            exchange.getMessage().setBody(storedText);
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("trigger", trigger.label());
        details.put("source", source);
        details.put("requestId", run.requestId());
        putDueAt(exchange, details);
        audit.record(run, "RUN_STARTED", run.isAccepted() ? "ACCEPTED" : "REJECTED", resource(run), details);
        metrics.runStarted(run.operation(), trigger.label());
        if (run.isRejected()) {
            log.warn("rejected {} from {} ({}): {}", run.runId(), source, trigger.label(), run.errorMessage());
        } else {
            log.info("run {} started: {} from {} ({})", run.runId(), run.operation(), source, trigger.label());
        }
    }

    /** A scheduled run says which due time it answers. */
    private static void putDueAt(Exchange exchange, Map<String, Object> details) {
        java.util.Date dueAt = exchange.getProperty(DUE_AT, java.util.Date.class);
        if (dueAt != null) {
            details.put("dueAt", dueAt.toInstant().toString());
        }
    }

    /** A run claimed from the run store: the same run goes on from its last checkpoint, audited RUN_RESUMED. */
    private void reopen(Exchange exchange, dev.cognigyops.store.RunStore.Claimed claimed) {
        RunContext run = requests.reopen(claimed.request(), Trigger.of(claimed.trigger()), claimed.source(),
                claimed.lease().runId(), claimed.startedAt());
        run.holdLease(claimed.lease());
        if (claimed.state() != null) {
            try {
                run.resumeFrom(Json.parse(claimed.state()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("the saved state of run " + run.runId() + " is not JSON: "
                        + e.getOriginalMessage(), e);
            }
        }
        exchange.setProperty(RunContext.PROPERTY, run);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("instance", durable == null ? null : durable.owner());
        details.put("previousOwner", claimed.previousOwner());
        details.put("checkpoint", claimed.phase() == null ? "none" : claimed.phase());
        details.put("checkpoints", claimed.checkpoints());
        details.put("orphanedMs", Math.max(0, Duration.between(claimed.updatedAt(), clock.instant()).toMillis()));
        details.put("requestId", run.requestId());
        audit.record(run, "RUN_RESUMED", "RESUMED", resource(run), details);
        log.info("run {} ({}) resumed from {} after {}", run.runId(), run.operation(), details.get("checkpoint"),
                claimed.previousOwner());
    }

    private RequestText requestText(Exchange exchange) {
        Long declared = exchange.getProperty(DECLARED_SIZE, Long.class);
        if (declared != null && declared > maxRequestBytes) {
            return RequestText.tooLarge(declared, maxRequestBytes);
        }
        Object body = exchange.getMessage().getBody();
        if (body instanceof String text) {
            return RequestText.decode(text.getBytes(StandardCharsets.UTF_8), maxRequestBytes);
        }
        return RequestText.decode(exchange.getMessage().getBody(byte[].class), maxRequestBytes);
    }

    /** Step at the end of an operation: the output it returned (the body) becomes the result's {@code output}. */
    public void output(Exchange exchange) {
        com.fasterxml.jackson.databind.JsonNode output = exchange.getMessage().getBody(com.fasterxml.jackson.databind.JsonNode.class);
        if (output != null && output.isObject()) {
            RunContext.of(exchange).output().setAll((ObjectNode) output);
        }
    }

    /** Step, in the catch block: the run ends FAILED (or CANCELLED) with a code and a message. */
    public void failed(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (run.lease() != null && leavesTheRun(failure, exchange)) {
            // another instance holds the run now, its checkpoint could not be saved, or this instance
            // is stopping: no result here; whoever claims the run next goes on from its checkpoint
            run.abandon();
            if (!(hasCause(failure, dev.cognigyops.store.LeaseLost.class))) {
                durable.abandon(run);
            }
            log.warn("run {} stops here without a result ({}): it is left to be resumed",
                    run.runId(), failure == null ? "the service is stopping" : failure.getMessage());
            return;
        }
        var error = ErrorClassifier.classify(failure, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange));
        // a run whose cancel was delivered ends CANCELLED, whatever its rollback then said
        error = CancelledRun.ending(run.cancelDelivered(), error);
        run.fail(error.status(), error.code(), error.message());
        if (error.code() == ErrorCode.INTERNAL_ERROR) {
            log.error("run {} failed unexpectedly", run.runId(), failure);
        }
    }

    /** Step: the result — to its file, as the body, and the RUN_FINISHED event. */
    public void finish(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        exchange.getMessage().removeHeaders("*");
        if (run.isAccepted()) {
            metrics.runDone(run.operation());
        }
        if (run.isAbandoned()) {
            ledger.release(run.runId());
            exchange.getMessage().setBody(null);
            return;
        }
        if (run.cancelDelivered() != null) {
            // a step took the cancel in and the operation went on to its end (or ended the run itself): it was cancelled
            var cancelled = CancelledRun.ending(run.cancelDelivered(), run.errorCode() == null ? null
                    : new ErrorClassifier.RunError(run.status(), run.errorCode(), run.errorMessage()));
            run.fail(cancelled.status(), cancelled.code(), cancelled.message());
        }
        run.finish(clock.instant());
        String json = Secrets.redact(Json.write(result(run)));
        if (durable != null) {
            // its events first: a run the runs API reads as ended has them in the store (bounded: the file has them)
            audit.settle(EVENTS_SETTLE);
        }
        if (durable != null && !durable.finish(run, run.status().name(), json)) {
            // never reported without its record in the store: the run is left to be resumed (or is another's)
            run.abandon();
            ledger.release(run.runId());
            exchange.getMessage().setBody(null);
            return;
        }
        if (durable != null && run.isRejected()) {
            // listed by the runs API beside the runs (no row of runs: its requestId stays free)
            durable.rejected(run, json);
        }
        metrics.runFinished(run.operation(), run.trigger().label(), run.status().name(),
                Duration.between(run.startedAt(), run.finishedAt()));
        exchange.getMessage().setBody(json);
        Path file = resultsDir.resolve(run.runId() + ".json");
        String notWritten = null;
        try {
            writeAtomically(file, json);
        } catch (IOException e) {
            // the work is done: the result is kept, answered to duplicates, and written when it can be
            notWritten = "the result of run " + run.runId() + " (" + run.status() + ") could not be written to " + file
                    + ": " + IoProblems.describe(e) + "; it is kept and written again every "
                    + "cognigy.results.retry-ms until the folder takes it";
            ledger.keepUnwritten(run.runId(), file, json);
            exchange.setProperty(RESULT_NOT_WRITTEN, notWritten);
            log.error(notWritten);
        } finally {
            ledger.release(run.runId());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        if (notWritten != null) {
            details.put("resultNotWritten", notWritten);
        }
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

    private static boolean leavesTheRun(Throwable failure, Exchange exchange) {
        return hasCause(failure, dev.cognigyops.store.LeaseLost.class)
                || hasCause(failure, dev.cognigyops.store.CheckpointNotSaved.class)
                || exchange.getContext().isStopping();
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The result document of docs/contract.md#run-results. */
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

    /**
     * Step of a timer route: writes the results that could not be written when their runs finished.
     * Each is written once its folder takes it; each still waiting is said again at most once a minute.
     */
    public void writeUnwrittenResults() {
        for (RunLedger.Unwritten waiting : ledger.unwritten()) {
            try {
                writeAtomically(waiting.file(), waiting.json());
                ledger.written(waiting.runId());
                log.info("the result of run {} is now written to {}", waiting.runId(), waiting.file());
            } catch (IOException e) {
                if (ledger.shouldRemind(waiting.runId(), clock.instant())) {
                    log.error("the result of run {} still cannot be written to {}: {}", waiting.runId(), waiting.file(),
                            IoProblems.describe(e));
                }
            }
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the folder refuses even that; the temporary name is never read as a result
            }
            throw e;
        }
    }
}
