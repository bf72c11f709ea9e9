package dev.cognigyops.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AdmissionTest {

    /** A clock that a pause moves forward, so that waits take no real time. */
    private static final class StepClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    private final StepClock clock = new StepClock();
    private final List<Long> pauses = new ArrayList<>();

    private Admission admission(long maxLatenessMs, long maxWaitMs) {
        return new Admission(maxLatenessMs, maxWaitMs, clock, ms -> {
            pauses.add(ms);
            clock.millis += ms;
        });
    }

    @Test
    void aNewRunStartsAtOnceWhileThePollsAreOnTime() throws Exception {
        Admission admission = admission(100, 5000);
        admission.observe(40);
        admission.observe(100);

        assertThat(admission.behind()).isFalse();
        assertThat(waited(admission)).isZero();
        assertThat(pauses).isEmpty();
    }

    @Test
    void aLateReadHoldsNewRunsUntilThePollsHaveBeenOnTimeForAWhile() throws Exception {
        Admission admission = admission(100, 5000);
        admission.observe(350);

        assertThat(admission.behind()).isTrue();
        assertThat(waited(admission)).isEqualTo(Admission.HOLD_MS);
        assertThat(admission.behind()).isFalse();
    }

    @Test
    void theWaitIsBoundedWhileThePollsStayLate() throws Exception {
        Admission[] self = new Admission[1];
        // during every pause another late read arrives: the polls never catch up
        Admission late = new Admission(100, 1000, clock, ms -> {
            clock.millis += ms;
            self[0].observe(500);
        });
        self[0] = late;
        late.observe(500);

        assertThat(waited(late)).isEqualTo(1000);
    }

    @Test
    void aLimitOfZeroNeverWaits() throws Exception {
        Admission admission = admission(0, 5000);
        admission.observe(60_000);

        assertThat(admission.behind()).isFalse();
        assertThat(waited(admission)).isZero();
    }

    private long waited(Admission admission) throws InterruptedException {
        long before = clock.millis;
        admission.awaitTurn();
        return clock.millis - before;
    }
}
