package dev.cognigyops.nlpretrain;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * Cognigy's and MLflow's side of an nlp-retrain, as WireMock stubs: model {@link #MODEL}, job
 * {@link #JOB} training version {@link #VERSION}; MLflow experiment 42, run {@link #MLFLOW_RUN}.
 */
public final class RetrainStubs {

    public static final String MODEL = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
    public static final String ROLLBACK_TO = "b2c3d4e5-f6a7-8901-bcde-f12345678901";
    public static final String JOB = "job_98765";
    public static final String VERSION = "v2.4.1";
    public static final String BASELINE = "v2.4.0";
    public static final String JOBS_PATH = "/api/v2/ai/nlp/training/jobs";
    public static final String JOB_PATH = JOBS_PATH + "/" + JOB;
    public static final String METRICS_PATH = "/api/v2/ai/nlp/models/" + MODEL + "/versions/" + VERSION + "/metrics";
    public static final String BASELINE_METRICS_PATH = "/api/v2/ai/nlp/models/" + MODEL + "/versions/" + BASELINE + "/metrics";
    public static final String ROLLBACK_PATH = "/api/v2/ai/nlp/models/" + MODEL + "/rollback";
    public static final String MLFLOW = "/api/2.0/mlflow/";
    public static final String MLFLOW_RUN = "0f3e5b8c9d2a4e1f8a7b6c5d4e3f2a1b";
    public static final String EXPERIMENT = "cognigy-nlp-retraining";

    /** Seed 004's example payload (of fixture nlpretrain/request.json), in one line; {@code extra} (starting with a comma) adds fields. */
    public static String payload(String extra) {
        return withExtra(Json.write(Fixtures.object("nlpretrain/request.json").get("payload")), extra);
    }

    /** A run request with seed 004's example payload, in one line; {@code extra} (starting with a comma) adds fields to the payload. */
    public static String request(String requestId, String extra) {
        return Fixtures.runRequest(Fixtures.object("nlpretrain/request.json"), requestId, extra);
    }

    /** {@code extra} (empty, or fields starting with a comma) inserted as text before the object's closing brace. */
    private static String withExtra(String object, String extra) {
        return object.substring(0, object.length() - 1) + extra + "}";
    }

    private final WireMockServer cognigy;
    private final WireMockServer mlflow;

    public RetrainStubs(WireMockServer cognigy, WireMockServer mlflow) {
        this.cognigy = cognigy;
        this.mlflow = mlflow;
    }

    public void submitAccepted() {
        cognigy.stubFor(post(JOBS_PATH).willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody(job("queued", ""))));
    }

    /** queued, running, then {@code finalStatus} on successive reads. */
    public void jobEnds(String finalStatus, String extra) {
        cognigy.stubFor(get(JOB_PATH).inScenario("job").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(job("queued", ""))).willSetStateTo("running"));
        cognigy.stubFor(get(JOB_PATH).inScenario("job").whenScenarioStateIs("running")
                .willReturn(okJson(job("running", ""))).willSetStateTo("done"));
        cognigy.stubFor(get(JOB_PATH).inScenario("job").whenScenarioStateIs("done")
                .willReturn(okJson(job(finalStatus, extra))));
    }

    /** Training job {@value #JOB} (fixture nlpretrain/training-job.json) in {@code status}; {@code extra} (starting with a comma) adds fields. */
    private static String job(String status, String extra) {
        return withExtra(Json.write(Fixtures.object("nlpretrain/training-job.json").put("status", status)), extra);
    }

    public void metrics(String path, double precision, double recall, double f1, double bias) {
        cognigy.stubFor(get(urlPathEqualTo(path))
                .withQueryParam("include_bias_detection", equalTo("true"))
                .withQueryParam("include_precision_recall", equalTo("true"))
                .willReturn(okJson(Json.write(Fixtures.object("nlpretrain/version-metrics.json").put("precision", precision)
                        .put("recall", recall).put("f1Score", f1).put("biasScore", bias)))));
    }

    public void rollbackAccepted() {
        cognigy.stubFor(post(ROLLBACK_PATH).willReturn(okJson(Fixtures.json("nlpretrain/rollback-accepted.json"))));
    }

    /** The job completes with a version that passes the default gate (F1 0.93). */
    public void happyPath() {
        submitAccepted();
        jobEnds("completed", "");
        metrics(METRICS_PATH, 0.97, 0.96, 0.93, 0.05);
    }

    /** MLflow: the experiment does not exist until it is created; then runs are created, logged and ended. */
    public void mlflowTracking() {
        mlflow.stubFor(get(urlPathEqualTo(MLFLOW + "experiments/get-by-name")).inScenario("experiment")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                        .withBody(Fixtures.json("nlpretrain/mlflow-experiment-not-found.json"))));
        mlflow.stubFor(post(MLFLOW + "experiments/create").inScenario("experiment")
                .willReturn(okJson(Fixtures.json("nlpretrain/mlflow-experiment-created.json"))).willSetStateTo("exists"));
        mlflow.stubFor(get(urlPathEqualTo(MLFLOW + "experiments/get-by-name")).inScenario("experiment")
                .whenScenarioStateIs("exists")
                .willReturn(okJson(Fixtures.json("nlpretrain/mlflow-experiment.json"))));
        mlflow.stubFor(post(MLFLOW + "runs/create").willReturn(okJson(Fixtures.json("nlpretrain/mlflow-run-created.json"))));
        mlflow.stubFor(post(MLFLOW + "runs/log-batch").willReturn(okJson("{}")));
        mlflow.stubFor(post(MLFLOW + "runs/update").willReturn(okJson(Fixtures.json("nlpretrain/mlflow-run-updated.json"))));
    }
}
