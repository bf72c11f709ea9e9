package dev.cognigyops.trainingmonitor;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.cognigyops.trainingmonitor.TrainingState.CANCELLED;
import static dev.cognigyops.trainingmonitor.TrainingState.COMPLETED;
import static dev.cognigyops.trainingmonitor.TrainingState.FAILED;
import static dev.cognigyops.trainingmonitor.TrainingState.QUEUED;
import static dev.cognigyops.trainingmonitor.TrainingState.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every pair of states: can a job seen in the first next be seen in the second? */
class TrainingStateTest {

    static Stream<Arguments> transitions() {
        return Stream.of(
                arguments(QUEUED, QUEUED, true), arguments(QUEUED, RUNNING, true), arguments(QUEUED, COMPLETED, true),
                arguments(QUEUED, FAILED, true), arguments(QUEUED, CANCELLED, true),
                arguments(RUNNING, QUEUED, false), arguments(RUNNING, RUNNING, true), arguments(RUNNING, COMPLETED, true),
                arguments(RUNNING, FAILED, true), arguments(RUNNING, CANCELLED, true),
                arguments(COMPLETED, QUEUED, false), arguments(COMPLETED, RUNNING, false), arguments(COMPLETED, COMPLETED, true),
                arguments(COMPLETED, FAILED, false), arguments(COMPLETED, CANCELLED, false),
                arguments(FAILED, QUEUED, false), arguments(FAILED, RUNNING, false), arguments(FAILED, COMPLETED, false),
                arguments(FAILED, FAILED, true), arguments(FAILED, CANCELLED, false),
                arguments(CANCELLED, QUEUED, false), arguments(CANCELLED, RUNNING, false), arguments(CANCELLED, COMPLETED, false),
                arguments(CANCELLED, FAILED, false), arguments(CANCELLED, CANCELLED, true));
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("transitions")
    void transition(TrainingState from, TrainingState to, boolean allowed) {
        assertThat(from.canBecome(to)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void parse(String text, TrainingState expected) {
        assertThat(TrainingState.parse(text)).isEqualTo(expected);
    }

    static Stream<Arguments> names() {
        return Stream.of(arguments("RUNNING", RUNNING), arguments("CANCELLED", CANCELLED), arguments("running", null),
                arguments("TRAINING", null), arguments(null, null));
    }
}
