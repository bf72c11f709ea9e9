package dev.cognigyops.trainingmonitor;

import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The policy on a fixed clock: {@code now} is T0 + 1000 s; the progress last changed {@code sinceChange} s before. */
class CancellationPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-21T07:00:00Z");
    static final CancellationPolicy POLICY = new CancellationPolicy(300, 95, 90, true);

    static JobStatus status(TrainingState state, double cpu, double memory) {
        return new JobStatus("j", state, 40, List.of(), cpu, memory, null, NOW.minusSeconds(1000), null);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("all within limits", status(TrainingState.RUNNING, 50, 50), 10L, null),
                arguments("CPU at the threshold is fine", status(TrainingState.RUNNING, 95, 50), 10L, null),
                arguments("CPU above", status(TrainingState.RUNNING, 95.1, 50), 10L, "cpu_threshold_exceeded"),
                arguments("memory at the threshold is fine", status(TrainingState.RUNNING, 50, 90), 10L, null),
                arguments("memory above", status(TrainingState.RUNNING, 50, 91), 10L, "memory_threshold_exceeded"),
                arguments("CPU is named first", status(TrainingState.RUNNING, 99, 99), 10L, "cpu_threshold_exceeded"),
                arguments("a queued job over CPU", status(TrainingState.QUEUED, 99, 10), 10L, "cpu_threshold_exceeded"),
                arguments("stalled just under the limit", status(TrainingState.RUNNING, 10, 10), 299L, null),
                arguments("stalled for the limit", status(TrainingState.RUNNING, 10, 10), 300L, "progress_stagnated"),
                arguments("started long ago but progress changed lately", status(TrainingState.RUNNING, 10, 10), 5L, null),
                arguments("queued jobs do not stagnate", status(TrainingState.QUEUED, 10, 10), 900L, null),
                arguments("a finished job is never cancelled", status(TrainingState.COMPLETED, 99, 99), 900L, null),
                arguments("nor a failed one", status(TrainingState.FAILED, 99, 99), 900L, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluate(String name, JobStatus status, long sinceChange, String reason) {
        var breach = POLICY.evaluate(status, NOW.minusSeconds(sinceChange), NOW);
        assertThat(breach.map(CancellationPolicy.Breach::reason).orElse(null)).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBreachCarriesItsValues(String name, JobStatus status, long sinceChange, String reason) {
        POLICY.evaluate(status, NOW.minusSeconds(sinceChange), NOW).ifPresent(b -> {
            assertThat(b.values()).containsEntry("state", status.state().name())
                    .containsEntry("cpu_usage", status.cpuUsage()).containsEntry("memory_usage", status.memoryUsage());
            assertThat(b.message()).isNotBlank();
            if (reason.equals("progress_stagnated")) {
                assertThat(b.values()).containsEntry("stagnant_seconds", sinceChange).containsEntry("max_stagnation_seconds", 300L);
            }
        });
    }
}
