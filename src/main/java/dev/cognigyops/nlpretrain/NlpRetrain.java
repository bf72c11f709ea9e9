package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.http.OutboundCall;
import dev.cognigyops.http.OutboundCalls;
import dev.cognigyops.poll.PollLoop;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.CanonicalJson;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

import static dev.cognigyops.nlpretrain.RetrainSteps.call;
import static dev.cognigyops.nlpretrain.RetrainSteps.caught;
import static dev.cognigyops.nlpretrain.RetrainSteps.event;
import static dev.cognigyops.nlpretrain.RetrainSteps.state;

/**
 * nlp-retrain (seed 004, SPEC §5): submit a retraining job, poll it, read the new version's
 * metrics, hold them against the quality gate, roll back a version that fails it, compare F1 with
 * a baseline, record the run in MLflow and audit seed 004's events. Each public method is one step
 * of {@code routes/nlp-retrain.camel.yaml}.
 */
public final class NlpRetrain implements Operation {

    public static final String NAME = "nlp-retrain";
    static final String DEFAULT_SCOPES = "ai:nlp:read ai:nlp:write ai:training:execute ai:models:rollback";
    /** Seed 004's TrainingPayload: what Cognigy receives (the gate, baseline and experiment are ours). */
    private static final List<String> SUBMITTED_FIELDS = List.of("modelId", "trainingDataSliceMatrix",
            "convergenceThreshold", "computeConstraints", "maxDatasetSize", "rollbackTriggerVersionId");

    private final Settings settings;
    private final AuditLog audit;
    private final Clock clock;

    public NlpRetrain(Settings settings, AuditLog audit, Clock clock) {
        this.settings = settings;
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
        RetrainPayloadRules.check(payload, violations);
    }

    // ---- submit

    /** Step: read the payload, hash it, and ask Cognigy for the training job with a fresh X-Request-Id. */
    public void submitJob(Exchange exchange) {
        RunContext run = RunContext.of(exchange);
        RetrainPayload payload = RetrainPayloadRules.check(run.payload(), new Violations());
        if (payload == null) {
            throw new IllegalStateException("the payload was accepted but no longer passes its rules");
        }
        var state = new RetrainState(payload, CanonicalJson.sha256(run.payload()), UUID.randomUUID().toString(),
                clock.instant());
        exchange.setProperty(RetrainState.PROPERTY, state);
        ObjectNode body = Json.object();
        for (String field : SUBMITTED_FIELDS) {
            JsonNode value = run.payload().get(field);
            if (value != null && !value.isNull()) {
                body.set(field, value.deepCopy());
            }
        }
        state.submittedAt = clock.instant();
        call(exchange, OutboundCall.cognigy("POST", settings.get("cognigy.api.nlp-training-jobs",
                        "/api/v2/ai/nlp/training/jobs"), body, "TRAINING_JOB_SUBMITTED", state.resource())
                .withHeader("X-Request-Id", state.submitRequestId));
    }

    /** The submit failed after its retries: 401, 403, 422 (with the server's detail) and 429 each say what to do. */
    public void submitFailed(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        throw SubmitErrors.explain(failure, OutboundCalls.describe(exchange), OutboundCalls.attempts(exchange),
                String.join(" ", scopes()));
    }

