package dev.cognigyops.nlpretrain;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static dev.cognigyops.nlpretrain.RetrainStubs.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code mlflow.tracking-uri} blank a retrain runs as usual and MLflow is skipped; and the poll
 * stops at the payload's timeoutSeconds plus the grace (here made 2 s in all, by a grace of −298 s).
 */
class NlpRetrainWithoutMlflowTest extends AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("mlflow.tracking-uri", "");
        p.setProperty("cognigy.retrain.job-grace-seconds", "-298");
        p.setProperty("cognigy.poll.nlp-retrain.max-attempts", "200");
        p.setProperty("cognigy.poll.nlp-retrain.deadline-seconds", "20");
        return p;
    }

    @Test
    void mlflowUnsetIsSkipped() throws Exception {
        RetrainStubs stubs = new RetrainStubs(cognigy, null);
        stubs.happyPath();

        JsonNode result = run(request("no-mlflow", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("mlflowRunId").isNull()).isTrue();
        assertThat(result.path("output").path("mlflow").path("status").asText()).isEqualTo("SKIPPED");
        assertThat(auditActions("no-mlflow")).noneMatch(a -> a.startsWith("MLFLOW_"));
        cognigy.verify(exactly(0), anyRequestedFor(urlMatching("/api/2\\.0/mlflow/.*")));
    }

    @Test
    void aJobStillRunningAfterThePayloadsTimeoutFailsWithTimeout() throws Exception {
        RetrainStubs stubs = new RetrainStubs(cognigy, null);
        stubs.submitAccepted();
        cognigy.stubFor(get(RetrainStubs.JOB_PATH).willReturn(okJson("{\"jobId\":\"" + RetrainStubs.JOB
                + "\",\"status\":\"running\"}")));
        long started = System.nanoTime();

        JsonNode result = run(request("stuck", "").replace("\"timeoutSeconds\":3600", "\"timeoutSeconds\":300"));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("TIMEOUT");
        assertThat(result.path("error").path("message").asText()).contains(RetrainStubs.JOB).contains("still running")
                .contains("computeConstraints.timeoutSeconds 300 s");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(cognigy.findAll(getRequestedFor(urlMatching(RetrainStubs.JOB_PATH))).size())
                .as("read until the 2 s deadline, well before the 200 reads the poll settings allow").isBetween(2, 100);
    }
}
