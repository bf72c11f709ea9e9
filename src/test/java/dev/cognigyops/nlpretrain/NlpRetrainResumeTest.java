package dev.cognigyops.nlpretrain;


import com.fasterxml.jackson.databind.JsonNode;



import org.junit.jupiter.api.Test;


import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.cognigyops.nlpretrain.RetrainStubs.JOB;
import static dev.cognigyops.nlpretrain.RetrainStubs.JOBS_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.JOB_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.METRICS_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.MLFLOW;
import static dev.cognigyops.nlpretrain.RetrainStubs.MLFLOW_RUN;
import static dev.cognigyops.nlpretrain.RetrainStubs.VERSION;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run entered with a saved state goes on from its phase: a retrain whose job was already submitted
 * (phase SUBMITTED, its jobId recorded) polls that job, judges the gate and records MLflow, and
 * submits no second job.
 */
class NlpRetrainResumeTest extends RetrainAppTest {



    @Test
    void aRetrainWhoseJobWasSubmittedPollsThatJobAndSubmitsNoOther() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        long submittedAt = System.currentTimeMillis() - 60_000;
        NlpRetrainRun saved = new NlpRetrainRun(NlpRetrainRun.Phase.SUBMITTED, "resumed-1", Json.parse(RetrainStubs.payload("")),
                "ab".repeat(32), "7d2b1f4e-9c3a-4e5f-8a6b-1c2d3e4f5a6b", submittedAt - 1_000,
                new NlpRetrainRun.Job(JOB, VERSION, "queued", submittedAt, submittedAt + 3_720_000, null), null, null, null,
                null, null, false, null, NlpRetrainRun.Mlflow.skipped(RetrainStubs.EXPERIMENT), null);

        JsonNode result = runFrom(saved, RetrainStubs.request("resumed-1", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("jobId").asText()).isEqualTo(JOB);
        assertThat(out.path("gate").asText()).isEqualTo("PASSED");
        assertThat(out.path("mlflowRunId").asText()).isEqualTo(MLFLOW_RUN);
        assertThat(out.path("payloadHash").asText()).as("the saved run's own").isEqualTo("ab".repeat(32));
        assertThat(out.path("trainingLatencySeconds").asDouble()).as("from the saved submit").isGreaterThanOrEqualTo(60.0);
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(JOBS_PATH)));
        cognigy.verify(moreThanOrExactly(3), getRequestedFor(urlEqualTo(JOB_PATH)));
        cognigy.verify(exactly(1), getRequestedFor(urlPathEqualTo(METRICS_PATH))
                .withQueryParam("include_bias_detection", equalTo("true")));
        mlflow.verify(exactly(1), postRequestedFor(urlEqualTo(MLFLOW + "runs/create")));
        mlflow.verify(exactly(1), postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"run_id\":\"" + MLFLOW_RUN + "\",\"status\":\"FINISHED\"}", true, true)));
        assertThat(auditActions("resumed-1")).doesNotContain("TRAINING_JOB_SUBMITTED", "RETRAIN_INITIATED")
                .containsSubsequence("TRAINING_JOB_STATUS", "RETRAIN_COMPLETED", "MODEL_METRICS_READ", "VALIDATION_PASSED",
                        "MLFLOW_RUN_CREATED", "MLFLOW_RUN_ENDED", "RUN_FINISHED");
    }
}
