package dev.cognigyops.botdeploy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The per-deployment sliding window: at most {@code limit} status reads of one deployment in any window. */
class StatusReadLimiterTest {

    static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");

    /** limit, window (s), the moments reads want (s after T0), the moments they get. */
    static Stream<Arguments> reservations() {
        return Stream.of(
                arguments("under the limit: no wait", 3, 60, List.of(0L, 1L, 2L), List.of(0L, 1L, 2L)),
                arguments("the 4th of 3 a minute waits for the 1st to leave", 3, 60, List.of(0L, 1L, 2L, 3L), List.of(0L, 1L, 2L, 60L)),
                arguments("and the 5th for the 2nd", 3, 60, List.of(0L, 1L, 2L, 3L, 4L), List.of(0L, 1L, 2L, 60L, 61L)),
                arguments("a read that wants to go later goes later", 3, 60, List.of(0L, 1L, 2L, 90L), List.of(0L, 1L, 2L, 90L)),
                arguments("12 a minute, 13 asked at once", 12, 60,
                        List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L),
                        List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 60L)),
                arguments("never earlier than the last reservation", 3, 60, List.of(10L, 5L), List.of(10L, 10L)),
                arguments("one a window", 1, 5, List.of(0L, 0L, 0L), List.of(0L, 5L, 10L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reservations")
    void reservesTheEarliestMomentWithinTheLimit(String name, int limit, long windowSeconds, List<Long> wanted, List<Long> expected) {
        var limiter = new StatusReadLimiter(limit, Duration.ofSeconds(windowSeconds), Duration.ZERO, new MutableClock(T0));
        List<Long> got = new ArrayList<>();
        for (long w : wanted) {
            got.add(Duration.between(T0, limiter.reserve("dep-1", T0.plusSeconds(w))).toSeconds());
        }
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void theMarginWidensTheWindow() {
        var limiter = new StatusReadLimiter(2, Duration.ofSeconds(60), Duration.ofSeconds(1), new MutableClock(T0));
        limiter.reserve("dep-1", T0);
        limiter.reserve("dep-1", T0);
        assertThat(limiter.reserve("dep-1", T0)).isEqualTo(T0.plusSeconds(61));
    }

    @Test
    void deploymentsHaveWindowsOfTheirOwn() {
        var limiter = new StatusReadLimiter(1, Duration.ofSeconds(60), Duration.ZERO, new MutableClock(T0));
        assertThat(limiter.reserve("dep-1", T0)).isEqualTo(T0);
        assertThat(limiter.reserve("dep-2", T0)).isEqualTo(T0);
        assertThat(limiter.reserve("dep-1", T0)).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void theWaitIsFromNowAndNeverNegative() {
        MutableClock clock = new MutableClock(T0);
        var limiter = new StatusReadLimiter(2, Duration.ofSeconds(10), Duration.ZERO, clock);
        assertThat(limiter.reserveWait("dep-1", Duration.ZERO)).isZero();
        assertThat(limiter.reserveWait("dep-1", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        // the 3rd read may go when the 1st (at 0 s) has left the window: 10 s, 8 s from now
        assertThat(limiter.reserveWait("dep-1", Duration.ZERO)).isEqualTo(Duration.ofSeconds(8));
        // a retry that wants 20 s gets 20 s
        assertThat(limiter.reserveWait("dep-1", Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aDeploymentNotReadForAWindowIsForgotten() {
        MutableClock clock = new MutableClock(T0);
        var limiter = new StatusReadLimiter(1, Duration.ofSeconds(10), Duration.ZERO, clock);
        limiter.reserve("dep-1", T0);
        clock.advance(Duration.ofSeconds(11));
        assertThat(limiter.reserve("dep-1", clock.instant())).isEqualTo(clock.instant());
    }

    @Test
    void refusesALimitThatCannotBeKept() {
        assertThatThrownBy(() -> new StatusReadLimiter(0, Duration.ofSeconds(60), Duration.ZERO, new MutableClock(T0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StatusReadLimiter(12, Duration.ZERO, Duration.ZERO, new MutableClock(T0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StatusReadLimiter(12, Duration.ofSeconds(60), Duration.ofSeconds(-1), new MutableClock(T0)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
