package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.Failures;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Trigger;
import dev.cognigyops.support.Settings;

/**
 * Records an nlp-retrain run in MLflow (REST API 2.0 at {@code mlflow.tracking-uri}, docs/contract.md#calls-out):
 * find or create the experiment, create the run with its tags, log metrics and params, end it
 * FINISHED or FAILED. The route {@code nlp-retrain-record-mlflow} makes the calls (through
 * {@code kamelet:mlflow-call}); each public method here is a request body, an answer's outcome or a
 * decision on the run's {@link NlpRetrainRun}. A failure is audited and shown in the output, never
 * the retrain's result.
 */
public final class MlflowRecorder {

    private final Settings settings;
    private final AuditLog audit;
    private final Clock clock;

    public MlflowRecorder(Settings settings, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** Filter: MLflow is set up, there is a job to record, and it is not recorded yet. */
    public boolean recordsInMlflow(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return settings.get("mlflow.tracking-uri").isPresent() && run.jobId() != null
                && run.isBefore(NlpRetrainRun.Phase.MLFLOW_RECORDED.name());
    }

    /** The experiment's id, from a get-by-name or a create answer. */
    public NlpRetrainRun experimentFound(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, @Body JsonNode answer) {
        String id = requireId(MlflowTracking.experimentId(answer), "experiment_id", "experiments/get-by-name or create");
        return run.withMlflow(run.phase(), run.mlflow().withExperimentId(id));
    }

    /** The doCatch's condition: MLflow has no experiment of that name (404 RESOURCE_DOES_NOT_EXIST). */
    public boolean experimentMissing(Exception failure) {
        return failure != null && Failures.status(failure) == 404;
    }

    /** The doCatch's condition: another run created the experiment first (400 RESOURCE_ALREADY_EXISTS). */
    public boolean experimentCreatedMeanwhile(Exception failure) {
        String body = failure == null ? null : Failures.responseBody(failure);
        return failure != null && Failures.status(failure) == 400 && body != null
                && body.contains("RESOURCE_ALREADY_EXISTS");
    }

    public JsonNode createExperimentRequest(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return MlflowTracking.createExperiment(run.mlflow().experiment());
    }

    /** runs/create: the run, tagged with the model, version, job, payload hash, trigger, status and gate. */
    public JsonNode runRequest(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run,
                               @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("model_id", run.asked().modelId());
        tags.put("version_id", run.modelVersionId());
        tags.put("job_id", run.jobId());
        tags.put("payload_hash", run.payloadHash());
        tags.put("retrain_trigger", context.trigger() == Trigger.SCHEDULE ? "automated" : "manual");
        tags.put("status", run.job().status());
        tags.put("gate", run.verdict() == null ? null : run.verdict().label());
        tags.put("baseline_version_id", run.asked().baselineVersionId());
        tags.put("cognigy_ops_run_id", run.runId());
        return MlflowTracking.createRun(run.mlflow().experimentId(), "retrain-" + run.jobId(), run.startedAtMs(), tags);
    }

    /** runs/create's answer: MLflow's run id (never invented). */
    public NlpRetrainRun runCreated(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, @Body JsonNode answer) {
        String id = requireId(MlflowTracking.runId(answer), "run.info.run_id", "runs/create");
        return run.withMlflow(NlpRetrainRun.Phase.MLFLOW_RUN_CREATED, run.mlflow().withRunId(id));
    }

    /** runs/log-batch: the training latency, the metrics, the dataset size, accuracyDelta, and the payload's params. */
    public JsonNode logBatchRequest(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (run.job().latencySeconds() != null) {
            metrics.put("training_latency_seconds", run.job().latencySeconds());
        }
        if (run.metrics() != null) {
            metrics.put("precision", run.metrics().precision());
            metrics.put("recall", run.metrics().recall());
            metrics.put("f1_score", run.metrics().f1Score());
            metrics.put("bias_score", run.metrics().biasScore());
        }
        RetrainPayload p = run.asked();
        metrics.put("dataset_size", (double) p.maxDatasetSize());
        if (run.accuracyDelta() != null) {
            metrics.put("accuracy_delta", run.accuracyDelta());
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("convergence_threshold", BigDecimal.valueOf(p.convergenceThreshold()).toPlainString());
        params.put("max_dataset_size", Long.toString(p.maxDatasetSize()));
        params.put("max_gpu_memory", Long.toString(p.computeConstraints().maxGpuMemory()));
        params.put("max_cpu_cores", Long.toString(p.computeConstraints().maxCpuCores()));
        params.put("timeout_seconds", Long.toString(p.computeConstraints().timeoutSeconds()));
        params.put("intents", Integer.toString(p.trainingDataSliceMatrix().size()));
        params.put("gate_tolerance", BigDecimal.valueOf(p.gate().tolerance()).toPlainString());
        params.put("gate_max_bias_score", BigDecimal.valueOf(p.gate().maxBiasScore()).toPlainString());
        return MlflowTracking.logBatch(run.mlflow().runId(), metrics, clock.millis(), params);
    }

    /** Before runs/update: it is being sent, so whatever its answer the run is never ended twice. */
    public NlpRetrainRun endingRun(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return run.withMlflow(run.phase(), run.mlflow().markEndSent());
    }

    /** runs/update: FINISHED when the retrain did all it should, else FAILED. */
    public JsonNode endRunRequest(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return MlflowTracking.endRun(run.mlflow().runId(), run.succeeded(), clock.millis());
    }

    public NlpRetrainRun recorded(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return run.withMlflow(NlpRetrainRun.Phase.MLFLOW_RECORDED, run.mlflow().ended("RECORDED", null));
    }

    /** MLflow down or refusing: the retrain's result stands; the failure is audited and shown in the output. */
    public NlpRetrainRun mlflowFailed(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, Exception failure,
                                      @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                      @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                      @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String error = Caught.describe(failure, call, attempt).getMessage();
        NlpRetrainRun failed = run.withMlflow(NlpRetrainRun.Phase.MLFLOW_RECORDED, run.mlflow().ended("FAILED", error));
        Map<String, Object> details = NlpRetrain.event(failed, "mlflow_sync_failed");
        details.put("error", error);
        details.put("mlflow_run_id", failed.mlflow().runId());
        audit.record(context, "MLFLOW_SYNC_FAILED", "FAILURE", failed.resource(), details);
        return failed;
    }

    /** Filter after a failure: MLflow created the run, but it was never asked to end it. */
    public boolean runLeftOpen(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return run.mlflow().runId() != null && !run.mlflow().endSent();
    }

    /** runs/update for a run whose recording failed part way: FAILED, its record is incomplete. */
    public JsonNode endOpenRunRequest(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run) {
        return MlflowTracking.endRun(run.mlflow().runId(), false, clock.millis());
    }

    /** Not even the end went through: the output says the run stays RUNNING in MLflow. */
    public NlpRetrainRun openRunNotEnded(@ExchangeProperty(NlpRetrainRun.PROPERTY) NlpRetrainRun run, Exception failure,
                                         @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                         @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        NlpRetrainRun.Mlflow record = run.mlflow();
        return run.withMlflow(run.phase(), record.ended(record.status(), record.error() + "; MLflow run " + record.runId()
                + " could not be ended and stays RUNNING: " + Caught.describe(failure, call, attempt).getMessage()));
    }

    private static String requireId(String id, String field, String endpoint) {
        if (id == null || id.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "MLflow " + endpoint + " answered without " + field);
        }
        return id;
    }
}
