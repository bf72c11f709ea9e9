package dev.cognigyops.trainingmonitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.http.ErrorClassifier;
import dev.cognigyops.http.OutboundCall;
import dev.cognigyops.http.OutboundCalls;
import dev.cognigyops.poll.PollLoop;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;
import dev.cognigyops.support.Settings;
import dev.cognigyops.webhook.WebhookTargets;

/**
 * training-monitor (seed 002, SPEC §5): watch a training job to a terminal state, checking every
 * status answer, its state transitions and the cancellation policy; cancel (DELETE) the job when the
 * policy is breached; notify the webhook; audit. Each public method is one step of
 * {@code routes/training-monitor.camel.yaml}; the decisions are {@link JobStatusSchema},
 * {@link TrainingState}, {@link MetricWindow}, {@link CancellationPolicy} and {@link PollSchedule}.
 * A monitor holds no thread while it waits: the shared poll loop's delay is asynchronous.
 */
public final class TrainingMonitor implements Operation {

    public static final String NAME = "training-monitor";
    static final String DEFAULT_SCOPES = "ai:training:read ai:training:write";
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
    public Set<String> scopes() {
        return settings.scopes(NAME, DEFAULT_SCOPES);
    }

    @Override
    public void validate(JsonNode payload, Violations violations) {
        MonitorRequest.validate(payload, violations, webhookTargets);
    }

    /** Step: the request with its defaults, and MONITOR_START. */
    public void start(Exchange exchange) {
        RunContext run = RunContext.of(exchange);
        MonitorRequest request = MonitorRequest.from(run.payload(), settings.get("cognigy.webhook.url", null));
        int capacity = (int) settings.forOperationLong("cognigy.monitor", null, "max-metric-entries", MetricWindow.DEFAULT_CAPACITY);
        exchange.setProperty(MonitorState.PROPERTY, new MonitorState(request, capacity));
        Map<String, Object> details = jobDetails(request);
        details.put("poll_interval_seconds", request.pollInterval().toSeconds());
        details.put("policy", policyDetails(request.policy()));
        audit.record(run, "MONITOR_START", "STARTED", request.resource(), details);
    }

