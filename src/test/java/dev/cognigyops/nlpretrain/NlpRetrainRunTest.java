package dev.cognigyops.nlpretrain;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** An nlp-retrain run's state at every phase is written as JSON and read back equal, and says what is done. */
class NlpRetrainRunTest {

    static NlpRetrainRun started() throws Exception {
        return new NlpRetrainRun(NlpRetrainRun.Phase.STARTED, "run-1", Json.parse(RetrainStubs.payload(
                ",\"baselineVersionId\":\"" + RetrainStubs.BASELINE + "\",\"rollbackTriggerVersionId\":\""
                        + RetrainStubs.ROLLBACK_TO + "\",\"gate\":{\"tolerance\":0.05,\"maxBiasScore\":0.15}")),
                "ab".repeat(32), "5f0c7c1e-2f1a-4c43-9d7e-0e4b8c1d2a3f", 1_764_000_000_000L, null, null, null, null, null,
                null, false, null, NlpRetrainRun.Mlflow.skipped("cognigy-nlp-retraining"), null);
    }

    static Stream<Arguments> everyPhase() throws Exception {
        NlpRetrainRun started = started();
        NlpRetrainRun submitted = started.withJob(NlpRetrainRun.Phase.SUBMITTED, new NlpRetrainRun.Job(RetrainStubs.JOB,
                RetrainStubs.VERSION, "queued", 1_764_000_001_000L, 1_764_003_721_000L, null));
        NlpRetrainRun running = submitted.withJob(NlpRetrainRun.Phase.SUBMITTED, submitted.job().read("running", null, null));
        NlpRetrainRun finished = running.withJob(NlpRetrainRun.Phase.JOB_FINISHED,
                running.job().read("completed", RetrainStubs.VERSION, 612.25));
        ModelMetrics metrics = ModelMetrics.from(Json.parse("{\"precision\":0.91,\"recall\":0.96,\"f1Score\":0.93,"
                + "\"biasScore\":0.05,\"intentDistribution\":{\"greeting\":0.27,\"booking\":0.73}}"), "v");
        NlpRetrainRun metricsRead = finished.withMetrics(metrics);
        NlpRetrainRun baselineRead = metricsRead.withBaseline(new ModelMetrics(0.96, 0.95, 0.88, 0.04, null), 0.05, null);
        NlpRetrainRun baselineUnreadable = metricsRead.withBaseline(null, null,
                NlpRetrainRun.Failure.of(new RunFailure(ErrorCode.NOT_FOUND, "GET …/v2.4.0/metrics: HTTP 404")));
        NlpRetrainRun decided = baselineRead.withVerdict(QualityGate.judge(metrics, 0.05, 0.15));
        NlpRetrainRun rolledBack = decided.withRollback(NlpRetrainRun.Phase.ROLLED_BACK, true, null);
        NlpRetrainRun rollbackFailed = decided.withRollback(NlpRetrainRun.Phase.ROLLED_BACK, false, "HTTP 409: archived");
        NlpRetrainRun experiment = rolledBack.withMlflow(rolledBack.phase(), rolledBack.mlflow().withExperimentId("42"));
        NlpRetrainRun mlflowRun = experiment.withMlflow(NlpRetrainRun.Phase.MLFLOW_RUN_CREATED,
                experiment.mlflow().withRunId(RetrainStubs.MLFLOW_RUN));
        NlpRetrainRun ending = mlflowRun.withMlflow(mlflowRun.phase(), mlflowRun.mlflow().markEndSent());
        NlpRetrainRun recorded = ending.withMlflow(NlpRetrainRun.Phase.MLFLOW_RECORDED, ending.mlflow().ended("RECORDED", null));
        NlpRetrainRun mlflowFailed = mlflowRun.withMlflow(NlpRetrainRun.Phase.MLFLOW_RECORDED,
                mlflowRun.mlflow().ended("FAILED", "POST /api/2.0/mlflow/runs/log-batch: HTTP 400"));
        NlpRetrainRun jobFailed = running.withJob(NlpRetrainRun.Phase.JOB_FINISHED, running.job().read("rolled_back", null, 9.5))
                .withRollback(NlpRetrainRun.Phase.JOB_FINISHED, true, null)
                .withFailure(new RunFailure(ErrorCode.JOB_FAILED, "training job job_98765 ended rolled_back"));
        NlpRetrainRun end = recorded.at(NlpRetrainRun.Phase.FINISHED);
        return Stream.of(started, submitted, running, finished, metricsRead, baselineRead, baselineUnreadable, decided,
                rolledBack, rollbackFailed, experiment, mlflowRun, ending, recorded, mlflowFailed, jobFailed, end)
                .map(s -> arguments(s));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void isSavedAndRestoredWithoutLoss(NlpRetrainRun state) throws Exception {
        String saved = Json.write(state);

        NlpRetrainRun restored = Json.MAPPER.readValue(saved, NlpRetrainRun.class);

        assertThat(restored).isEqualTo(state);
        assertThat(Json.write(restored)).isEqualTo(saved);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void aPhaseSaysWhatIsDone(NlpRetrainRun state) {
        assertThat(state.isBefore("STARTED")).isFalse();
        assertThat(state.pollDone()).isEqualTo(!state.isBefore("JOB_FINISHED") || state.failure() != null);
        assertThat(state.goesOn()).isEqualTo(state.failure() == null);
        assertThat(state.pathValues()).containsEntry("modelId", RetrainStubs.MODEL)
                .containsEntry("experimentName", "cognigy-nlp-retraining");
        // the X-Request-Id goes with the submit only: no later call may be taken for it
        assertThat(state.callHeaders()).isEqualTo(state.isBefore("SUBMITTED")
                ? java.util.Map.of("X-Request-Id", "5f0c7c1e-2f1a-4c43-9d7e-0e4b8c1d2a3f") : java.util.Map.of());
        assertThat(state.resource()).startsWith("nlp:" + RetrainStubs.MODEL);
    }

    @org.junit.jupiter.api.Test
    void theMetricsReadAreTheNewVersionsThenTheBaselines() throws Exception {
        List<NlpRetrainRun> states = everyPhase().map(a -> (NlpRetrainRun) a.get()[0]).toList();
        NlpRetrainRun finished = states.get(3);
        NlpRetrainRun metricsRead = states.get(4);

        assertThat(states.get(0).pathValues()).doesNotContainKeys("jobId", "versionId");
        assertThat(finished.pathValues()).containsEntry("jobId", RetrainStubs.JOB).containsEntry("versionId", RetrainStubs.VERSION);
        assertThat(metricsRead.pathValues()).containsEntry("versionId", RetrainStubs.BASELINE);
        assertThat(finished.resource()).isEqualTo("nlp:" + RetrainStubs.MODEL + ":" + RetrainStubs.VERSION);
        assertThat(metricsRead.resource()).as("the baseline's read is audited under the baseline, as before")
                .isEqualTo("nlp:" + RetrainStubs.MODEL + ":" + RetrainStubs.BASELINE);
        assertThat(metricsRead.rollbackDue()).isFalse();
        assertThat(states.get(7).rollbackDue()).as("the gate failed (precision 0.91), a version to roll back to is given")
                .isTrue();
        assertThat(states.get(8).rollbackDue()).as("rolled back already").isFalse();
    }
}
