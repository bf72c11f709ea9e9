package dev.cognigyops.trainingmonitor;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeException;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;
import dev.cognigyops.support.Settings;

/**
 * training-monitor on profile cognigy-v2 (docs/contract.md §9): a Cognigy task watched to its end —
 * {@code GET tasks/{taskId}} at the payload's interval, its status mapped to seed 002's states, the task
 * cancelled ({@code POST tasks/{taskId}/cancel}) when its currentStep stagnates while active; the webhook
 * and the output keep seed 002's shape. The route is {@code direct:training-monitor-v2}
 * ({@code routes/operations/training-monitor.camel.yaml}); each public method is one step's outcome, value
 * in and value out ({@link TaskMonitorRun}); the decisions are {@link Task} and {@link TaskPolicy}.
 */
public final class TrainingMonitorV2 {

    private final Settings settings;
    private final AuditLog audit;
    private final Clock clock;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TrainingMonitorV2.class);

    public TrainingMonitorV2(Settings settings, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new run's state from its payload, or the saved state the run goes on from. */
    public TaskMonitorRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), TaskMonitorRun.class).resumed();
        }
        return TaskMonitorRun.start(TaskMonitorRequest.from(run.payload(), settings.get("cognigy.webhook.url", null)));
    }

    /** MONITOR_START: the watching begins. */
    public TaskMonitorRun started(@ExchangeProperty(RunContext.PROPERTY) RunContext context,
                                  @ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run) {
        Map<String, Object> details = taskDetails(run);
        details.put("poll_interval_seconds", run.pollIntervalSeconds());
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("max_stagnation_seconds", run.policy().maxStagnationSeconds());
        policy.put("enable_auto_cancel", run.policy().enableAutoCancel());
        details.put("policy", policy);
        audit.record(context, "MONITOR_START", "STARTED", run.resource(), details);
        return run.at(TaskMonitorRun.Phase.WATCHING);
    }

    /**
     * One read of the task (step of the wait-for-task template): checked, mapped, the policy applied.
     * The next state is WATCHING, FINISHED or CANCEL_REQUESTED; the read is audited STATUS_CHECK here.
     */
    public TaskMonitorRun taskRead(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run, @Body JsonNode answer,
                                   @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState call,
                                   @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        long now = clock.millis();
        int attempts = call == null ? 0 : call.attempts();
        long latency = call == null ? 0 : now - call.startedAt().toEpochMilli();
        Task task;
        try {
            task = Task.from(answer);
        } catch (Task.Malformed malformed) {
            TaskMonitorRun next = run.malformed(latency, attempts);
            malformed(context, next, answer, malformed);
            return next;
        }
        TaskMonitorRun next = run.read(task, now, latency, attempts);
        Map<String, Object> details = taskDetails(run);
        details.put("status", task.status().sent());
        details.put("state", TaskMonitorRun.state(task.status()).name());
        details.put("current_step", task.currentStep());
        details.put("total_step", task.totalStep());
        details.put("progress_percent", task.progressPercent());
        // the task's one number that moves, for the page's chart (one point per read)
        details.put("metrics", LatestMetrics.ofTask(task.currentStep()));
        details.put("latency_ms", latency);
        details.put("attempts", attempts);
        audit.record(context, "STATUS_CHECK", "SUCCESS", run.resource(), details);

        switch (task.outcome()) {
            case DONE, FAILED, CANCELLED -> {
                return next.finished(TaskMonitorRun.state(task.status()));
            }
            default -> { }
        }
        Optional<CancellationPolicy.Breach> breach = run.policy().evaluate(task, next.task().stepChangedAtMs(), now);
        if (breach.isEmpty()) {
            return next.withBreach(null);
        }
        CancellationPolicy.Breach b = breach.get();
        Map<String, Object> breachDetails = taskDetails(run);
        breachDetails.put("reason", b.reason());
        breachDetails.put("message", b.message());
        breachDetails.put("values", b.values());
        if (run.policy().enableAutoCancel()) {
            audit.record(context, "AUTO_CANCEL_TRIGGERED", "TRIGGERED", run.resource(), breachDetails);
            log.warn("task {} breaches its policy ({}): cancelling it", run.taskId(), b.message());
            return next.cancelRequested(TrainingMonitorRun.PolicyBreach.of(b));
        }
        if (run.breach() == null || !b.reason().equals(run.breach().reason())) {
            audit.record(context, "POLICY_BREACH", "AUTO_CANCEL_DISABLED", run.resource(), breachDetails);
        }
        return next.withBreach(TrainingMonitorRun.PolicyBreach.of(b));
    }

    /** The cancel POST was answered: the task is CANCELLED by this monitor, now. */
    public TaskMonitorRun cancelled(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run) {
        return run.cancelledAt(clock.instant().toString());
    }

    /** The cancel POST failed with its effect unknown (a 5xx, a timeout): the task is read back before any other POST. */
    public TaskMonitorRun cancelUncertain(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run) {
        log.warn("task {}: the cancel's effect is unknown; reading the task back", run.taskId());
        return run.cancelUncertain();
    }

    /**
     * The task read back after an uncertain cancel: cancelling or cancelled — it took effect; done or error —
     * the task ended by itself; still queued or active — the cancel is sent again, at most twice in all
     * ({@value #MAX_CANCEL_READ_BACKS} read-backs), then the run fails naming the task's state.
     */
    public TaskMonitorRun cancelReadBack(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run, @Body JsonNode answer,
                                         @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Task task = Task.from(answer);
        TaskMonitorRun next = run.readBack();
        Map<String, Object> details = taskDetails(run);
        details.put("status", task.status().sent());
        details.put("read_back", next.readBacks());
        audit.record(context, "CANCEL_READ_BACK", task.status().sent().toUpperCase(java.util.Locale.ROOT), run.resource(), details);
        return switch (task.status()) {
            case CANCELLING, CANCELLED -> next.cancelledAt(clock.instant().toString());
            case DONE, ERROR -> next.read(task, clock.millis(), 0, 1).finished(TaskMonitorRun.state(task.status()));
            default -> {
                if (next.readBacks() >= MAX_CANCEL_READ_BACKS) {
                    throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "task " + run.taskId() + " was to be cancelled ("
                            + run.breach().message() + "), but after " + next.readBacks() + " cancel requests whose effect was "
                            + "unknown it is still " + task.status().sent());
                }
                yield next.at(TaskMonitorRun.Phase.CANCEL_REQUESTED);
            }
        };
    }

    static final int MAX_CANCEL_READ_BACKS = 2;

    /** The webhook's payload: seed 002's final payload (the real API reports no CPU, memory or metrics). */
    public JsonNode webhookPayload(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run) {
        ObjectNode payload = Json.object();
        payload.put("job_id", run.taskId());
        payload.putNull("project_id");
        payload.put("final_state", run.finalState().name());
        payload.put("progress", progress(run));
        String at = run.task() == null ? null : run.task().lastFinishedAt();
        if (at == null) {
            payload.putNull("completed_at");
        } else {
            payload.put("completed_at", at);
        }
        ObjectNode peak = payload.putObject("resource_peak");
        peak.putNull("cpu");
        peak.putNull("memory");
        payload.putObject("aggregated_metrics");
        return payload;
    }

    public TaskMonitorRun webhookNotified(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run, @Body JsonNode outcome) {
        return run.withWebhook(Json.MAPPER.convertValue(outcome, Json.MAPPER.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class)));
    }

    /** The last step: the output, MONITOR_COMPLETE, and the run's status from the task's final state. */
    public JsonNode complete(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run,
                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Map<String, Object> details = taskDetails(run);
        details.put("final_state", run.finalState().name());
        details.put("progress_percent", progress(run));
        details.put("cancelled", run.cancelled());
        details.put("cancel_reason", run.cancelled() ? run.breach().reason() : null);
        details.put("statistics", run.statistics().shown());
        audit.record(context, "MONITOR_COMPLETE", run.finalState().name(), run.resource(), details);
        String task = "task " + run.taskId() + (run.task() == null || run.task().name() == null ? "" : " (" + run.task().name() + ")");
        switch (run.finalState()) {
            case FAILED -> context.fail(RunStatus.FAILED, ErrorCode.JOB_FAILED, task + " ended in error: "
                    + (run.task().failReason() == null ? "Cognigy gave no failReason" : run.task().failReason()));
            case CANCELLED -> context.fail(RunStatus.CANCELLED, ErrorCode.JOB_CANCELLED, run.cancelled()
                    ? task + " was cancelled by its policy: " + run.breach().message()
                    : task + " was cancelled (not by this monitor) at step " + run.task().currentStep() + " of " + run.task().totalStep());
            default -> { }
        }
        return output(run);
    }

    /** The monitor could not finish: MONITOR_ERROR with the statistics, and the output so far. */
    public JsonNode monitorFailed(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TaskMonitorRun run,
                                  @ExchangeException Exception failure,
                                  @ExchangeProperty(OutboundCalls.CALL) OutboundCall failedCall,
                                  @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState call,
                                  @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        int attempts = call == null ? 0 : call.attempts();
        TaskMonitorRun last = failedCall != null && failedCall.method().equals("GET") && call != null
                ? run.readFailed(clock.millis() - call.startedAt().toEpochMilli(), attempts) : run;
        var error = ErrorClassifier.classify(failure, failedCall == null ? null : failedCall.describe(), attempts);
        Map<String, Object> details = taskDetails(last);
        details.put("error_code", error.code().name());
        details.put("error", error.message());
        details.put("statistics", last.statistics().shown());
        audit.record(context, "MONITOR_ERROR", "FAILURE", last.resource(), details);
        return output(last);
    }

    // ----

    private void malformed(RunContext context, TaskMonitorRun run, JsonNode answer, Task.Malformed problem) {
        String raw = Secrets.redact(answer == null ? "" : Json.write(answer));
        if (raw.length() > TrainingMonitor.MAX_RAW_PAYLOAD_CHARS) {
            raw = raw.substring(0, TrainingMonitor.MAX_RAW_PAYLOAD_CHARS) + "…";
        }
        int limit = Integer.parseInt(settings.require("cognigy.monitor.max-consecutive-malformed"));
        log.warn("task {}: malformed answer ({} in a row, limit {}): {}; raw payload: {}", run.taskId(),
                run.consecutiveMalformed(), limit, problem.problems(), raw);
        Map<String, Object> details = taskDetails(run);
        details.put("problems", problem.problems());
        details.put("raw_payload", raw);
        details.put("consecutive", run.consecutiveMalformed());
        details.put("limit", limit);
        audit.record(context, "MONITOR_ERROR", "MALFORMED_STATUS", run.resource(), details);
        if (run.consecutiveMalformed() >= limit) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "task " + run.taskId() + ": " + run.consecutiveMalformed()
                    + " malformed answers in a row (limit cognigy.monitor.max-consecutive-malformed = " + limit + "); last: "
                    + String.join("; ", problem.problems()));
        }
    }

    private static double progress(TaskMonitorRun run) {
        return run.task() == null ? 0 : run.task().progress();
    }

    /** seed 002's output: {@code {finalState, progressPercent, aggregatedMetrics, cancelled, cancelReason, statistics}}. */
    private static JsonNode output(TaskMonitorRun run) {
        ObjectNode out = Json.object();
        if (run.finalState() == null) {
            out.putNull("finalState");
        } else {
            out.put("finalState", run.finalState().name());
        }
        out.put("progressPercent", progress(run));
        out.putObject("aggregatedMetrics");
        out.put("cancelled", run.cancelled());
        if (run.cancelled()) {
            out.put("cancelReason", run.breach().reason() + ": " + run.breach().message());
        } else {
            out.putNull("cancelReason");
        }
        out.set("statistics", Json.MAPPER.valueToTree(run.statistics().shown()));
        if (run.webhook() != null) {
            out.set("webhook", Json.MAPPER.valueToTree(run.webhook()));
        }
        return out;
    }

    private static Map<String, Object> taskDetails(TaskMonitorRun run) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("task_id", run.taskId());
        return details;
    }
}
