package dev.cognigyops.nlpretrain;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;

/** The MLflow REST API 2.0 bodies: field names, string tags and params, integer millisecond timestamps. */
class MlflowTrackingTest {

    @Test
    void createRunCarriesItsTagsAndSkipsUnknownOnes() throws Exception {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("model_id", "m");
        tags.put("version_id", null);
        assertThat(Json.write(MlflowTracking.createRun("7", "retrain-j", 1718450400000L, tags))).isEqualTo(
                "{\"experiment_id\":\"7\",\"run_name\":\"retrain-j\",\"start_time\":1718450400000,"
                        + "\"tags\":[{\"key\":\"model_id\",\"value\":\"m\"}]}");
    }

    @Test
    void logBatchHasIntegerTimestamps() throws Exception {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("precision", 0.97);
        metrics.put("dataset_size", 5000.0);
        var body = MlflowTracking.logBatch("r1", metrics, 1718450400123L, Map.of("max_cpu_cores", "8"));
        assertThat(Json.write(body)).isEqualTo("{\"run_id\":\"r1\",\"metrics\":["
                + "{\"key\":\"precision\",\"value\":0.97,\"timestamp\":1718450400123,\"step\":0},"
                + "{\"key\":\"dataset_size\",\"value\":5000.0,\"timestamp\":1718450400123,\"step\":0}],"
                + "\"params\":[{\"key\":\"max_cpu_cores\",\"value\":\"8\"}],\"tags\":[]}");
        assertThat(body.get("metrics").get(0).get("timestamp").isIntegralNumber()).isTrue();
    }

    @Test
    void endRunIsFinishedOrFailed() {
        assertThat(MlflowTracking.endRun("r1", true, 5L).get("status").asText()).isEqualTo("FINISHED");
        assertThat(MlflowTracking.endRun("r1", false, 5L).get("status").asText()).isEqualTo("FAILED");
        assertThat(MlflowTracking.endRun("r1", false, 5L).get("end_time").asLong()).isEqualTo(5L);
    }

    @Test
    void idsAreReadFromMlflowsAnswers() throws Exception {
        assertThat(MlflowTracking.experimentId(Json.parse("{\"experiment\":{\"experiment_id\":\"12\",\"name\":\"x\"}}"))).isEqualTo("12");
        assertThat(MlflowTracking.experimentId(Json.parse("{\"experiment_id\":\"13\"}"))).isEqualTo("13");
        assertThat(MlflowTracking.experimentId(Json.parse("{}"))).isNull();
        assertThat(MlflowTracking.runId(Json.parse("{\"run\":{\"info\":{\"run_id\":\"abc\"}}}"))).isEqualTo("abc");
        assertThat(MlflowTracking.runId(Json.parse("{\"run\":{\"info\":{\"run_uuid\":\"old\"}}}"))).isEqualTo("old");
        assertThat(MlflowTracking.runId(Json.parse("{\"run\":{}}"))).isNull();
    }
}
