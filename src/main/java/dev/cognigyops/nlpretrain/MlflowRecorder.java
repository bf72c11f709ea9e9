package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.cognigyops.http.OutboundCalls;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.http.Failures;
import dev.cognigyops.http.OutboundCall;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Trigger;
import dev.cognigyops.support.Settings;

import static dev.cognigyops.nlpretrain.RetrainSteps.call;
import static dev.cognigyops.nlpretrain.RetrainSteps.caught;
import static dev.cognigyops.nlpretrain.RetrainSteps.event;
import static dev.cognigyops.nlpretrain.RetrainSteps.state;

/**
 * Records an nlp-retrain run in MLflow (REST API 2.0 at {@code mlflow.tracking-uri}, SPEC §4):
 * find or create the experiment, create the run with its tags, log metrics and params, end it
 * FINISHED or FAILED. Each public method is one step of the route {@code nlp-retrain-record-mlflow};
 * a failure is audited and shown in the output, never the retrain's result.
 */
public final class MlflowRecorder {

    static final String MLFLOW_RETRY = "cognigy.mlflow.retry";

    private final Settings settings;
    private final AuditLog audit;
    private final Clock clock;

    public MlflowRecorder(Settings settings, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    /** Filter: MLflow is configured and there is a job to record. */
    public boolean recordsInMlflow(Exchange exchange) {
        return !trackingUri().isEmpty() && state(exchange).jobId != null;
    }

    public void findExperiment(Exchange exchange) {
        RetrainState state = state(exchange);
        call(exchange, OutboundCall.external("GET", mlflow().url("experiments/get-by-name"), null,
                "MLFLOW_EXPERIMENT_READ", state.resource(), MLFLOW_RETRY)
                .withQuery(Map.of("experiment_name", experimentName(state))));
    }

    public void experimentFound(Exchange exchange) {
        state(exchange).experimentId = requireId(MlflowTracking.experimentId(OutboundCalls.response(exchange)), "experiment_id",
                "experiments/get-by-name");
    }

    /** The doCatch's condition: MLflow has no experiment of that name (404 RESOURCE_DOES_NOT_EXIST). */
    public boolean experimentMissing(Exchange exchange) {
        Throwable failure = failure(exchange);
        return failure != null && Failures.status(failure) == 404;
    }

    /** The doCatch's condition: another run created the experiment first (400 RESOURCE_ALREADY_EXISTS). */
    public boolean experimentCreatedMeanwhile(Exchange exchange) {
        Throwable failure = failure(exchange);
        String body = failure == null ? null : Failures.responseBody(failure);
        return failure != null && Failures.status(failure) == 400 && body != null
                && body.contains("RESOURCE_ALREADY_EXISTS");
    }

    public void createExperiment(Exchange exchange) {
        RetrainState state = state(exchange);
        call(exchange, OutboundCall.external("POST", mlflow().url("experiments/create"),
                MlflowTracking.createExperiment(experimentName(state)), "MLFLOW_EXPERIMENT_CREATED", state.resource(),
                MLFLOW_RETRY));
    }

    public void createRun(Exchange exchange) {
        RetrainState state = state(exchange);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("model_id", state.payload.modelId());
        tags.put("version_id", state.modelVersionId);
        tags.put("job_id", state.jobId);
        tags.put("payload_hash", state.payloadHash);
        tags.put("retrain_trigger", RunContext.of(exchange).trigger() == Trigger.SCHEDULE ? "automated" : "manual");
        tags.put("status", state.jobStatus);
        tags.put("gate", state.verdict == null ? null : state.verdict.label());
        tags.put("baseline_version_id", state.payload.baselineVersionId());
        tags.put("cognigy_ops_run_id", RunContext.of(exchange).runId());
        call(exchange, OutboundCall.external("POST", mlflow().url("runs/create"),
                MlflowTracking.createRun(state.experimentId, "retrain-" + state.jobId,
                        state.startedAt.toEpochMilli(), tags), "MLFLOW_RUN_CREATED", state.resource(), MLFLOW_RETRY));
    }

    public void logMetrics(Exchange exchange) {
        RetrainState state = state(exchange);
        state.mlflowRunId = requireId(MlflowTracking.runId(OutboundCalls.response(exchange)), "run.info.run_id", "runs/create");
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (state.latencySeconds != null) {
            metrics.put("training_latency_seconds", state.latencySeconds);
        }
        if (state.metrics != null) {
            metrics.put("precision", state.metrics.precision());
            metrics.put("recall", state.metrics.recall());
            metrics.put("f1_score", state.metrics.f1Score());
            metrics.put("bias_score", state.metrics.biasScore());
        }
        metrics.put("dataset_size", (double) state.payload.maxDatasetSize());
        if (state.accuracyDelta != null) {
            metrics.put("accuracy_delta", state.accuracyDelta);
        }
        RetrainPayload p = state.payload;
        Map<String, String> params = new LinkedHashMap<>();
        params.put("convergence_threshold", BigDecimal.valueOf(p.convergenceThreshold()).toPlainString());
        params.put("max_dataset_size", Long.toString(p.maxDatasetSize()));
        params.put("max_gpu_memory", Long.toString(p.computeConstraints().maxGpuMemory()));
        params.put("max_cpu_cores", Long.toString(p.computeConstraints().maxCpuCores()));
        params.put("timeout_seconds", Long.toString(p.computeConstraints().timeoutSeconds()));
        params.put("intents", Integer.toString(p.trainingDataSliceMatrix().size()));
        params.put("gate_tolerance", BigDecimal.valueOf(p.gate().tolerance()).toPlainString());
        params.put("gate_max_bias_score", BigDecimal.valueOf(p.gate().maxBiasScore()).toPlainString());
        call(exchange, OutboundCall.external("POST", mlflow().url("runs/log-batch"),
                MlflowTracking.logBatch(state.mlflowRunId, metrics, clock.millis(), params), "MLFLOW_METRICS_LOGGED",
                state.resource(), MLFLOW_RETRY));
    }

    public void endRun(Exchange exchange) {
        RetrainState state = state(exchange);
        state.mlflowEndSent = true;
        call(exchange, OutboundCall.external("POST", mlflow().url("runs/update"),
                MlflowTracking.endRun(state.mlflowRunId, state.succeeded(), clock.millis()), "MLFLOW_RUN_ENDED",
                state.resource(), MLFLOW_RETRY));
    }

    public void mlflowRecorded(Exchange exchange) {
        state(exchange).mlflowStatus = "RECORDED";
    }

    /** MLflow down or refusing: the retrain's result stands; the failure is audited and shown in the output. */
    public void mlflowFailed(Exchange exchange) {
        RetrainState state = state(exchange);
        state.mlflowStatus = "FAILED";
        state.mlflowError = caught(exchange).getMessage();
        Map<String, Object> details = event(state, "mlflow_sync_failed");
        details.put("error", state.mlflowError);
        details.put("mlflow_run_id", state.mlflowRunId);
        audit.record(RunContext.of(exchange), "MLFLOW_SYNC_FAILED", "FAILURE", state.resource(), details);
    }

    /** Filter after a failure: MLflow created the run, but it was never asked to end it. */
    public boolean runLeftOpen(Exchange exchange) {
        RetrainState state = state(exchange);
        return state.mlflowRunId != null && !state.mlflowEndSent;
    }

    /** Ends a run whose recording failed part way as FAILED: its record is incomplete. */
    public void endOpenRun(Exchange exchange) {
        RetrainState state = state(exchange);
        state.mlflowEndSent = true;
        call(exchange, OutboundCall.external("POST", mlflow().url("runs/update"),
                MlflowTracking.endRun(state.mlflowRunId, false, clock.millis()), "MLFLOW_RUN_ENDED",
                state.resource(), MLFLOW_RETRY));
    }

    /** Not even the end went through: the output says the run stays RUNNING in MLflow. */
    public void openRunNotEnded(Exchange exchange) {
        RetrainState state = state(exchange);
        state.mlflowError = state.mlflowError + "; MLflow run " + state.mlflowRunId
                + " could not be ended and stays RUNNING: " + caught(exchange).getMessage();
    }

    private String trackingUri() {
        return settings.get("mlflow.tracking-uri", "");
    }

    private MlflowTracking mlflow() {
        return new MlflowTracking(trackingUri());
    }

    private String experimentName(RetrainState state) {
        String own = state.payload.mlflowExperiment();
        return own != null ? own : settings.get("mlflow.experiment", "cognigy-nlp-retraining");
    }

    private static Throwable failure(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return failure != null ? failure : exchange.getException();
    }

    private static String requireId(String id, String field, String endpoint) {
        if (id == null || id.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "MLflow " + endpoint + " answered without " + field);
        }
        return id;
    }
}
