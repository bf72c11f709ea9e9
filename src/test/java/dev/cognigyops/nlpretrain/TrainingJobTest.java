package dev.cognigyops.nlpretrain;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.nlpretrain.TrainingJob.Outcome;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What a read of a training job means, before and after the run's own deadline. */
class TrainingJobTest {

    static final Instant DEADLINE = Instant.parse("2026-01-01T12:00:00Z");
    static final Instant BEFORE = DEADLINE.minusSeconds(1);

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("{\"status\":\"queued\"}", BEFORE, "queued", Outcome.PENDING),
                arguments("{\"status\":\"running\"}", BEFORE, "running", Outcome.PENDING),
                arguments("{\"status\":\"RUNNING\"}", BEFORE, "running", Outcome.PENDING),
                arguments("{\"status\":\"running\"}", DEADLINE, "running", Outcome.TIMED_OUT),
                arguments("{\"status\":\"queued\"}", DEADLINE.plusSeconds(60), "queued", Outcome.TIMED_OUT),
                arguments("{\"status\":\"completed\"}", BEFORE, "completed", Outcome.COMPLETED),
                arguments("{\"status\":\"completed\"}", DEADLINE.plusSeconds(60), "completed", Outcome.COMPLETED),
                arguments("{\"status\":\"failed\"}", BEFORE, "failed", Outcome.FAILED),
                arguments("{\"status\":\"rolled_back\"}", BEFORE, "rolled_back", Outcome.FAILED),
                arguments("{\"status\":\"exploded\"}", BEFORE, "exploded", Outcome.UNKNOWN),
                arguments("{\"state\":\"running\"}", BEFORE, null, Outcome.UNKNOWN),
                arguments("{\"status\":{\"value\":\"running\"}}", BEFORE, null, Outcome.UNKNOWN));
    }

    @ParameterizedTest(name = "{0} at {1}")
    @MethodSource("cases")
    void reads(String job, Instant now, String status, Outcome outcome) throws Exception {
        TrainingJob.Reading reading = TrainingJob.read(Json.parse(job), now, DEADLINE);

        assertThat(reading.status()).isEqualTo(status);
        assertThat(reading.outcome()).isEqualTo(outcome);
    }
}