    /** Poll step: ask for the job's status. The read itself is audited as STATUS_CHECK once interpreted. */
    public void readStatus(Exchange exchange) {
        MonitorState s = state(exchange);
        Instant now = clock.instant();
        s.lastLatenessMs = s.schedule.readStarted(now).toMillis();
        s.callStartedAt = now;
        s.readInFlight = true;
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.cognigy("GET", path(exchange, "cognigy.api.training-status",
                "/api/v2/projects/{projectId}/ai/train/{jobId}/status"), null, null, s.request.resource()));
    }

    /** Poll step: check the answer, follow the state, aggregate metrics, apply the policy; done or pending. */
    public void statusRead(Exchange exchange) {
        MonitorState s = state(exchange);
        RunContext run = RunContext.of(exchange);
        Instant now = clock.instant();
        Duration latency = Duration.between(s.callStartedAt, now);
        s.answered(latency, OutboundCalls.attempts(exchange));
        JsonNode answer = exchange.getProperty(OutboundCalls.RESPONSE, JsonNode.class);
        // what is kept of it is in the state: the answer (all its metrics) is not held through the wait
        exchange.removeProperty(OutboundCalls.RESPONSE);
        JobStatusSchema.Checked checked = JobStatusSchema.check(answer);
        List<String> problems = checked.problems();
        if (checked.isValid() && !checked.status().jobId().equals(s.request.jobId())) {
            problems = List.of("job_id: '" + checked.status().jobId() + "' is not the job asked for ('"
                    + s.request.jobId() + "')");
        }
        if (!problems.isEmpty()) {
            malformed(exchange, s, answer, problems);
            pending(exchange, s, now, "the last status answer was malformed");
            return;
        }
        s.consecutiveMalformed = 0;
        JobStatus status = checked.status();
        followState(run, s, status, now);
        s.peakCpu = Math.max(s.peakCpu, status.cpuUsage());
        s.peakMemory = Math.max(s.peakMemory, status.memoryUsage());
        s.metrics.addAll(status.metrics());
        if (status.completedAt() != null) {
            s.completedAt = status.completedAt();
        }

        Map<String, Object> details = jobDetails(s.request);
        details.put("state", status.state().name());
        details.put("progress_percent", status.progressPercent());
        details.put("cpu_usage", status.cpuUsage());
        details.put("memory_usage", status.memoryUsage());
        details.put("metric_entries", status.metrics().size());
        details.put("latency_ms", latency.toMillis());
        details.put("attempts", OutboundCalls.attempts(exchange));
        details.put("lateness_ms", s.lastLatenessMs);
        audit.record(run, "STATUS_CHECK", "SUCCESS", s.request.resource(), details);

        if (status.state().isTerminal()) {
            s.finalState = status.state();
            PollLoop.done(exchange);
            return;
        }
        Optional<CancellationPolicy.Breach> breach = s.request.policy().evaluate(status, s.progressChangedAt, now);
        if (breach.isEmpty()) {
            s.lastBreachAudited = null;
            pending(exchange, s, now, "training job " + s.request.jobId() + " is " + status.state() + " ("
                    + status.progressPercent() + "%)");
            return;
        }
        CancellationPolicy.Breach b = breach.get();
        Map<String, Object> breachDetails = jobDetails(s.request);
        breachDetails.put("reason", b.reason());
        breachDetails.put("message", b.message());
        breachDetails.put("values", b.values());
        if (s.request.policy().enableAutoCancel()) {
            s.breach = b;
            audit.record(run, "AUTO_CANCEL_TRIGGERED", "TRIGGERED", s.request.resource(), breachDetails);
            log.warn("training job {} breaches its policy ({}): cancelling it", s.request.jobId(), b.message());
            PollLoop.done(exchange);
            return;
        }
        if (!b.reason().equals(s.lastBreachAudited)) {
            s.lastBreachAudited = b.reason();
            audit.record(run, "POLICY_BREACH", "AUTO_CANCEL_DISABLED", s.request.resource(), breachDetails);
        }
        pending(exchange, s, now, "training job " + s.request.jobId() + " is " + status.state() + " ("
                + status.progressPercent() + "%), breaching its policy: " + b.message());
    }

    /** Filter: was the policy breached with auto-cancel on? */
    public boolean mustCancel(Exchange exchange) {
        return state(exchange).breach != null;
    }

    /** Step: the DELETE that cancels the job. */
    public void cancelJob(Exchange exchange) {
        MonitorState s = state(exchange);
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.cognigy("DELETE", path(exchange, "cognigy.api.training-job",
                "/api/v2/projects/{projectId}/ai/train/{jobId}"), null, "TRAINING_JOB_CANCELLED", s.request.resource()));
    }

    /** Step: the job is cancelled. */
    public void jobCancelled(Exchange exchange) {
        MonitorState s = state(exchange);
        s.cancelled = true;
        s.finalState = TrainingState.CANCELLED;
        s.completedAt = clock.instant();
    }

    /** Filter: is there a webhook to notify? */
    public boolean hasWebhook(Exchange exchange) {
        return state(exchange).request.webhookUrl() != null;
    }

    /** Step: the webhook call with seed 002's final payload. */
    public void notifyWebhook(Exchange exchange) {
        MonitorState s = state(exchange);
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.webhook(s.request.webhookUrl(), webhookPayload(s),
                "WEBHOOK_SENT", s.request.resource()));
    }

    static ObjectNode webhookPayload(MonitorState s) {
        ObjectNode payload = Json.object();
        payload.put("job_id", s.request.jobId());
        payload.put("project_id", s.request.projectId());
        payload.put("final_state", s.finalState.name());
        payload.put("progress", s.progress);
        if (s.completedAt == null) {
            payload.putNull("completed_at");
        } else {
            payload.put("completed_at", s.completedAt.toString());
        }
        ObjectNode peak = payload.putObject("resource_peak");
        peak.put("cpu", s.peakCpu);
        peak.put("memory", s.peakMemory);
        payload.set("aggregated_metrics", aggregated(s.metrics));
        return payload;
    }

    /** Step: the output, MONITOR_COMPLETE, and the run's status from the job's final state. */
    public void complete(Exchange exchange) {
        MonitorState s = state(exchange);
        RunContext run = RunContext.of(exchange);
        output(run, s);
        Map<String, Object> details = jobDetails(s.request);
        details.put("final_state", s.finalState.name());
        details.put("progress_percent", s.progress);
        details.put("cancelled", s.cancelled);
        details.put("cancel_reason", s.breach == null ? null : s.breach.reason());
        details.put("statistics", statistics(s));
        audit.record(run, "MONITOR_COMPLETE", s.finalState.name(), s.request.resource(), details);
        String job = "training job " + s.request.jobId() + " of project " + s.request.projectId();
        switch (s.finalState) {
            case FAILED -> run.fail(RunStatus.FAILED, ErrorCode.JOB_FAILED, job + " FAILED at " + s.progress + "%");
            case CANCELLED -> run.fail(RunStatus.CANCELLED, ErrorCode.JOB_CANCELLED, s.cancelled
                    ? job + " was cancelled by its policy: " + s.breach.message()
                    : job + " was CANCELLED (not by this monitor) at " + s.progress + "%");
            default -> { }
        }
    }

    /** Catch step: the monitor could not finish; MONITOR_ERROR, the output so far, and the failure goes on. */
    public void monitorFailed(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        MonitorState s = exchange.getProperty(MonitorState.PROPERTY, MonitorState.class);
        if (s != null) {
            RunContext run = RunContext.of(exchange);
            if (s.readInFlight) {
                s.readFailed(Duration.between(s.callStartedAt, clock.instant()), OutboundCalls.attempts(exchange));
            }
            output(run, s);
            var error = ErrorClassifier.classify(failure, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange));
            Map<String, Object> details = jobDetails(s.request);
            details.put("error_code", error.code().name());
            details.put("error", error.message());
            details.put("statistics", statistics(s));
            audit.record(run, "MONITOR_ERROR", "FAILURE", s.request.resource(), details);
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- the decisions' plumbing

    private void malformed(Exchange exchange, MonitorState s, JsonNode answer, List<String> problems) {
        s.errors++;
        s.consecutiveMalformed++;
        String raw = answer == null ? "" : answer.has("text") && answer.size() == 1 ? answer.get("text").asText() : Json.write(answer);
        raw = Secrets.redact(raw);
        if (raw.length() > MAX_RAW_PAYLOAD_CHARS) {
            raw = raw.substring(0, MAX_RAW_PAYLOAD_CHARS) + "…";
        }
        int limit = (int) settings.forOperationLong("cognigy.monitor", null, "max-consecutive-malformed", 3);
        log.warn("training job {}: malformed status answer ({} in a row, limit {}): {}; raw payload: {}",
                s.request.jobId(), s.consecutiveMalformed, limit, problems, raw);
        Map<String, Object> details = jobDetails(s.request);
        details.put("problems", problems);
        details.put("raw_payload", raw);
        details.put("consecutive", s.consecutiveMalformed);
        details.put("limit", limit);
        audit.record(RunContext.of(exchange), "MONITOR_ERROR", "MALFORMED_STATUS", s.request.resource(), details);
        if (s.consecutiveMalformed >= limit) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "training job " + s.request.jobId() + ": "
                    + s.consecutiveMalformed + " malformed status answers in a row (limit "
                    + "cognigy.monitor.max-consecutive-malformed = " + limit + "); last: " + String.join("; ", problems));
        }
    }

    private void followState(RunContext run, MonitorState s, JobStatus status, Instant now) {
        TrainingState before = s.state;
        TrainingState after = status.state();
        if (before != null && !before.canBecome(after)) {
            Map<String, Object> details = jobDetails(s.request);
            details.put("from", before.name());
            details.put("to", after.name());
            audit.record(run, "STATE_TRANSITION_INVALID", "WARNING", s.request.resource(), details);
            log.warn("training job {} went from {} to {}, which a training job cannot do", s.request.jobId(), before, after);
        }
        if (after == TrainingState.RUNNING && (before != TrainingState.RUNNING || status.progressPercent() != s.progress)) {
            s.progressChangedAt = now;
        }
        s.state = after;
        s.progress = status.progressPercent();
    }

    private static void pending(Exchange exchange, MonitorState s, Instant now, String status) {
        PollLoop.pending(exchange, status);
        PollLoop.suggestDelay(exchange, s.schedule.delayUntilNext(now));
    }

    private static void output(RunContext run, MonitorState s) {
        ObjectNode out = run.output();
        if (s.finalState == null) {
            out.putNull("finalState");
        } else {
            out.put("finalState", s.finalState.name());
        }
        out.put("progressPercent", s.progress);
        out.set("aggregatedMetrics", aggregated(s.metrics));
        out.put("cancelled", s.cancelled);
        if (s.breach == null || !s.cancelled) {
            out.putNull("cancelReason");
        } else {
            out.put("cancelReason", s.breach.reason() + ": " + s.breach.message());
        }
        out.set("statistics", Json.MAPPER.valueToTree(statistics(s)));
    }

    private static Map<String, Object> statistics(MonitorState s) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("polls", s.polls);
        stats.put("errors", s.errors);
        stats.put("retries", s.retries);
        stats.put("meanLatencyMs", s.meanLatencyMs());
        return stats;
    }

    private static ObjectNode aggregated(MetricWindow window) {
        ObjectNode out = Json.object();
        window.aggregate().forEach((name, a) -> {
            ObjectNode m = out.putObject(name);
            m.put("mean", a.mean());
            m.put("last", a.last());
            m.put("count", a.count());
        });
        return out;
    }

    private static Map<String, Object> jobDetails(MonitorRequest request) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job_id", request.jobId());
        details.put("project_id", request.projectId());
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

    private String path(Exchange exchange, String setting, String fallback) {
        MonitorRequest r = state(exchange).request;
        return settings.get(setting, fallback).replace("{projectId}", r.projectId()).replace("{jobId}", r.jobId());
    }


    private static MonitorState state(Exchange exchange) {
        return exchange.getProperty(MonitorState.PROPERTY, MonitorState.class);
    }
}
