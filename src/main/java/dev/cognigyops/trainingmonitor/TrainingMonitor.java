package dev.cognigyops.trainingmonitor;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeException;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.ErrorClassifier;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;
import dev.cognigyops.support.Settings;
import dev.cognigyops.webhooks.WebhookTargets;

/**
 * training-monitor (seed 002, docs/contract.md#operations): watch a training job to a terminal state, checking every
 * status answer, its state transitions and the cancellation policy; cancel (DELETE) the job when the
 * policy is breached; notify the webhook; audit. The route, {@code routes/operations/training-monitor.camel.yaml},
 * makes the calls; each public method here is one step's outcome, taking the run's
 * {@link TrainingMonitorRun} (and an answer) and returning the next one, a request body or the output.
 * The decisions are {@link JobStatusSchema}, {@link TrainingState}, {@link MetricWindow},
 * {@link CancellationPolicy} and {@link PollSchedule}. Nothing here knows Camel's Exchange.
 */
public final class TrainingMonitor implements Operation {

    public static final String NAME = "training-monitor";
    static final int MAX_RAW_PAYLOAD_CHARS = 4000;

    private final Settings settings;
    private final WebhookTargets webhookTargets;
    private final AuditLog audit;
    private final Clock clock;
    private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TrainingMonitor.class);

    public TrainingMonitor(Settings settings, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.webhookTargets = WebhookTargets.from(settings);
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public void validate(JsonNode payload, Violations violations) {
        MonitorRequest.validate(payload, violations, webhookTargets);
    }

    /** Built for profile cognigy-v2: a Cognigy task (TrainingMonitorV2, route direct:training-monitor-v2). */
    @Override
    public boolean onCognigyV2() {
        return true;
    }

    @Override
    public void validateOnCognigyV2(JsonNode payload, Violations violations) {
        TaskMonitorRequest.validate(payload, violations, webhookTargets);
    }

    /** First step: a new run's state from its payload (with its defaults), or the saved state the run goes on from. */
    public TrainingMonitorRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), TrainingMonitorRun.class).resumed();
        }
        return TrainingMonitorRun.start(MonitorRequest.from(run.payload(), settings.get("cognigy.webhook.url", null)));
    }

    /** MONITOR_START, with the interval and the policy: the watching begins. */
    public TrainingMonitorRun started(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Map<String, Object> details = jobDetails(run);
        details.put("poll_interval_seconds", run.pollIntervalSeconds());
        details.put("policy", policyDetails(run.policy()));
        audit.record(context, "MONITOR_START", "STARTED", run.resource(), details);
        return run.at(TrainingMonitorRun.Phase.WATCHING);
    }

    /** A status read starts now: its lateness against the schedule (the first read anchors it). */
    public TrainingMonitorRun readStarting(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run) {
        return run.readStarted(clock.millis());
    }

    /**
     * The status answer: checked (schema, the job asked for, the state transition), its metrics kept,
     * the policy applied. The next state is still WATCHING (the next read's wait set by the schedule),
     * FINISHED, or CANCEL_REQUESTED. The read itself is audited as STATUS_CHECK here, once interpreted.
     */
    public TrainingMonitorRun statusRead(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run,
                                         @Body JsonNode answer,
                                         @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState call,
                                         @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        long now = clock.millis();
        int attempts = call == null ? 0 : call.attempts();
        long latency = now - run.reads().startedAtMs();
        TrainingMonitorRun next = run.answered(latency, attempts);

        JobStatusSchema.Checked checked = JobStatusSchema.check(answer);
        List<String> problems = checked.problems();
        if (checked.isValid() && !checked.status().jobId().equals(run.jobId())) {
            problems = List.of("job_id: '" + checked.status().jobId() + "' is not the job asked for ('" + run.jobId() + "')");
        }
        if (!problems.isEmpty()) {
            next = next.malformed();
            malformed(context, next, answer, problems);
            return next.scheduled(now);
        }
        JobStatus status = checked.status();
        transition(context, run, status.state());
        next = next.seen(status, now, wholeSetting("cognigy.monitor.max-metric-entries"));

        Map<String, Object> details = jobDetails(run);
        details.put("state", status.state().name());
        details.put("progress_percent", status.progressPercent());
        details.put("cpu_usage", status.cpuUsage());
        details.put("memory_usage", status.memoryUsage());
        details.put("metric_entries", status.metrics().size());
        // each metric's latest value in this answer, for the page's chart (one point per read)
        details.put("metrics", LatestMetrics.of(status.metrics()));
        details.put("latency_ms", latency);
        details.put("attempts", attempts);
        details.put("lateness_ms", run.reads().latenessMs());
        audit.record(context, "STATUS_CHECK", "SUCCESS", run.resource(), details);

        if (status.state().isTerminal()) {
            return next.finished(status.state());
        }
        Long changedAt = next.job().progressChangedAtMs();
        Optional<CancellationPolicy.Breach> breach = run.policy().evaluate(status,
                changedAt == null ? null : Instant.ofEpochMilli(changedAt), Instant.ofEpochMilli(now));
        if (breach.isEmpty()) {
            return next.withBreach(null).scheduled(now);
        }
        CancellationPolicy.Breach b = breach.get();
        Map<String, Object> breachDetails = jobDetails(run);
        breachDetails.put("reason", b.reason());
        breachDetails.put("message", b.message());
        breachDetails.put("values", b.values());
        if (run.policy().enableAutoCancel()) {
            audit.record(context, "AUTO_CANCEL_TRIGGERED", "TRIGGERED", run.resource(), breachDetails);
            log.warn("training job {} breaches its policy ({}): cancelling it", run.jobId(), b.message());
            return next.cancelRequested(TrainingMonitorRun.PolicyBreach.of(b));
        }
        if (run.breach() == null || !b.reason().equals(run.breach().reason())) {
            // audited once while it lasts
            audit.record(context, "POLICY_BREACH", "AUTO_CANCEL_DISABLED", run.resource(), breachDetails);
        }
        return next.withBreach(TrainingMonitorRun.PolicyBreach.of(b)).scheduled(now);
    }

    /** The DELETE was answered: the job is CANCELLED by this monitor, now. */
    public TrainingMonitorRun jobCancelled(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run) {
        return run.cancelledAt(clock.instant().toString());
    }

    /** The webhook's payload (seed 002's final payload). */
    public JsonNode webhookPayload(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run) {
        ObjectNode payload = Json.object();
        payload.put("job_id", run.jobId());
        payload.put("project_id", run.projectId());
        payload.put("final_state", run.finalState().name());
        payload.put("progress", run.job().progress());
        if (run.job().completedAt() == null) {
            payload.putNull("completed_at");
        } else {
            payload.put("completed_at", run.job().completedAt());
        }
        ObjectNode peak = payload.putObject("resource_peak");
        peak.put("cpu", run.job().peakCpu());
        peak.put("memory", run.job().peakMemory());
        payload.set("aggregated_metrics", aggregated(run));
        return payload;
    }

    /** What became of the webhook ({@code delivered}, {@code attempts}, {@code error}). */
    public TrainingMonitorRun webhookNotified(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run,
                                             @Body JsonNode outcome) {
        return run.withWebhook(Json.MAPPER.convertValue(outcome, Json.MAPPER.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class)));
    }

    /** The last step: the output, MONITOR_COMPLETE, and the run's status from the job's final state. */
    public JsonNode complete(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run,
                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Map<String, Object> details = jobDetails(run);
        details.put("final_state", run.finalState().name());
        details.put("progress_percent", run.job().progress());
        details.put("cancelled", run.cancelled());
        details.put("cancel_reason", run.cancelled() ? run.breach().reason() : null);
        details.put("statistics", run.statistics().shown());
        audit.record(context, "MONITOR_COMPLETE", run.finalState().name(), run.resource(), details);
        String job = "training job " + run.jobId() + " of project " + run.projectId();
        switch (run.finalState()) {
            case FAILED -> context.fail(RunStatus.FAILED, ErrorCode.JOB_FAILED, job + " FAILED at " + run.job().progress() + "%");
            case CANCELLED -> context.fail(RunStatus.CANCELLED, ErrorCode.JOB_CANCELLED, run.cancelled()
                    ? job + " was cancelled by its policy: " + run.breach().message()
                    : job + " was CANCELLED (not by this monitor) at " + run.job().progress() + "%");
            default -> { }
        }
        return output(run);
    }

    /**
     * The monitor could not finish: MONITOR_ERROR with the statistics, and the output so far. A read
     * still in flight (its call gave up, or its answer could not be taken in) counts as a poll and an error.
     */
    public JsonNode monitorFailed(@ExchangeProperty(TrainingMonitorRun.PROPERTY) TrainingMonitorRun run,
                                  @ExchangeException Exception failure,
                                  @ExchangeProperty(OutboundCalls.CALL) OutboundCall failedCall,
                                  @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState call,
                                  @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        int attempts = call == null ? 0 : call.attempts();
        TrainingMonitorRun last = run.reads().inFlight()
                ? run.readFailed(clock.millis() - run.reads().startedAtMs(), attempts) : run;
        var error = ErrorClassifier.classify(failure, failedCall == null ? null : failedCall.describe(), attempts);
        Map<String, Object> details = jobDetails(last);
        details.put("error_code", error.code().name());
        details.put("error", error.message());
        details.put("statistics", last.statistics().shown());
        audit.record(context, "MONITOR_ERROR", "FAILURE", last.resource(), details);
        return output(last);
    }

    /** After MONITOR_ERROR: the failure goes on to the run's dispatch, which ends the run with it. */
    public void failAgain(@ExchangeException Exception failure) throws Exception {
        if (failure != null) {
            throw failure;
        }
    }

    // ---- the decisions' plumbing

    /** MONITOR_ERROR MALFORMED_STATUS with the raw payload; the run fails at the limit in a row. */
    private void malformed(RunContext context, TrainingMonitorRun run, JsonNode answer, List<String> problems) {
        String raw = answer == null ? "" : answer.has("text") && answer.size() == 1 ? answer.get("text").asText() : Json.write(answer);
        raw = Secrets.redact(raw);
        if (raw.length() > MAX_RAW_PAYLOAD_CHARS) {
            raw = raw.substring(0, MAX_RAW_PAYLOAD_CHARS) + "…";
        }
        int limit = wholeSetting("cognigy.monitor.max-consecutive-malformed");
        log.warn("training job {}: malformed status answer ({} in a row, limit {}): {}; raw payload: {}",
                run.jobId(), run.consecutiveMalformed(), limit, problems, raw);
        Map<String, Object> details = jobDetails(run);
        details.put("problems", problems);
        details.put("raw_payload", raw);
        details.put("consecutive", run.consecutiveMalformed());
        details.put("limit", limit);
        audit.record(context, "MONITOR_ERROR", "MALFORMED_STATUS", run.resource(), details);
        if (run.consecutiveMalformed() >= limit) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "training job " + run.jobId() + ": "
                    + run.consecutiveMalformed() + " malformed status answers in a row (limit "
                    + "cognigy.monitor.max-consecutive-malformed = " + limit + "); last: " + String.join("; ", problems));
        }
    }

    /** STATE_TRANSITION_INVALID when the job went where a training job cannot go; monitoring goes on. */
    private void transition(RunContext context, TrainingMonitorRun run, TrainingState after) {
        TrainingState before = run.job().state();
        if (before != null && !before.canBecome(after)) {
            Map<String, Object> details = jobDetails(run);
            details.put("from", before.name());
            details.put("to", after.name());
            audit.record(context, "STATE_TRANSITION_INVALID", "WARNING", run.resource(), details);
            log.warn("training job {} went from {} to {}, which a training job cannot do", run.jobId(), before, after);
        }
    }

    /** The output (docs/contract.md#operations): {@code {finalState, progressPercent, aggregatedMetrics, cancelled, cancelReason, statistics}}. */
    private static JsonNode output(TrainingMonitorRun run) {
        ObjectNode out = Json.object();
        if (run.finalState() == null) {
            out.putNull("finalState");
        } else {
            out.put("finalState", run.finalState().name());
        }
        out.put("progressPercent", run.job().progress());
        out.set("aggregatedMetrics", aggregated(run));
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

    private static ObjectNode aggregated(TrainingMonitorRun run) {
        ObjectNode out = Json.object();
        run.job().window(Math.max(1, run.job().metrics().size())).aggregate().forEach((name, a) -> {
            ObjectNode m = out.putObject(name);
            m.put("mean", a.mean());
            m.put("last", a.last());
            m.put("count", a.count());
        });
        return out;
    }

    private static Map<String, Object> jobDetails(TrainingMonitorRun run) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job_id", run.jobId());
        details.put("project_id", run.projectId());
        return details;
    }

    private static Map<String, Object> policyDetails(CancellationPolicy p) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("max_stagnation_seconds", p.maxStagnationSeconds());
        policy.put("max_cpu_threshold", p.maxCpuThreshold());
        policy.put("max_memory_threshold", p.maxMemoryThreshold());
        policy.put("enable_auto_cancel", p.enableAutoCancel());
        return policy;
    }

    private int wholeSetting(String key) {
        String value = settings.require(key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + key + " must be a whole number, was '" + value + "'");
        }
    }
}
