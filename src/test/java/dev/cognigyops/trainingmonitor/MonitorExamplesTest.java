package dev.cognigyops.trainingmonitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.demo.simulator.CognigySimulator;
import dev.cognigyops.demo.simulator.TrainingApi;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's training-monitor examples, run against the bundled simulator, end as the README says. */
class MonitorExamplesTest extends AppTestSupport {

    CognigySimulator simulator;
    TrainingApi training;

    @Override
    protected Properties settings() {
        training = new TrainingApi(Clock.systemUTC());
        simulator = new CognigySimulator(CLIENT_ID, CLIENT_SECRET).start().register(training);
        Properties p = super.settings();
        p.setProperty("cognigy.base-url", simulator.baseUrl());
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "30");
        return p;
    }

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    static String example(String name) throws Exception {
        return Files.readString(Path.of("examples/requests", name));
    }

    @Test
    void theDemoJobTrainsToCompletion() throws Exception {
        JsonNode result = run(example("training-monitor.json"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("finalState").asText()).isEqualTo("COMPLETED");
        assertThat(out.path("progressPercent").asDouble()).isEqualTo(100.0);
        assertThat(out.path("aggregatedMetrics").has("loss")).as(out.toString()).isTrue();
        assertThat(out.path("aggregatedMetrics").has("accuracy")).isTrue();
        assertThat(out.path("statistics").path("errors").asInt()).as("the simulator's answers are well-formed").isZero();
        assertThat(training.isCancelled(TrainingApi.DEMO_PROJECT, TrainingApi.DEMO_JOB)).isFalse();
    }

    @Test
    void theHotJobIsCancelledByItsPolicy() throws Exception {
        JsonNode result = run(example("training-monitor-cpu-breach.json"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(result.path("output").path("cancelReason").asText()).startsWith("cpu_threshold_exceeded");
        assertThat(training.isCancelled(TrainingApi.DEMO_PROJECT, TrainingApi.HOT_JOB)).as("the simulator got the DELETE").isTrue();
    }

    @Test
    void theInvalidExampleIsRejectedWithEveryViolation() throws Exception {
        JsonNode result = run(example("training-monitor-invalid.json"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("violations")).hasSize(4);
    }
}
