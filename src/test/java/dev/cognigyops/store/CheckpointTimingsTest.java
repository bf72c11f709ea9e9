package dev.cognigyops.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CheckpointTimingsTest {

    @Test
    void aPeriodGivesItsCountAndPercentilesAndTheNextStartsEmpty() {
        CheckpointTimings timings = new CheckpointTimings();
        for (int i = 1; i <= 100; i++) {
            timings.saved(i * 1_000_000L);
        }

        CheckpointTimings.Period period = timings.take();
        assertThat(period.count()).isEqualTo(100);
        assertThat(period.p50Ms()).isEqualTo(50.0);
        assertThat(period.p99Ms()).isEqualTo(99.0);
        assertThat(period.maxMs()).isEqualTo(100.0);
        assertThat(timings.take()).isEqualTo(new CheckpointTimings.Period(0, 0, 0, 0));
    }

    @Test
    void manyCheckpointsAreCountedAllThoughOnlySomeAreKept() {
        CheckpointTimings timings = new CheckpointTimings();
        for (int i = 0; i < 10_000; i++) {
            timings.saved(2_000_000L);
        }
        CheckpointTimings.Period period = timings.take();
        assertThat(period.count()).isEqualTo(10_000);
        assertThat(period.p99Ms()).isEqualTo(2.0);
    }
}
