package dev.cognigyops.nluexport;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** An nlu-export run's state at every phase is written as JSON and read back equal. */
class NluExportRunTest {

    static final NluExportRun STARTED = new NluExportRun(NluExportRun.Phase.STARTED, "run-1", "intent-classifier", "1.4.0",
            "ONNX", "exports", null, "https://hooks.example.com/nlu", 1_764_000_000_000L, null, null, null, 0, null, null, null);

    static Stream<Arguments> everyPhase() {
        NluExportRun checked = STARTED.at(NluExportRun.Phase.VERSION_CHECKED);
        NluExportRun requested = checked.withExport("job/../1", "exp-1");
        NluExportRun running = requested.withJob(NluExportRun.Phase.EXPORT_REQUESTED, "RUNNING", 60, null);
        NluExportRun completed = running.withJob(NluExportRun.Phase.JOB_COMPLETED, "COMPLETED", 100, "/api/v1/artifacts/exp-1");
        NluExportRun stored = completed.withStored(new StoredObject("exports", "nlu-exports/intent-classifier/1.4.0/exp-1.onnx",
                2_097_152, "ab".repeat(32), 1.25));
        NluExportRun notified = stored.withWebhook(Map.of("delivered", false, "attempts", 3, "error", "HTTP 503"));
        return Stream.of(arguments(STARTED), arguments(checked), arguments(requested), arguments(running),
                arguments(completed), arguments(stored), arguments(notified));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void isSavedAndRestoredWithoutLoss(NluExportRun state) throws Exception {
        String saved = Json.write(state);

        NluExportRun restored = Json.MAPPER.readValue(saved, NluExportRun.class);

        assertThat(restored).isEqualTo(state);
        assertThat(Json.write(restored)).isEqualTo(saved);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void aPhaseSaysWhatIsDone(NluExportRun state) {
        assertThat(state.isBefore("STARTED")).isFalse();
        assertThat(state.pollDone()).isEqualTo(!state.isBefore("JOB_COMPLETED"));
        assertThat(state.pathValues()).containsEntry("modelId", "intent-classifier").containsEntry("version", "1.4.0");
    }
}
