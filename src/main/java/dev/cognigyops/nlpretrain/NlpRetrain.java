package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.CanonicalJson;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;

/**
 * nlp-retrain (seed 004, docs/contract.md#operations): submit a retraining job, poll it, read the new version's
 * metrics, compare F1 with a baseline, hold the metrics against the quality gate, roll back a
 * version that fails it, record the run in MLflow ({@link MlflowRecorder}) and audit seed 004's
 * events. The route, {@code routes/operations/nlp-retrain.camel.yaml}, makes the calls; each public method here
 * is one decision or one step's outcome, taking the run's {@link NlpRetrainRun} and an answer and
 * returning the next {@link NlpRetrainRun} (or a request body, or the output). Nothing here knows
 * Camel's Exchange.
 */
public final class NlpRetrain implements Operation {

    public static final String NAME = "nlp-retrain";
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
    public void validate(JsonNode payload, Violations violations) {
        RetrainPayloadRules.check(payload, violations);
    }

    /** Built for profile cognigy-v2: intent training of a flow behind a quality gate (NlpRetrainV2, route direct:nlp-retrain-v2). */
    @Override
    public boolean onCognigyV2() {
        return true;
    }

    @Override
    public void validateOnCognigyV2(JsonNode payload, Violations violations) {
        RetrainV2Request.validate(payload, violations);
    }

