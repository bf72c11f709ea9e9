package dev.cognigyops.http;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A call template's query: constants kept, placeholders filled from the run's state, missing ones left out. */
class CallStepsTest {

    @Test
    void aQueryTemplateIsFilledFromTheState() {
        assertThat(CallSteps.query("limit=100&environmentId={environmentId}&skip={skip}",
                Map.of("environmentId", "prod a/b", "skip", "200")))
                .containsExactly(Map.entry("limit", "100"), Map.entry("environmentId", "prod a/b"), Map.entry("skip", "200"));
    }

    @Test
    void aParameterWithoutAValueIsLeftOut() {
        assertThat(CallSteps.query("include_bias_detection=true&versionId={versionId}", Map.of()))
                .containsExactly(Map.entry("include_bias_detection", "true"));
        assertThat(CallSteps.query("", Map.of())).isEmpty();
        assertThat(CallSteps.query(null, Map.of())).isEmpty();
    }

    @Test
    void anExternalCallsPathIsUnderItsBaseUrlWithOrWithoutATrailingSlash() {
        assertThat(CallSteps.join("https://mlflow.internal", "/api/2.0/mlflow/runs/create"))
                .isEqualTo("https://mlflow.internal/api/2.0/mlflow/runs/create");
        assertThat(CallSteps.join("http://localhost:5000/", "/api/2.0/mlflow/experiments/get-by-name"))
                .isEqualTo("http://localhost:5000/api/2.0/mlflow/experiments/get-by-name");
        assertThat(CallSteps.join("https://tools.example/mlflow", "api/2.0/mlflow/runs/update"))
                .isEqualTo("https://tools.example/mlflow/api/2.0/mlflow/runs/update");
    }
}
