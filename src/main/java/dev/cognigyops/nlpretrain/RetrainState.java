package dev.cognigyops.nlpretrain;

import java.time.Instant;

import dev.cognigyops.runs.RunFailure;

/** One nlp-retrain run's progress, kept as the exchange property {@value #PROPERTY}. */
final class RetrainState {

    static final String PROPERTY = "nlpRetrain";

    final RetrainPayload payload;
    final String payloadHash;
    /** Sent as X-Request-Id with the submit, and with its retries. */
    final String submitRequestId;
    final Instant startedAt;

    Instant submittedAt;
    Instant pollDeadline;
    String jobId;
    String modelVersionId;
    String jobStatus;
    Double latencySeconds;
    ModelMetrics metrics;
    ModelMetrics baselineMetrics;
    Double accuracyDelta;
    QualityGate.Verdict verdict;
    boolean rollbackTriggered;
    String rollbackError;
    /** The baseline's metrics could not be read; the gate still ran, and the run fails with this. */
    RunFailure baselineFailure;
    /** What ended the retrain before its end, if anything; thrown once MLflow has the record. */
    RunFailure failure;

    String experimentId;
    String mlflowRunId;
    /** runs/update was sent for this run (whatever its answer), so it is never ended twice. */
    boolean mlflowEndSent;
    String mlflowStatus = "SKIPPED";
    String mlflowError;

    RetrainState(RetrainPayload payload, String payloadHash, String submitRequestId, Instant startedAt) {
        this.payload = payload;
        this.payloadHash = payloadHash;
        this.submitRequestId = submitRequestId;
        this.startedAt = startedAt;
    }

    String resource() {
        return "nlp:" + payload.modelId() + (modelVersionId == null ? "" : ":" + modelVersionId);
    }

    /** The retrain did all it should: the job completed, its version passed the gate, a baseline was compared. */
    boolean succeeded() {
        return failure == null && baselineFailure == null && verdict != null && verdict.passed();
    }
}
