package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PollScheduleTest {

    static final Instant T0 = Instant.parse("2026-11-21T07:00:00Z");

    static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    @Test
    void readsStayOnAFixedRateWhateverTheCallsCost() {
        PollSchedule s = new PollSchedule(Duration.ofSeconds(1));
        assertThat(s.readStarted(at(0))).isZero();
        // the read took 120 ms: the next is due at 1000, not 1120
        assertThat(s.delayUntilNext(at(120))).isEqualTo(Duration.ofMillis(880));
        assertThat(s.readStarted(at(1030))).isEqualTo(Duration.ofMillis(30));
        assertThat(s.delayUntilNext(at(1400))).isEqualTo(Duration.ofMillis(600));
        assertThat(s.readStarted(at(2000))).isZero();
    }

    @Test
    void missedSlotsAreSkippedNotReadInABurst() {
        PollSchedule s = new PollSchedule(Duration.ofSeconds(1));
        s.readStarted(at(0));
        // the read took 2.5 s (retries): the next slot still ahead is at 3000
        assertThat(s.delayUntilNext(at(2500))).isEqualTo(Duration.ofMillis(500));
        assertThat(s.readStarted(at(3000))).isZero();
    }

    @Test
    void anEarlyReadIsNotLate() {
        PollSchedule s = new PollSchedule(Duration.ofSeconds(15));
        s.readStarted(at(0));
        s.delayUntilNext(at(10));
        assertThat(s.readStarted(at(50))).isZero();
    }
}
