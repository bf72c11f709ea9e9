package dev.cognigyops.nlpretrain;

import java.util.Map;

import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.Trigger;

/**
 * A retrain run as {@link MlflowRecorder} records it in MLflow: seeds' {@link NlpRetrainRun} and profile
 * cognigy-v2's {@link RetrainV2Run} are recorded by the same steps (route {@code nlp-retrain-record-mlflow}).
 * Each run says what it records (tags, metrics, params) and takes MLflow's answers back as its next value.
 * Its phases include {@code MLFLOW_RUN_CREATED} and {@code MLFLOW_RECORDED}, which the route's filters name.
 */
public interface MlflowRecordable extends OperationState {

    /** The run's record in MLflow so far. */
    NlpRetrainRun.Mlflow mlflow();

    /** Has the run not yet reached {@code phase} (a name of its own Phase)? */
    boolean isBefore(String phase);

    /** There is something to record: the training was started on Cognigy (a job, a task). */
    boolean startedTraining();

    /** The retrain did all it should: MLflow's run ends FINISHED, else FAILED. */
    boolean succeeded();

    /** The run's start (epoch ms), the MLflow run's start time. */
    long startedAtMs();

    /** The MLflow run's name. */
    String mlflowRunName();

    /** The MLflow run's tags (null values are left out). */
    Map<String, String> mlflowTags(Trigger trigger);

    /** The metrics logged (at one timestamp, step 0). */
    Map<String, Double> mlflowMetrics();

    /** The params logged. */
    Map<String, String> mlflowParams();

    /** The details of an audit event of this run about MLflow, e.g. {@code event_type: mlflow_sync_failed}. */
    Map<String, Object> mlflowEvent(String eventType);

    /** The next value with this MLflow record, in the same phase. */
    MlflowRecordable withMlflowRecord(NlpRetrainRun.Mlflow record);

    /** The next value: MLflow created the run (phase MLFLOW_RUN_CREATED). */
    MlflowRecordable mlflowRunCreated(NlpRetrainRun.Mlflow record);

    /** The next value: the recording is over, recorded or failed (phase MLFLOW_RECORDED). */
    MlflowRecordable mlflowRecorded(NlpRetrainRun.Mlflow record);

    /**
     * For the route's filter: the previous recorded run (by {@link #previousRunFilter()}) is looked up before
     * this run is created in MLflow, for a delta. Seeds compare with a baseline version instead: false.
     */
    default boolean comparesWithPreviousMlflowRun() {
        return false;
    }

    /** The MLflow search filter that finds earlier runs to compare with (runs/search), when {@link #comparesWithPreviousMlflowRun()}. */
    default String previousRunFilter() {
        throw new UnsupportedOperationException("this run is not compared with a previous MLflow run");
    }

    /** The metric of the previous run compared with. */
    default String previousRunMetric() {
        throw new UnsupportedOperationException("this run is not compared with a previous MLflow run");
    }

    /** The next value, knowing the previous run ({@code runId} null: MLflow has none) and its metric's value. */
    default MlflowRecordable withPreviousMlflowRun(String runId, Double value) {
        throw new UnsupportedOperationException("this run is not compared with a previous MLflow run");
    }
}
