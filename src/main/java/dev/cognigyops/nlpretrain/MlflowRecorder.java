package dev.cognigyops.nlpretrain;

import java.time.Clock;
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
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.Settings;

/**
 * Records an nlp-retrain run in MLflow (REST API 2.0 at {@code mlflow.tracking-uri}, docs/contract.md#calls-out):
 * find or create the experiment, create the run with its tags, log metrics and params, end it
 * FINISHED or FAILED. The route {@code nlp-retrain-record-mlflow} makes the calls (through
 * {@code kamelet:mlflow-call}); each public method here is a request body, an answer's outcome or a
 * decision on the run's state, a {@link MlflowRecordable} (seeds' {@link NlpRetrainRun}, cognigy-v2's
 * {@link RetrainV2Run}, which also looks up the previous run of its flow for a delta). A failure is audited and shown in the output, never
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

    /** Filter: MLflow is set up, there is a training to record, and it is not recorded yet. */
    public boolean recordsInMlflow(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return settings.get("mlflow.tracking-uri").isPresent() && run.startedTraining()
                && run.isBefore(NlpRetrainRun.Phase.MLFLOW_RECORDED.name());
    }

    /** The experiment's id, from a get-by-name or a create answer. */
    public MlflowRecordable experimentFound(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run, @Body JsonNode answer) {
        String id = requireId(MlflowTracking.experimentId(answer), "experiment_id", "experiments/get-by-name or create");
        return run.withMlflowRecord(run.mlflow().withExperimentId(id));
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

    public JsonNode createExperimentRequest(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return MlflowTracking.createExperiment(run.mlflow().experiment());
    }

    /** runs/search: the latest earlier run of the experiment the run's filter finds (cognigy-v2: the same flow). */
    public JsonNode previousRunRequest(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return MlflowTracking.searchLatestRun(run.mlflow().experimentId(), run.previousRunFilter());
    }

    /** runs/search's answer: the previous run and its metric, or none. */
    public MlflowRecordable previousRunFound(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run, @Body JsonNode answer) {
        MlflowTracking.Metric previous = MlflowTracking.latestMetric(answer, run.previousRunMetric());
        return previous == null ? run.withPreviousMlflowRun(null, null)
                : run.withPreviousMlflowRun(previous.runId(), previous.value());
    }

    /** runs/create: the run, with the tags the run names. */
    public JsonNode runRequest(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run,
                               @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        return MlflowTracking.createRun(run.mlflow().experimentId(), run.mlflowRunName(), run.startedAtMs(),
                run.mlflowTags(context.trigger()));
    }

    /** runs/create's answer: MLflow's run id (never invented). */
    public MlflowRecordable runCreated(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run, @Body JsonNode answer) {
        String id = requireId(MlflowTracking.runId(answer), "run.info.run_id", "runs/create");
        return run.mlflowRunCreated(run.mlflow().withRunId(id));
    }

    /** runs/log-batch: the run's metrics and params. */
    public JsonNode logBatchRequest(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return MlflowTracking.logBatch(run.mlflow().runId(), run.mlflowMetrics(), clock.millis(), run.mlflowParams());
    }

    /** Before runs/update: it is being sent, so whatever its answer the run is never ended twice. */
    public MlflowRecordable endingRun(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return run.withMlflowRecord(run.mlflow().markEndSent());
    }

    /** runs/update: FINISHED when the retrain did all it should, else FAILED. */
    public JsonNode endRunRequest(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return MlflowTracking.endRun(run.mlflow().runId(), run.succeeded(), clock.millis());
    }

    public MlflowRecordable recorded(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return run.mlflowRecorded(run.mlflow().ended("RECORDED", null));
    }

    /** MLflow down or refusing: the retrain's result stands; the failure is audited and shown in the output. */
    public MlflowRecordable mlflowFailed(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run, Exception failure,
                                         @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                         @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                         @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        String error = Caught.describe(failure, call, attempt).getMessage();
        MlflowRecordable failed = run.mlflowRecorded(run.mlflow().ended("FAILED", error));
        Map<String, Object> details = failed.mlflowEvent("mlflow_sync_failed");
        details.put("error", error);
        details.put("mlflow_run_id", failed.mlflow().runId());
        audit.record(context, "MLFLOW_SYNC_FAILED", "FAILURE", failed.resource(), details);
        return failed;
    }

    /** Filter after a failure: MLflow created the run, but it was never asked to end it. */
    public boolean runLeftOpen(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return run.mlflow().runId() != null && !run.mlflow().endSent();
    }

    /** runs/update for a run whose recording failed part way: FAILED, its record is incomplete. */
    public JsonNode endOpenRunRequest(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run) {
        return MlflowTracking.endRun(run.mlflow().runId(), false, clock.millis());
    }

    /** Not even the end went through: the output says the run stays RUNNING in MLflow. */
    public MlflowRecordable openRunNotEnded(@ExchangeProperty(OperationState.PROPERTY) MlflowRecordable run, Exception failure,
                                            @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                            @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt) {
        NlpRetrainRun.Mlflow record = run.mlflow();
        return run.withMlflowRecord(record.ended(record.status(), record.error() + "; MLflow run " + record.runId()
                + " could not be ended and stays RUNNING: " + Caught.describe(failure, call, attempt).getMessage()));
    }

    private static String requireId(String id, String field, String endpoint) {
        if (id == null || id.isBlank()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "MLflow " + endpoint + " answered without " + field);
        }
        return id;
    }
}
