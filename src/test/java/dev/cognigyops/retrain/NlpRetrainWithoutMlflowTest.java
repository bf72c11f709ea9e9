package dev.cognigyops.retrain;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static dev.cognigyops.retrain.RetrainStubs.request;
import static org.assertj.core.api.Assertions.assertThat;

/** With {@code mlflow.tracking-uri} blank, a retrain runs as usual and MLflow is skipped. */
class NlpRetrainWithoutMlflowTest extends AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("mlflow.tracking-uri", "");
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
}
