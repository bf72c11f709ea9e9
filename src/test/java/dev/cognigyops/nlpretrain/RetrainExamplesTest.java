package dev.cognigyops.nlpretrain;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;

/** The example requests in {@code examples/requests/} (dropped into the inbox by the demo) say what the README says. */
class RetrainExamplesTest {

    static JsonNode example(String name) throws Exception {
        return Json.parse(Files.readString(Path.of("examples", "requests", name)));
    }

    @Test
    void theExampleRetrainIsValidAndUsesTheGateTheBaselineAndARollbackVersion() throws Exception {
        JsonNode request = example("nlp-retrain.json");
        Violations v = new Violations();

        RetrainPayload payload = RetrainPayloadRules.check(request.path("payload"), v);

        assertThat(v.list()).isEmpty();
        assertThat(request.path("operation").asText()).isEqualTo(NlpRetrain.NAME);
        assertThat(payload.baselineVersionId()).isNotNull();
        assertThat(payload.rollbackTriggerVersionId()).isNotNull();
    }

    @Test
    void theInvalidExampleIsRejectedNamingEveryBrokenRule() throws Exception {
        JsonNode request = example("nlp-retrain-invalid.json");
        Violations v = new Violations();

        assertThat(RetrainPayloadRules.check(request.path("payload"), v)).isNull();

        assertThat(v.list()).containsExactly(
                "payload.computeConstraints.maxCpuCores: must be at most 32",
                "payload.modelId: must be a UUID",
                "payload.trainingDataSliceMatrix.greeting: must be a positive whole number",
                "payload.computeConstraints.timeoutSeconds: must be at least 1000 for maxDatasetSize 100000"
                        + " (maxDatasetSize / 1000 × 10 seconds)");
    }
}
