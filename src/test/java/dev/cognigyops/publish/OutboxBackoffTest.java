package dev.cognigyops.publish;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The wait between failed attempts to reach Kafka: doubling from the first delay, capped, never ending. */
class OutboxBackoffTest {

    static final OutboxBackoff DEFAULTS = new OutboxBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    static final OutboxBackoff SHORT = new OutboxBackoff(Duration.ofMillis(200), Duration.ofSeconds(1));

    /** backoff, failures in a row → wait (ms) */
    static Stream<Arguments> table() {
        return Stream.of(
                arguments(DEFAULTS, 0, 0L),
                arguments(DEFAULTS, 1, 1_000L),
                arguments(DEFAULTS, 2, 2_000L),
                arguments(DEFAULTS, 3, 4_000L),
                arguments(DEFAULTS, 5, 16_000L),
                arguments(DEFAULTS, 6, 30_000L),
                arguments(DEFAULTS, 7, 30_000L),
                arguments(DEFAULTS, 10_000, 30_000L),
                arguments(SHORT, 1, 200L),
                arguments(SHORT, 3, 800L),
                arguments(SHORT, 4, 1_000L),
                arguments(new OutboxBackoff(Duration.ofMillis(500), Duration.ofMillis(500)), 9, 500L));
    }

    @ParameterizedTest(name = "{0} after {1} failures: {2} ms")
    @MethodSource("table")
    void waitsAfterFailuresInARow(OutboxBackoff backoff, int failures, long expectedMs) {
        assertThat(backoff.after(failures)).isEqualTo(Duration.ofMillis(expectedMs));
    }

    @Test
    void aBackoffThatCannotWaitIsRefused() {
        assertThatThrownBy(() -> new OutboxBackoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OutboxBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
