package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Trigger;

/**
 * Everything one nlp-retrain run on profile cognigy-v2 knows, as one value (written as JSON and read back
 * equal): what was asked, how far it got ({@link Phase}), and what Cognigy and MLflow gave back. Each step of
 * {@code direct:nlp-retrain-v2} that learns or changes something returns the next value, which is
 * checkpointed; a run restored from one goes on from its phase. A run that failed keeps its
 * {@link #failure()} and skips to MLflow and its end, where the failure becomes the result.
 *
 * <p>Phases in order: STARTED; TRAIN_POSTING (the train POST is about to be sent — a run resumed here reads
 * the project's tasks back before any other POST); TRAIN_UNCERTAIN (the POST failed with its effect unknown:
 * read back); TRAINING (the task is known, waited for); TASK_DONE; REPORT_READ; GATE_DECIDED;
 * MLFLOW_RUN_CREATED; MLFLOW_RECORDED; FINISHED.
 *
 * @param postingAtMs    when the last train POST was about to be sent (epoch ms): read-backs look for tasks since
 * @param trainPosts     train POSTs sent (at most {@link NlpRetrainV2#MAX_TRAIN_POSTS})
 * @param taskDeadlineMs the task is waited for until then (the POST + cognigy.v2.nlp-retrain.task-deadline-seconds)
 * @param task           the task as last read
 * @param latencySeconds the train POST to the task's end, once done
 * @param previous       the previous recorded MLflow run of the flow (null: not looked up, or MLflow off)
 * @param fScoreDelta    fScore minus the previous run's f_score, when both are known
 */