    /** First step: a new run's state (its payload hashed, its own X-Request-Id), or the saved state the run goes on from. */
    public NlpRetrainRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), NlpRetrainRun.class);
        }
        String experiment = Json.text(run.payload(), "mlflowExperiment");
        return new NlpRetrainRun(NlpRetrainRun.Phase.STARTED, run.runId(), run.payload().deepCopy(),
                CanonicalJson.sha256(run.payload()), UUID.randomUUID().toString(), clock.millis(), null, null, null,
                null, null, null, false, null,
                NlpRetrainRun.Mlflow.skipped(experiment != null ? experiment : settings.require("mlflow.experiment")), null);
    }

    // ---- submit

    /** The submit's body: seed 004's fields of the payload. */
    public JsonNode submitRequest(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        ObjectNode body = Json.object();
        for (String field : SUBMITTED_FIELDS) {
            JsonNode value = run.payload().get(field);
            if (value != null && !value.isNull()) {
                body.set(field, value.deepCopy());
            }
        }
        return body;
    }

    /** The submit's answer: the job, audited retrain_initiated; it is polled until timeoutSeconds + the grace setting. */
    public NlpRetrainRun jobSubmitted(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, @Body JsonNode answer,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String jobId = Json.text(answer, "jobId");
        if (jobId == null || jobId.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the training job was accepted but the answer has no jobId: "
                    + answer);
        }
        long submittedAt = clock.millis();
        long grace = Long.parseLong(settings.require("cognigy.retrain.job-grace-seconds"));
        long deadline = submittedAt + (run.asked().computeConstraints().timeoutSeconds() + grace) * 1000;
        NlpRetrainRun submitted = run.withJob(NlpRetrainRun.Phase.SUBMITTED, new NlpRetrainRun.Job(jobId,
                Json.text(answer, "modelVersionId"), Json.text(answer, "status"), submittedAt, deadline, null));
        Map<String, Object> details = event(submitted, "retrain_initiated");
        details.put("status", submitted.job().status());
        details.put("x_request_id", submitted.requestId());
        audit.record(context, "RETRAIN_INITIATED", "SUCCESS", submitted.resource(), details);
        return submitted;
    }

    /** The submit failed after its retries: 401, 403, 422 (with the server's detail) and 429 each say what to do. */
    public NlpRetrainRun submitFailed(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, Exception failure,
                                      @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                      @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        return run.withFailure(SubmitErrors.explain(failure, call == null ? null : call.describe(),
                attempt == null ? 0 : attempt.attempts(), String.join(" ", settings.scopes(NAME))));
    }

    // ---- poll

    /** One read of the job: completed → on; failed or rolled_back → JOB_FAILED; queued, running → wait within the deadline. */
    public NlpRetrainRun jobRead(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, @Body JsonNode answer,
                                 @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        NlpRetrainRun.Job job = run.job();
        Instant now = clock.instant();
        TrainingJob.Reading reading = TrainingJob.read(answer, now, Instant.ofEpochMilli(job.deadlineMs()));
        String version = Json.text(answer, "modelVersionId");
        switch (reading.outcome()) {
            case PENDING -> {
                return run.withJob(NlpRetrainRun.Phase.SUBMITTED, job.read(reading.status(), version, null));
            }
            case COMPLETED -> {
                NlpRetrainRun finished = run.withJob(NlpRetrainRun.Phase.JOB_FINISHED,
                        job.read(reading.status(), version, seconds(job.submittedAtMs(), now.toEpochMilli())));
                if (finished.modelVersionId() == null) {
                    return finished.withFailure(new RunFailure(ErrorCode.UPSTREAM_ERROR, "training job " + job.id()
                            + " is completed but names no modelVersionId"));
                }
                Map<String, Object> details = event(finished, "retrain_completed");
                details.put("status", reading.status());
                details.put("latency_seconds", finished.job().latencySeconds());
                audit.record(context, "RETRAIN_COMPLETED", "SUCCESS", finished.resource(), details);
                return finished;
            }
            case FAILED -> {
                NlpRetrainRun finished = run.withJob(NlpRetrainRun.Phase.JOB_FINISHED,
                        job.read(reading.status(), version, seconds(job.submittedAtMs(), now.toEpochMilli())));
                Map<String, Object> details = event(finished, "retrain_completed");
                details.put("status", reading.status());
                details.put("latency_seconds", finished.job().latencySeconds());
                String reason = firstText(answer, "errorMessage", "error", "message", "detail");
                details.put("error", reason);
                audit.record(context, "RETRAIN_COMPLETED", "FAILURE", finished.resource(), details);
                if ("rolled_back".equals(reading.status())) {
                    finished = finished.withRollback(NlpRetrainRun.Phase.JOB_FINISHED, true, null);
                    Map<String, Object> rollback = event(finished, "rollback_triggered");
                    rollback.put("initiated_by", "cognigy");
                    audit.record(context, "ROLLBACK_TRIGGERED", "SUCCESS", finished.resource(), rollback);
                }
                return finished.withFailure(new RunFailure(ErrorCode.JOB_FAILED, "training job " + job.id() + " for model "
                        + run.asked().modelId() + " ended " + reading.status() + (reason == null ? "" : ": " + reason)));
            }
            case TIMED_OUT -> {
                return run.withJob(NlpRetrainRun.Phase.SUBMITTED, job.read(reading.status(), version, null))
                        .withFailure(new RunFailure(ErrorCode.TIMEOUT, "training job " + job.id() + " is still "
                                + reading.status() + " " + (now.toEpochMilli() - job.submittedAtMs()) / 1000
                                + " s after it was submitted; the payload allows computeConstraints.timeoutSeconds "
                                + run.asked().computeConstraints().timeoutSeconds() + " s (plus the grace in setting "
                                + "cognigy.retrain.job-grace-seconds)"));
            }
            default -> {
                return run.withJob(NlpRetrainRun.Phase.SUBMITTED, job.read(reading.status(), version, null))
                        .withFailure(new RunFailure(ErrorCode.UPSTREAM_ERROR, "training job " + job.id()
                                + " has an unexpected status '" + Json.text(answer, "status") + "'"));
            }
        }
    }

    // ---- metrics, baseline, gate, rollback

    /** The new version's metrics (asked with bias detection and precision/recall). */
    public NlpRetrainRun metricsRead(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, @Body JsonNode answer) {
        return run.withMetrics(ModelMetrics.from(answer, "model " + run.asked().modelId() + " version " + run.modelVersionId()));
    }

    /** The baseline's metrics: accuracyDelta = new F1 − baseline F1. */
    public NlpRetrainRun baselineRead(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, @Body JsonNode answer) {
        ModelMetrics baseline = ModelMetrics.from(answer, "baseline version " + run.asked().baselineVersionId());
        double delta = BigDecimal.valueOf(run.metrics().f1Score()).subtract(BigDecimal.valueOf(baseline.f1Score())).doubleValue();
        return run.withBaseline(baseline, delta, null);
    }

    /**
     * The baseline's metrics could not be read: kept, so the gate and a rollback still happen; the run
     * then fails with it unless the gate already failed it (whose message names it too).
     */
    public NlpRetrainRun baselineFailed(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, Exception failure,
                                        @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                        @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        return run.withBaseline(null, null, NlpRetrainRun.Failure.of(Caught.describe(failure, call, attempt)));
    }

    /** The quality gate, audited as validation_passed or validation_failed. */
    public NlpRetrainRun judgeGate(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run,
                                   @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        RetrainPayload asked = run.asked();
        RetrainPayload.Gate gate = asked.gate();
        QualityGate.Verdict verdict = QualityGate.judge(run.metrics(), gate.tolerance(), gate.maxBiasScore());
        NlpRetrainRun decided = run.withVerdict(verdict);
        Map<String, Object> details = event(decided, verdict.passed() ? "validation_passed" : "validation_failed");
        details.put("metrics", metricsDetails(run.metrics()));
        details.put("gate", Map.of("tolerance", gate.tolerance(), "max_bias_score", gate.maxBiasScore()));
        details.put("latency_seconds", run.job().latencySeconds());
        if (run.accuracyDelta() != null) {
            details.put("accuracy_delta", run.accuracyDelta());
            details.put("baseline_version_id", asked.baselineVersionId());
        }
        if (!verdict.passed()) {
            details.put("failed_criteria", verdict.failures());
        }
        audit.record(context, verdict.passed() ? "VALIDATION_PASSED" : "VALIDATION_FAILED",
                verdict.passed() ? "SUCCESS" : "FAILURE", decided.resource(), details);
        return decided;
    }

    /** The rollback's body: the version the payload names. */
    public JsonNode rollbackRequest(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        ObjectNode body = Json.object();
        body.put("target_version_id", run.asked().rollbackTriggerVersionId());
        return body;
    }

    public NlpRetrainRun rolledBack(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run,
                                    @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        NlpRetrainRun rolledBack = run.withRollback(NlpRetrainRun.Phase.ROLLED_BACK, true, null);
        Map<String, Object> details = event(rolledBack, "rollback_triggered");
        details.put("initiated_by", AuditLog.ACTOR);
        details.put("target_version_id", run.asked().rollbackTriggerVersionId());
        details.put("failed_criteria", run.verdict().failures());
        audit.record(context, "ROLLBACK_TRIGGERED", "SUCCESS", rolledBack.resource(), details);
        return rolledBack;
    }

    /** A rollback that fails is named in the result's message; the gate failure stays the run's error. */
    public NlpRetrainRun rollbackFailed(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, Exception failure,
                                        @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                        @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        return run.withRollback(NlpRetrainRun.Phase.ROLLED_BACK, false, Caught.describe(failure, call, attempt).getMessage());
    }

    /** Whatever ended the retrain early is kept, so MLflow still records the run before the run fails. */
    public NlpRetrainRun retrainFailed(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, Exception failure,
                                       @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                       @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        return run.withFailure(Caught.describe(failure, call, attempt));
    }

    // ---- the end

    public NlpRetrainRun finished(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return run.at(NlpRetrainRun.Phase.FINISHED);
    }

    /** The output: the job, the metrics, the gate, the rollback, MLflow's record and the payload's hash. */
    public JsonNode output(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        ObjectNode out = Json.object();
        NlpRetrainRun.Job job = run.job();
        out.put("jobId", run.jobId());
        out.put("modelVersionId", run.modelVersionId());
        out.put("jobStatus", job == null ? null : job.status());
        ModelMetrics m = run.metrics();
        if (m == null) {
            out.putNull("metrics");
        } else {
            ObjectNode metrics = out.putObject("metrics");
            metrics.put("precision", m.precision());
            metrics.put("recall", m.recall());
            metrics.put("f1Score", m.f1Score());
            metrics.put("biasScore", m.biasScore());
            if (m.intentDistribution() != null) {
                metrics.set("intentDistribution", m.intentDistribution());
            }
        }
        QualityGate.Verdict verdict = run.verdict();
        if (verdict == null) {
            out.putNull("gate");
        } else {
            out.put("gate", verdict.label());
            if (!verdict.passed()) {
                out.set("gateFailures", Json.MAPPER.valueToTree(verdict.failures()));
            }
        }
        if (run.accuracyDelta() != null) {
            out.put("accuracyDelta", run.accuracyDelta());
            out.put("baselineVersionId", run.asked().baselineVersionId());
        }
        if (run.baselineFailure() != null) {
            out.put("baselineError", run.baselineFailure().message());
        }
        out.put("rollbackTriggered", run.rollbackTriggered());
        if (run.rollbackError() != null) {
            out.put("rollbackError", run.rollbackError());
        }
        NlpRetrainRun.Mlflow record = run.mlflow();
        out.put("mlflowRunId", record.runId());
        ObjectNode mlflow = out.putObject("mlflow");
        mlflow.put("status", record.status());
        if (record.experimentId() != null) {
            mlflow.put("experimentId", record.experimentId());
        }
        if (record.error() != null) {
            mlflow.put("error", record.error());
        }
        out.put("payloadHash", run.payloadHash());
        if (job != null && job.latencySeconds() != null) {
            out.put("trainingLatencySeconds", job.latencySeconds());
        }
        return out;
    }

    /** The last step: the run fails with what stopped it, or GATE_FAILED, or the unreadable baseline; else it succeeds. */
    public void outcome(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        if (run.failure() != null) {
            throw run.failure().raise();
        }
        RetrainPayload asked = run.asked();
        if (!run.verdict().passed()) {
            String rollback = run.rollbackTriggered()
                    ? "; rolled back to " + asked.rollbackTriggerVersionId()
                    : run.rollbackError() != null
                            ? "; the rollback to " + asked.rollbackTriggerVersionId() + " FAILED: " + run.rollbackError()
                            : "; no rollbackTriggerVersionId given, nothing rolled back";
            String baseline = run.baselineFailure() == null ? "" : "; the metrics of baseline version "
                    + asked.baselineVersionId() + " could not be read: " + run.baselineFailure().message();
            throw new RunFailure(ErrorCode.GATE_FAILED, "model " + asked.modelId() + " version "
                    + run.modelVersionId() + " failed the quality gate: " + String.join("; ", run.verdict().failures())
                    + rollback + baseline);
        }
        if (run.baselineFailure() != null) {
            throw run.baselineFailure().raise();
        }
    }

    // ---- helpers

    /** Seed 004's audit fields: event_type, model_id, version_id, job_id, payload_hash. */
    static Map<String, Object> event(NlpRetrainRun run, String eventType) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event_type", eventType);
        details.put("model_id", run.asked().modelId());
        details.put("version_id", run.modelVersionId());
        details.put("job_id", run.jobId());
        details.put("payload_hash", run.payloadHash());
        return details;
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

    static double seconds(long fromMs, long toMs) {
        return BigDecimal.valueOf(toMs - fromMs).divide(BigDecimal.valueOf(1000), 3, RoundingMode.HALF_UP).doubleValue();
    }
}
