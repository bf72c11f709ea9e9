package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.runs.Trigger;
import dev.cognigyops.runs.Violations;

/**
 * Everything one nlp-retrain run knows, as one value (written as JSON and read back equal): what was
 * asked, how far it got ({@link Phase}), and what Cognigy and MLflow gave back. Each step of
 * {@code routes/operations/nlp-retrain.camel.yaml} that learns or changes something outside the program returns
 * the next value before the following step starts; a run restored from any of them goes on from its
 * phase without repeating what it records as done. A run that failed keeps its {@link #failure()}
 * and skips to MLflow and its end, where the failure becomes the result.
 *
 * @param payload         the payload as asked (its rules: {@link #asked()})
 * @param requestId       the submit's X-Request-Id: one per run, the same on every retry and after a resume
 * @param startedAtMs     the run's start (epoch ms), the MLflow run's start time
 * @param job             the training job, once submitted
 * @param baselineFailure the baseline's metrics could not be read: the gate still judges; the run fails with it
 * @param verdict         the quality gate's, once decided
 * @param rollbackError   why the rollback a failed gate asked for did not happen
 * @param failure         what ended the retrain early, thrown once MLflow has the record
 */
public record NlpRetrainRun(Phase phase, String runId, JsonNode payload, String payloadHash, String requestId,
                            long startedAtMs, Job job, ModelMetrics metrics, ModelMetrics baselineMetrics,
                            Double accuracyDelta, Failure baselineFailure, QualityGate.Verdict verdict,
                            boolean rollbackTriggered, String rollbackError, Mlflow mlflow, Failure failure)
        implements MlflowRecordable {

    /** The exchange property that holds it (the same for every operation's state). */
    public static final String PROPERTY = OperationState.PROPERTY;

    /** How far a run got; each phase is reached when its step's outcome is recorded. */
    public enum Phase {
        STARTED, SUBMITTED, JOB_FINISHED, METRICS_READ, BASELINE_READ, GATE_DECIDED, ROLLED_BACK,
        MLFLOW_RUN_CREATED, MLFLOW_RECORDED, FINISHED
    }

    /**
     * The training job.
     *
     * @param deadlineMs     polled until then: submitted + the payload's timeoutSeconds + the grace setting
     * @param latencySeconds submitted to finished, once finished
     */
    public record Job(String id, String modelVersionId, String status, long submittedAtMs, long deadlineMs,
                      Double latencySeconds) {

        Job read(String newStatus, String newVersionId, Double latency) {
            return new Job(id, newVersionId == null ? modelVersionId : newVersionId, newStatus, submittedAtMs, deadlineMs,
                    latency);
        }
    }

    /**
     * The run's record in MLflow.
     *
     * @param status     SKIPPED (MLflow not set up, or nothing to record), RECORDED or FAILED
     * @param experiment the experiment's name: the payload's mlflowExperiment, or the setting mlflow.experiment
     * @param endSent    runs/update was sent (whatever its answer), so the run is never ended twice
     */
    public record Mlflow(String status, String experiment, String experimentId, String runId, boolean endSent,
                         String error) {

        static Mlflow skipped(String experiment) {
            return new Mlflow("SKIPPED", experiment, null, null, false, null);
        }

        Mlflow withExperimentId(String id) {
            return new Mlflow(status, experiment, id, runId, endSent, error);
        }

        Mlflow withRunId(String id) {
            return new Mlflow(status, experiment, experimentId, id, endSent, error);
        }

        Mlflow markEndSent() {
            return new Mlflow(status, experiment, experimentId, runId, true, error);
        }

        Mlflow ended(String newStatus, String newError) {
            return new Mlflow(newStatus, experiment, experimentId, runId, endSent, newError);
        }
    }

    /** A failure, as the result will show it. */
    public record Failure(ErrorCode code, RunStatus status, String message) {

        static Failure of(RunFailure failure) {
            return new Failure(failure.code(), failure.status(), failure.getMessage());
        }

        RunFailure raise() {
            return new RunFailure(code, status, message);
        }
    }

    /** For the route's filters: has the run not yet reached {@code phase}? */
    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    /** For the route's filters: nothing has ended the retrain early. */
    public boolean goesOn() {
        return failure == null;
    }

    /** For the route's filters: a baseline version is given to compare F1 with. */
    public boolean hasBaseline() {
        return asked().baselineVersionId() != null;
    }

    /** For the route's filters: the gate failed, a version to roll back to is given, and it was not called yet. */
    public boolean rollbackDue() {
        return goesOn() && verdict != null && !verdict.passed() && asked().rollbackTriggerVersionId() != null
                && isBefore(Phase.ROLLED_BACK.name());
    }

    /** The retrain did all it should: the job completed, its version passed the gate, a baseline was compared. */
    public boolean succeeded() {
        return failure == null && baselineFailure == null && verdict != null && verdict.passed();
    }

    /** The payload, read by its rules (it passed them when the run was accepted). */
    public RetrainPayload asked() {
        RetrainPayload read = RetrainPayloadRules.check(payload, new Violations());
        if (read == null) {
            throw new IllegalStateException("the payload was accepted but no longer passes its rules");
        }
        return read;
    }

    public String jobId() {
        return job == null ? null : job.id();
    }

    public String modelVersionId() {
        return job == null ? null : job.modelVersionId();
    }

    /**
     * {@code modelId}, {@code jobId}, {@code versionId} — the version whose metrics are read next: the
     * new one, then (once its metrics are read) the baseline — and {@code experimentName}, MLflow's.
     */
    @Override
    public Map<String, String> pathValues() {
        RetrainPayload asked = asked();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("modelId", asked.modelId());
        if (jobId() != null) {
            values.put("jobId", jobId());
        }
        String versionId = isBefore(Phase.METRICS_READ.name()) ? modelVersionId() : asked.baselineVersionId();
        if (versionId != null) {
            values.put("versionId", versionId);
        }
        if (mlflow.experiment() != null) {
            values.put("experimentName", mlflow.experiment());
        }
        return values;
    }

    /** The submit's X-Request-Id, on the submit only (and its retries): no other call may be taken for it. */
    @Override
    public Map<String, String> callHeaders() {
        return phase == Phase.STARTED ? Map.of("X-Request-Id", requestId) : Map.of();
    }

    @Override
    public String resource() {
        String modelId = asked().modelId();
        // the one call made between the new version's metrics and the baseline's is about the baseline
        String versionId = phase() == Phase.METRICS_READ && asked().baselineVersionId() != null
                ? asked().baselineVersionId() : modelVersionId();
        return "nlp:" + modelId + (versionId == null ? "" : ":" + versionId);
    }

    @Override
    public boolean pollDone() {
        return failure != null || !isBefore(Phase.JOB_FINISHED.name());
    }

    @Override
    public String pollStatus() {
        return job == null || job.status() == null ? "training job " + jobId() + " not read yet"
                : "training job " + jobId() + " is " + job.status();
    }

    // ---- as MLflow records it (MlflowRecorder)

    @Override
    public boolean startedTraining() {
        return jobId() != null;
    }

    @Override
    public String mlflowRunName() {
        return "retrain-" + jobId();
    }

    /** The model, version, job, payload hash, trigger, status and gate. */
    @Override
    public Map<String, String> mlflowTags(Trigger trigger) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("model_id", asked().modelId());
        tags.put("version_id", modelVersionId());
        tags.put("job_id", jobId());
        tags.put("payload_hash", payloadHash);
        tags.put("retrain_trigger", trigger == Trigger.SCHEDULE ? "automated" : "manual");
        tags.put("status", job.status());
        tags.put("gate", verdict == null ? null : verdict.label());
        tags.put("baseline_version_id", asked().baselineVersionId());
        tags.put("cognigy_ops_run_id", runId);
        return tags;
    }

    /** The training latency, the metrics, the dataset size and accuracyDelta. */
    @Override
    public Map<String, Double> mlflowMetrics() {
        Map<String, Double> values = new LinkedHashMap<>();
        if (job.latencySeconds() != null) {
            values.put("training_latency_seconds", job.latencySeconds());
        }
        if (metrics != null) {
            values.put("precision", metrics.precision());
            values.put("recall", metrics.recall());
            values.put("f1_score", metrics.f1Score());
            values.put("bias_score", metrics.biasScore());
        }
        RetrainPayload p = asked();
        values.put("dataset_size", (double) p.maxDatasetSize());
        if (accuracyDelta != null) {
            values.put("accuracy_delta", accuracyDelta);
        }
        return values;
    }

    /** The payload's params. */
    @Override
    public Map<String, String> mlflowParams() {
        RetrainPayload p = asked();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("convergence_threshold", BigDecimal.valueOf(p.convergenceThreshold()).toPlainString());
        params.put("max_dataset_size", Long.toString(p.maxDatasetSize()));
        params.put("max_gpu_memory", Long.toString(p.computeConstraints().maxGpuMemory()));
        params.put("max_cpu_cores", Long.toString(p.computeConstraints().maxCpuCores()));
        params.put("timeout_seconds", Long.toString(p.computeConstraints().timeoutSeconds()));
        params.put("intents", Integer.toString(p.trainingDataSliceMatrix().size()));
        params.put("gate_tolerance", BigDecimal.valueOf(p.gate().tolerance()).toPlainString());
        params.put("gate_max_bias_score", BigDecimal.valueOf(p.gate().maxBiasScore()).toPlainString());
        return params;
    }

    @Override
    public Map<String, Object> mlflowEvent(String eventType) {
        return NlpRetrain.event(this, eventType);
    }

    @Override
    public NlpRetrainRun withMlflowRecord(Mlflow record) {
        return withMlflow(phase, record);
    }

    @Override
    public NlpRetrainRun mlflowRunCreated(Mlflow record) {
        return withMlflow(Phase.MLFLOW_RUN_CREATED, record);
    }

    @Override
    public NlpRetrainRun mlflowRecorded(Mlflow record) {
        return withMlflow(Phase.MLFLOW_RECORDED, record);
    }

    NlpRetrainRun at(Phase next) {
        return new NlpRetrainRun(next, runId, payload, payloadHash, requestId, startedAtMs, job, metrics, baselineMetrics,
                accuracyDelta, baselineFailure, verdict, rollbackTriggered, rollbackError, mlflow, failure);
    }

    NlpRetrainRun withJob(Phase next, Job newJob) {
        return new NlpRetrainRun(next, runId, payload, payloadHash, requestId, startedAtMs, newJob, metrics, baselineMetrics,
                accuracyDelta, baselineFailure, verdict, rollbackTriggered, rollbackError, mlflow, failure);
    }

    NlpRetrainRun withMetrics(ModelMetrics read) {
        return new NlpRetrainRun(Phase.METRICS_READ, runId, payload, payloadHash, requestId, startedAtMs, job, read,
                baselineMetrics, accuracyDelta, baselineFailure, verdict, rollbackTriggered, rollbackError, mlflow, failure);
    }

    NlpRetrainRun withBaseline(ModelMetrics read, Double delta, Failure unreadable) {
        return new NlpRetrainRun(Phase.BASELINE_READ, runId, payload, payloadHash, requestId, startedAtMs, job, metrics,
                read, delta, unreadable, verdict, rollbackTriggered, rollbackError, mlflow, failure);
    }

    NlpRetrainRun withVerdict(QualityGate.Verdict decided) {
        return new NlpRetrainRun(Phase.GATE_DECIDED, runId, payload, payloadHash, requestId, startedAtMs, job, metrics,
                baselineMetrics, accuracyDelta, baselineFailure, decided, rollbackTriggered, rollbackError, mlflow, failure);
    }

    NlpRetrainRun withRollback(Phase next, boolean triggered, String error) {
        return new NlpRetrainRun(next, runId, payload, payloadHash, requestId, startedAtMs, job, metrics, baselineMetrics,
                accuracyDelta, baselineFailure, verdict, triggered, error, mlflow, failure);
    }

    NlpRetrainRun withMlflow(Phase next, Mlflow record) {
        return new NlpRetrainRun(next, runId, payload, payloadHash, requestId, startedAtMs, job, metrics, baselineMetrics,
                accuracyDelta, baselineFailure, verdict, rollbackTriggered, rollbackError, record, failure);
    }

    NlpRetrainRun withFailure(RunFailure stopped) {
        return new NlpRetrainRun(phase, runId, payload, payloadHash, requestId, startedAtMs, job, metrics, baselineMetrics,
                accuracyDelta, baselineFailure, verdict, rollbackTriggered, rollbackError, mlflow, Failure.of(stopped));
    }
}