public record RetrainV2Run(Phase phase, String runId, RetrainV2Request asked, long startedAtMs, Long postingAtMs,
                           int trainPosts, String taskId, Long taskDeadlineMs, TaskSeen task, Double latencySeconds,
                           FeedbackReport report, QualityGate.Verdict verdict, PreviousRun previous, Double fScoreDelta,
                           NlpRetrainRun.Mlflow mlflow, NlpRetrainRun.Failure failure) implements MlflowRecordable {

    public enum Phase {
        STARTED, TRAIN_POSTING, TRAIN_UNCERTAIN, TRAINING, TASK_DONE, REPORT_READ, GATE_DECIDED,
        MLFLOW_RUN_CREATED, MLFLOW_RECORDED, FINISHED
    }

    /** The training task as last read. */
    public record TaskSeen(String status, String name, long currentStep, long totalStep, String failReason) {
    }

    /** The previous recorded run of the same flow in MLflow: its id (null when there is none) and f_score. */
    public record PreviousRun(String runId, Double fScore) {
    }

    static RetrainV2Run start(String runId, RetrainV2Request asked, long nowMs, String experiment) {
        return new RetrainV2Run(Phase.STARTED, runId, asked, nowMs, null, 0, null, null, null, null, null, null, null, null,
                NlpRetrainRun.Mlflow.skipped(experiment), null);
    }

    // ---- for the route's filters

    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    public boolean isAt(String phase) {
        return this.phase == Phase.valueOf(phase);
    }

    /** Nothing has ended the retrain early. */
    public boolean goesOn() {
        return failure == null;
    }

    /** The training task is not known yet: the POST is due, or its effect is to be read back. */
    public boolean trainingPending() {
        return failure == null && isBefore(Phase.TRAINING.name());
    }

    // ---- OperationState

    @Override
    public Map<String, String> pathValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("projectId", asked.projectId());
        values.put("flowId", asked.flowId());
        if (taskId != null) {
            values.put("taskId", taskId);
        }
        if (mlflow.experiment() != null) {
            values.put("experimentName", mlflow.experiment());
        }
        return values;
    }

    @Override
    public String resource() {
        return "flow:" + asked.projectId() + ":" + asked.flowId() + (taskId == null ? "" : ":task:" + taskId);
    }

    @Override
    public boolean pollDone() {
        return failure != null || !isBefore(Phase.TASK_DONE.name());
    }

    @Override
    public String pollStatus() {
        return task == null ? "training task " + taskId + " not read yet" : "training task " + taskId + " is " + task.status()
                + (task.totalStep() > 0 ? " (step " + task.currentStep() + " of " + task.totalStep() + ")" : "");
    }

    /** Reads while TRAINING only learn; the run store keeps them at most every cognigy.store.reads-checkpoint-seconds. */
    @Override
    public boolean onlyReadsSince(OperationState saved) {
        return saved instanceof RetrainV2Run before && before.phase == Phase.TRAINING && phase == Phase.TRAINING
                && failure == null;
    }

    // ---- as MLflow records it (MlflowRecorder)

    @Override
    public boolean startedTraining() {
        return taskId != null;
    }

    @Override
    public boolean succeeded() {
        return failure == null && verdict != null && verdict.passed();
    }

    @Override
    public String mlflowRunName() {
        return "train-" + asked.flowId() + "-" + taskId;
    }

    /** The project, flow, locale, mode, task, its status, the gate, the trigger and the run. */
    @Override
    public Map<String, String> mlflowTags(Trigger trigger) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("project_id", asked.projectId());
        tags.put("flow_id", asked.flowId());
        tags.put("flow_name", report == null ? null : report.flowName());
        tags.put("locale_id", asked.localeId());
        tags.put("mode", asked.mode());
        tags.put("task_id", taskId);
        tags.put("status", task == null ? null : task.status());
        tags.put("gate", verdict == null ? null : verdict.label());
        tags.put("retrain_trigger", trigger == Trigger.SCHEDULE ? "automated" : "manual");
        tags.put("previous_run_id", previous == null ? null : previous.runId());
        tags.put("cognigy_ops_run_id", runId);
        return tags;
    }

    /** f_score, poor_intents, training_latency_seconds, and f_score_delta when the flow has a previous run. */
    @Override
    public Map<String, Double> mlflowMetrics() {
        Map<String, Double> values = new LinkedHashMap<>();
        if (report != null) {
            values.put("f_score", report.fScore());
            values.put("poor_intents", (double) report.poorIntents().size());
        }
        if (latencySeconds != null) {
            values.put("training_latency_seconds", latencySeconds);
        }
        if (fScoreDelta != null) {
            values.put("f_score_delta", fScoreDelta);
        }
        return values;
    }

    @Override
    public Map<String, String> mlflowParams() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("mode", asked.mode());
        params.put("locale_id", asked.localeId());
        params.put("gate_min_f_score", BigDecimal.valueOf(asked.gate().minFScore()).toPlainString());
        params.put("gate_max_poor_intents", Long.toString(asked.gate().maxPoorIntents()));
        return params;
    }

    @Override
    public Map<String, Object> mlflowEvent(String eventType) {
        return event(eventType);
    }

    /** The audit details of this run's events: event_type, project_id, flow_id, locale_id, task_id. */
    Map<String, Object> event(String eventType) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("event_type", eventType);
        details.put("project_id", asked.projectId());
        details.put("flow_id", asked.flowId());
        details.put("locale_id", asked.localeId());
        details.put("task_id", taskId);
        return details;
    }

    @Override
    public RetrainV2Run withMlflowRecord(NlpRetrainRun.Mlflow record) {
        return withMlflow(phase, record);
    }

    @Override
    public RetrainV2Run mlflowRunCreated(NlpRetrainRun.Mlflow record) {
        return withMlflow(Phase.MLFLOW_RUN_CREATED, record);
    }

    @Override
    public RetrainV2Run mlflowRecorded(NlpRetrainRun.Mlflow record) {
        return withMlflow(Phase.MLFLOW_RECORDED, record);
    }

    /** Once the report's F-score is known (a task that failed has none to compare). */
    @Override
    public boolean comparesWithPreviousMlflowRun() {
        return report != null && previous == null;
    }

    /** Earlier runs of the same flow that recorded an F-score. */
    @Override
    public String previousRunFilter() {
        // flowId is checked against RetrainV2Request.ID: no quote can break out of the string
        return "tags.flow_id = '" + asked.flowId() + "' and metrics.f_score >= 0";
    }

    @Override
    public String previousRunMetric() {
        return "f_score";
    }

    @Override
    public RetrainV2Run withPreviousMlflowRun(String previousRunId, Double previousFScore) {
        Double delta = previousFScore == null || report == null ? null
                : BigDecimal.valueOf(report.fScore()).subtract(BigDecimal.valueOf(previousFScore)).doubleValue();
        return new RetrainV2Run(phase, runId, asked, startedAtMs, postingAtMs, trainPosts, taskId, taskDeadlineMs, task,
                latencySeconds, report, verdict, new PreviousRun(previousRunId, previousFScore), delta, mlflow, failure);
    }

    // ---- the next values

    RetrainV2Run at(Phase next) {
        return new RetrainV2Run(next, runId, asked, startedAtMs, postingAtMs, trainPosts, taskId, taskDeadlineMs, task,
                latencySeconds, report, verdict, previous, fScoreDelta, mlflow, failure);
    }

    /** Going on from a saved state: a train POST that was about to be sent may have been; read back first. */
    RetrainV2Run resumed() {
        return phase == Phase.TRAIN_POSTING ? at(Phase.TRAIN_UNCERTAIN) : this;
    }

    RetrainV2Run posting(long nowMs) {
        return new RetrainV2Run(Phase.TRAIN_POSTING, runId, asked, startedAtMs, nowMs, trainPosts + 1, taskId, taskDeadlineMs,
                task, latencySeconds, report, verdict, previous, fScoreDelta, mlflow, failure);
    }

    RetrainV2Run training(String id, long deadlineMs) {
        return new RetrainV2Run(Phase.TRAINING, runId, asked, startedAtMs, postingAtMs, trainPosts, id, deadlineMs, task,
                latencySeconds, report, verdict, previous, fScoreDelta, mlflow, failure);
    }

    RetrainV2Run taskSeen(Phase next, TaskSeen seen, Double latency) {
        return new RetrainV2Run(next, runId, asked, startedAtMs, postingAtMs, trainPosts, taskId, taskDeadlineMs, seen,
                latency, report, verdict, previous, fScoreDelta, mlflow, failure);
    }

    RetrainV2Run withReport(FeedbackReport read) {
        return new RetrainV2Run(Phase.REPORT_READ, runId, asked, startedAtMs, postingAtMs, trainPosts, taskId, taskDeadlineMs,
                task, latencySeconds, read, verdict, previous, fScoreDelta, mlflow, failure);
    }

    RetrainV2Run withVerdict(QualityGate.Verdict decided) {
        return new RetrainV2Run(Phase.GATE_DECIDED, runId, asked, startedAtMs, postingAtMs, trainPosts, taskId, taskDeadlineMs,
                task, latencySeconds, report, decided, previous, fScoreDelta, mlflow, failure);
    }

    RetrainV2Run withMlflow(Phase next, NlpRetrainRun.Mlflow record) {
        return new RetrainV2Run(next, runId, asked, startedAtMs, postingAtMs, trainPosts, taskId, taskDeadlineMs, task,
                latencySeconds, report, verdict, previous, fScoreDelta, record, failure);
    }

    RetrainV2Run withFailure(RunFailure stopped) {
        return new RetrainV2Run(phase, runId, asked, startedAtMs, postingAtMs, trainPosts, taskId, taskDeadlineMs, task,
                latencySeconds, report, verdict, previous, fScoreDelta, mlflow, NlpRetrainRun.Failure.of(stopped));
    }
}
