package dev.cognigyops.trainingmonitor;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.webhooks.WebhookTargets;

import static org.assertj.core.api.Assertions.assertThat;

/** training-monitor's decisions on profile cognigy-v2: the status mapping, stagnation, and each profile's payload rules. */
class TaskMonitorDecisionsTest {

    @ParameterizedTest
    @CsvSource({"QUEUED, QUEUED", "ACTIVE, RUNNING", "DONE, COMPLETED", "ERROR, FAILED", "CANCELLING, CANCELLED",
            "CANCELLED, CANCELLED"})
    void aTaskStatusIsASeedState(Task.Status status, TrainingState state) {
        assertThat(TaskMonitorRun.state(status)).isEqualTo(state);
    }

    @ParameterizedTest
    @CsvSource({
            "active, 0,    299999, false",
            "active, 0,    300000, true",
            "queued, 0,    900000, false",
            "cancelling, 0, 900000, false",
            "active, ,     900000, false"})
    void aTaskStagnatesWhenItsStepStaysWhileActive(String status, Long changedAt, long now, boolean breached) throws Exception {
        Task task = Task.from(Json.parse("{\"_id\":\"t\",\"status\":\"" + status + "\",\"currentStep\":2,\"totalStep\":5}"));
        Optional<CancellationPolicy.Breach> breach = TaskPolicy.DEFAULT.evaluate(task, changedAt, now);
        assertThat(breach.isPresent()).isEqualTo(breached);
        breach.ifPresent(b -> assertThat(b.message()).isEqualTo("currentStep has stayed at 2 of 5 for 300 s (limit 300 s)"));
    }

    @Test
    void theStepClockRestartsWhenTheStepMovesOrTheTaskBecomesActive() throws Exception {
        TaskMonitorRun run = TaskMonitorRun.start(new TaskMonitorRequest("t", null, java.time.Duration.ofSeconds(1), TaskPolicy.DEFAULT));
        run = run.read(Task.from(Json.parse("{\"status\":\"queued\"}")), 1_000, 0, 1);
        assertThat(run.task().stepChangedAtMs()).isNull();
        run = run.read(Task.from(Json.parse("{\"status\":\"active\",\"currentStep\":1}")), 2_000, 0, 1);
        assertThat(run.task().stepChangedAtMs()).isEqualTo(2_000);
        run = run.read(Task.from(Json.parse("{\"status\":\"active\",\"currentStep\":1}")), 3_000, 0, 1);
        assertThat(run.task().stepChangedAtMs()).isEqualTo(2_000);
        run = run.read(Task.from(Json.parse("{\"status\":\"active\",\"currentStep\":2}")), 4_000, 0, 1);
        assertThat(run.task().stepChangedAtMs()).isEqualTo(4_000);
    }

    @Test
    void aSeedsInstanceNamesTheFieldsOfCognigyV2() throws Exception {
        Violations v = new Violations();
        MonitorRequest.validate(Json.parse("{\"projectId\":\"p\",\"jobId\":\"j\",\"taskId\":\"t\",\"other\":1}"), v,
                WebhookTargets.of(""));
        assertThat(v.list()).containsExactly(
                "payload.taskId: is a field of profile cognigy-v2 (a Cognigy task); this instance runs profile seeds "
                        + "(cognigy.api.profile), where a training job is named by projectId and jobId",
                "payload.other: is not a known field (known: jobId, policy, pollIntervalSeconds, projectId, webhookUrl)");
    }

    @Test
    void aCognigyV2PayloadWithItsDefaults() throws Exception {
        Violations v = new Violations();
        var payload = Json.parse("{\"taskId\":\"65f0c0ffee0000000000abcd\"}");
        TaskMonitorRequest.validate(payload, v, WebhookTargets.of(""));
        assertThat(v.list()).isEmpty();
        assertThat(TaskMonitorRequest.from(payload, null)).isEqualTo(new TaskMonitorRequest("65f0c0ffee0000000000abcd", null,
                java.time.Duration.ofSeconds(15), new TaskPolicy(300, true)));
    }
}