    /** Step: keep the job, audit retrain_initiated, and set the poll's own deadline from timeoutSeconds. */
    public void jobSubmitted(Exchange exchange) {
        RetrainState state = state(exchange);
        JsonNode answer = OutboundCalls.response(exchange);
        state.jobId = Json.text(answer, "jobId");
        if (state.jobId == null || state.jobId.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the training job was accepted but the answer has no jobId: "
                    + answer);
        }
        state.modelVersionId = Json.text(answer, "modelVersionId");
        state.jobStatus = Json.text(answer, "status");
        long grace = settings.forOperationLong("cognigy.retrain", null, "job-grace-seconds", 120);
        state.pollDeadline = state.submittedAt.plusSeconds(state.payload.computeConstraints().timeoutSeconds() + grace);
        Map<String, Object> details = event(state, "retrain_initiated");
        details.put("status", state.jobStatus);
        details.put("x_request_id", state.submitRequestId);
        audit.record(RunContext.of(exchange), "RETRAIN_INITIATED", "SUCCESS", state.resource(), details);
    }

    // ---- poll

    /** Poll step: ask for the job. */
    public void readJob(Exchange exchange) {
        RetrainState state = state(exchange);
        call(exchange, OutboundCall.cognigy("GET", settings.get("cognigy.api.nlp-training-job",
                        "/api/v2/ai/nlp/training/jobs/{jobId}").replace("{jobId}", segment(state.jobId)),
                null, "TRAINING_JOB_STATUS", state.resource()));
    }

    /** Poll step: completed → on; failed or rolled_back → JOB_FAILED; queued, running → wait within the deadline. */
    public void jobRead(Exchange exchange) {
        RetrainState state = state(exchange);
        JsonNode job = OutboundCalls.response(exchange);
        Instant now = clock.instant();
        TrainingJob.Reading reading = TrainingJob.read(job, now, state.pollDeadline);
        state.jobStatus = reading.status();
        String version = Json.text(job, "modelVersionId");
        if (version != null) {
            state.modelVersionId = version;
        }
        switch (reading.outcome()) {
            case PENDING -> PollLoop.pending(exchange, "training job " + state.jobId + " is " + reading.status());
            case COMPLETED -> {
                state.latencySeconds = seconds(state.submittedAt, now);
                if (state.modelVersionId == null) {
                    throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "training job " + state.jobId
                            + " is completed but names no modelVersionId");
                }
                Map<String, Object> details = event(state, "retrain_completed");
                details.put("status", reading.status());
                details.put("latency_seconds", state.latencySeconds);
                audit.record(RunContext.of(exchange), "RETRAIN_COMPLETED", "SUCCESS", state.resource(), details);
                PollLoop.done(exchange);
            }
            case FAILED -> {
                state.latencySeconds = seconds(state.submittedAt, now);
                Map<String, Object> details = event(state, "retrain_completed");
                details.put("status", reading.status());
                details.put("latency_seconds", state.latencySeconds);
                String reason = firstText(job, "errorMessage", "error", "message", "detail");
                details.put("error", reason);
                audit.record(RunContext.of(exchange), "RETRAIN_COMPLETED", "FAILURE", state.resource(), details);
                if ("rolled_back".equals(reading.status())) {
                    state.rollbackTriggered = true;
                    Map<String, Object> rollback = event(state, "rollback_triggered");
                    rollback.put("initiated_by", "cognigy");
                    audit.record(RunContext.of(exchange), "ROLLBACK_TRIGGERED", "SUCCESS", state.resource(), rollback);
                }
                throw new RunFailure(ErrorCode.JOB_FAILED, "training job " + state.jobId + " for model "
                        + state.payload.modelId() + " ended " + reading.status()
                        + (reason == null ? "" : ": " + reason));
            }
            case TIMED_OUT -> throw new RunFailure(ErrorCode.TIMEOUT, "training job " + state.jobId + " is still "
                    + reading.status() + " " + Duration.between(state.submittedAt, now).toSeconds()
                    + " s after it was submitted; the payload allows computeConstraints.timeoutSeconds "
                    + state.payload.computeConstraints().timeoutSeconds() + " s (plus the grace in setting "
                    + "cognigy.retrain.job-grace-seconds)");
            default -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "training job " + state.jobId
                    + " has an unexpected status '" + Json.text(job, "status") + "'");
        }
    }

    // ---- metrics, baseline, gate, rollback

    /** Step: ask for the new version's metrics, with bias detection and precision/recall. */
    public void readMetrics(Exchange exchange) {
        RetrainState state = state(exchange);
        call(exchange, metricsCall(state, state.modelVersionId, "MODEL_METRICS_READ"));
    }

    public void metricsRead(Exchange exchange) {
        RetrainState state = state(exchange);
        state.metrics = ModelMetrics.from(OutboundCalls.response(exchange), "model " + state.payload.modelId() + " version "
                + state.modelVersionId);
    }

    /** Filter: is there a baseline version to compare F1 with? */
    public boolean hasBaseline(Exchange exchange) {
        return state(exchange).payload.baselineVersionId() != null;
    }

    public void readBaselineMetrics(Exchange exchange) {
        RetrainState state = state(exchange);
        call(exchange, metricsCall(state, state.payload.baselineVersionId(), "BASELINE_METRICS_READ"));
    }

    /** Step: accuracyDelta = new F1 − baseline F1. */
    public void baselineRead(Exchange exchange) {
        RetrainState state = state(exchange);
        state.baselineMetrics = ModelMetrics.from(OutboundCalls.response(exchange), "baseline version "
                + state.payload.baselineVersionId());
        state.accuracyDelta = BigDecimal.valueOf(state.metrics.f1Score())
                .subtract(BigDecimal.valueOf(state.baselineMetrics.f1Score())).doubleValue();
    }

    /**
     * The baseline's metrics could not be read: kept, so the gate and a rollback still happen; the run
     * then fails with it unless the gate already failed it (whose message names it too).
     */
    public void baselineFailed(Exchange exchange) {
        state(exchange).baselineFailure = caught(exchange);
    }

    /** Step: the quality gate, audited as validation_passed or validation_failed. */
    public void judgeGate(Exchange exchange) {
        RetrainState state = state(exchange);
        RetrainPayload.Gate gate = state.payload.gate();
        state.verdict = QualityGate.judge(state.metrics, gate.tolerance(), gate.maxBiasScore());
        Map<String, Object> details = event(state, state.verdict.passed() ? "validation_passed" : "validation_failed");
        details.put("metrics", metricsDetails(state.metrics));
        details.put("gate", Map.of("tolerance", gate.tolerance(), "max_bias_score", gate.maxBiasScore()));
        details.put("latency_seconds", state.latencySeconds);
        if (state.accuracyDelta != null) {
            details.put("accuracy_delta", state.accuracyDelta);
            details.put("baseline_version_id", state.payload.baselineVersionId());
        }
        if (!state.verdict.passed()) {
            details.put("failed_criteria", state.verdict.failures());
        }
        audit.record(RunContext.of(exchange), state.verdict.passed() ? "VALIDATION_PASSED" : "VALIDATION_FAILED",
                state.verdict.passed() ? "SUCCESS" : "FAILURE", state.resource(), details);
    }

    /** Filter: the gate failed and the payload names a version to roll back to. */
    public boolean shouldRollBack(Exchange exchange) {
        RetrainState state = state(exchange);
        return state.verdict != null && !state.verdict.passed() && state.payload.rollbackTriggerVersionId() != null;
    }

    public void rollBack(Exchange exchange) {
        RetrainState state = state(exchange);
        ObjectNode body = Json.object();
        body.put("target_version_id", state.payload.rollbackTriggerVersionId());
        call(exchange, OutboundCall.cognigy("POST", settings.get("cognigy.api.nlp-model-rollback",
                        "/api/v2/ai/nlp/models/{modelId}/rollback").replace("{modelId}", segment(state.payload.modelId())),
                body, "MODEL_ROLLBACK_REQUESTED", state.resource()));
    }

    public void rolledBack(Exchange exchange) {
        RetrainState state = state(exchange);
        state.rollbackTriggered = true;
        Map<String, Object> details = event(state, "rollback_triggered");
        details.put("initiated_by", AuditLog.ACTOR);
        details.put("target_version_id", state.payload.rollbackTriggerVersionId());
        details.put("failed_criteria", state.verdict.failures());
        audit.record(RunContext.of(exchange), "ROLLBACK_TRIGGERED", "SUCCESS", state.resource(), details);
    }

    /** A rollback that fails is named in the result's message; the gate failure stays the run's error. */
    public void rollbackFailed(Exchange exchange) {
        RetrainState state = state(exchange);
        state.rollbackError = caught(exchange).getMessage();
    }

    /** Whatever ended the retrain early is kept, so MLflow still records the run before the run fails. */
    public void retrainFailed(Exchange exchange) {
        RetrainState state = state(exchange);
        if (state == null) {
            throw caught(exchange);
        }
        state.failure = caught(exchange);
    }

    // ---- the end

    /** Step: the output; then the run fails with what stopped it, or GATE_FAILED, or succeeds. */
    public void complete(Exchange exchange) {
        RetrainState state = state(exchange);
        ObjectNode out = RunContext.of(exchange).output();
        out.put("jobId", state.jobId);
        out.put("modelVersionId", state.modelVersionId);
        out.put("jobStatus", state.jobStatus);
        if (state.metrics == null) {
            out.putNull("metrics");
        } else {
            ObjectNode metrics = out.putObject("metrics");
            metrics.put("precision", state.metrics.precision());
            metrics.put("recall", state.metrics.recall());
            metrics.put("f1Score", state.metrics.f1Score());
            metrics.put("biasScore", state.metrics.biasScore());
            if (state.metrics.intentDistribution() != null) {
                metrics.set("intentDistribution", state.metrics.intentDistribution());
            }
        }
        if (state.verdict == null) {
            out.putNull("gate");
        } else {
            out.put("gate", state.verdict.label());
            if (!state.verdict.passed()) {
                out.set("gateFailures", Json.MAPPER.valueToTree(state.verdict.failures()));
            }
        }
        if (state.accuracyDelta != null) {
            out.put("accuracyDelta", state.accuracyDelta);
            out.put("baselineVersionId", state.payload.baselineVersionId());
        }
        if (state.baselineFailure != null) {
            out.put("baselineError", state.baselineFailure.getMessage());
        }
        out.put("rollbackTriggered", state.rollbackTriggered);
        if (state.rollbackError != null) {
            out.put("rollbackError", state.rollbackError);
        }
        out.put("mlflowRunId", state.mlflowRunId);
        ObjectNode mlflow = out.putObject("mlflow");
        mlflow.put("status", state.mlflowStatus);
        if (state.experimentId != null) {
            mlflow.put("experimentId", state.experimentId);
        }
        if (state.mlflowError != null) {
            mlflow.put("error", state.mlflowError);
        }
        out.put("payloadHash", state.payloadHash);
        if (state.latencySeconds != null) {
            out.put("trainingLatencySeconds", state.latencySeconds);
        }
        if (state.failure != null) {
            throw state.failure;
        }
        if (!state.verdict.passed()) {
            String rollback = state.rollbackTriggered
                    ? "; rolled back to " + state.payload.rollbackTriggerVersionId()
                    : state.rollbackError != null
                            ? "; the rollback to " + state.payload.rollbackTriggerVersionId() + " FAILED: " + state.rollbackError
                            : "; no rollbackTriggerVersionId given, nothing rolled back";
            String baseline = state.baselineFailure == null ? "" : "; the metrics of baseline version "
                    + state.payload.baselineVersionId() + " could not be read: " + state.baselineFailure.getMessage();
            throw new RunFailure(ErrorCode.GATE_FAILED, "model " + state.payload.modelId() + " version "
                    + state.modelVersionId + " failed the quality gate: " + String.join("; ", state.verdict.failures())
                    + rollback + baseline);
        }
        if (state.baselineFailure != null) {
            throw state.baselineFailure;
        }
    }

    // ---- helpers

    private OutboundCall metricsCall(RetrainState state, String versionId, String action) {
        return OutboundCall.cognigy("GET", settings.get("cognigy.api.nlp-model-metrics",
                        "/api/v2/ai/nlp/models/{modelId}/versions/{versionId}/metrics")
                        .replace("{modelId}", segment(state.payload.modelId())).replace("{versionId}", segment(versionId)),
                null, action, "nlp:" + state.payload.modelId() + ":" + versionId)
                .withQuery(Map.of("include_bias_detection", "true", "include_precision_recall", "true"));
    }

    private static Map<String, Object> metricsDetails(ModelMetrics m) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("precision", m.precision());
        metrics.put("recall", m.recall());
        metrics.put("f1_score", m.f1Score());
        metrics.put("bias_score", m.biasScore());
        return metrics;
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = Json.text(node, field);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    static double seconds(Instant from, Instant to) {
        return BigDecimal.valueOf(Duration.between(from, to).toMillis()).divide(BigDecimal.valueOf(1000), 3,
                RoundingMode.HALF_UP).doubleValue();
    }

    /** A path segment, percent-encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
