package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A training-monitor run's state at every phase is written as JSON and read back equal; it keeps the
 * schedule's fixed rate across reads, and stays the same size however long the job runs.
 */
class TrainingMonitorRunTest {

    static final long T0 = Instant.parse("2026-11-21T07:00:00Z").toEpochMilli();
    static final TrainingMonitorRun STARTED = TrainingMonitorRun.start(new MonitorRequest("proj-7", "job/../1",
            "https://hooks.example.com/mlops", Duration.ofSeconds(15), CancellationPolicy.DEFAULT));

    static JobStatus status(TrainingState state, double progress, double cpu, int... metricSeconds) {
        List<JobStatus.Metric> metrics = new ArrayList<>();
        for (int s : metricSeconds) {
            metrics.add(new JobStatus.Metric(Instant.ofEpochMilli(T0).plusSeconds(s).plusNanos(123_456), "loss", s / 1000.0, "ratio"));
            metrics.add(new JobStatus.Metric(Instant.ofEpochMilli(T0).plusSeconds(s), "accuracy", 0.5, null));
        }
        return new JobStatus("job/../1", state, progress, metrics, cpu, 40, null, Instant.ofEpochMilli(T0),
                state.isTerminal() ? Instant.ofEpochMilli(T0).plusSeconds(3600) : null);
    }

    /** One read at {@code at}: started, answered 120 ms later with {@code status}, next one scheduled. */
    static TrainingMonitorRun read(TrainingMonitorRun run, long at, JobStatus status) {
        return run.readStarted(at).answered(120, 1).seen(status, at + 120, 50).scheduled(at + 120);
    }

    static Stream<Arguments> everyPhase() {
        TrainingMonitorRun watching = STARTED.at(TrainingMonitorRun.Phase.WATCHING);
        TrainingMonitorRun reading = watching.readStarted(T0);
        TrainingMonitorRun watched = read(watching, T0, status(TrainingState.RUNNING, 40, 50, 1, 2));
        TrainingMonitorRun malformed = watched.readStarted(T0 + 15_000).answered(80, 2).malformed().scheduled(T0 + 15_080);
        TrainingMonitorRun breaching = watched.withBreach(new TrainingMonitorRun.PolicyBreach("cpu_threshold_exceeded",
                "CPU use 97.5% is above the threshold of 95.0%"));
        TrainingMonitorRun cancelRequested = read(watched, T0 + 15_000, status(TrainingState.RUNNING, 45, 97.5, 3))
                .cancelRequested(breaching.breach());
        TrainingMonitorRun cancelled = cancelRequested.cancelledAt("2026-11-21T07:00:31.123456Z");
        TrainingMonitorRun finished = read(watched, T0 + 15_000, status(TrainingState.COMPLETED, 100, 20, 3))
                .finished(TrainingState.COMPLETED);
        TrainingMonitorRun notified = finished.withWebhook(Map.of("delivered", false, "attempts", 3, "error", "HTTP 503"));
        TrainingMonitorRun cancelledNotified = cancelled.withWebhook(Map.of("delivered", true, "attempts", 1));
        TrainingMonitorRun failedRead = watched.readStarted(T0 + 15_000).readFailed(2_000, 4);
        return Stream.of(arguments(STARTED), arguments(watching), arguments(reading), arguments(watched),
                arguments(malformed), arguments(breaching), arguments(cancelRequested), arguments(cancelled),
                arguments(finished), arguments(notified), arguments(cancelledNotified), arguments(failedRead));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void isSavedAndRestoredWithoutLoss(TrainingMonitorRun state) throws Exception {
        String saved = Json.write(state);

        TrainingMonitorRun restored = Json.MAPPER.readValue(saved, TrainingMonitorRun.class);

        assertThat(restored).isEqualTo(state);
        assertThat(Json.write(restored)).isEqualTo(saved);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void aPhaseSaysWhatIsDone(TrainingMonitorRun state) {
        assertThat(state.isBefore("STARTED")).isFalse();
        assertThat(state.pollDone()).isEqualTo(!state.isBefore("CANCEL_REQUESTED"));
        assertThat(state.pathValues()).containsEntry("projectId", "proj-7").containsEntry("jobId", "job/../1");
        assertThat(state.resource()).isEqualTo("training:proj-7:job/../1");
    }

    @Test
    void whatTheAnswersSaidIsKept() {
        TrainingMonitorRun first = read(STARTED, T0, status(TrainingState.RUNNING, 40, 85, 1, 2));
        TrainingMonitorRun second = read(first, T0 + 15_000, status(TrainingState.RUNNING, 40, 60, 2, 3));

        assertThat(second.job().state()).isEqualTo(TrainingState.RUNNING);
        assertThat(second.job().peakCpu()).isEqualTo(85.0);
        assertThat(second.job().progressChangedAtMs()).as("progress unchanged since the first read").isEqualTo(T0 + 120);
        assertThat(second.job().metrics()).as("an entry repeated by a later answer is kept once").hasSize(6);
        assertThat(second.statistics()).isEqualTo(new TrainingMonitorRun.Statistics(2, 0, 0, 240));
        assertThat(second.pollStatus()).isEqualTo("training job job/../1 is RUNNING (40.0%)");
        assertThat(second.withBreach(new TrainingMonitorRun.PolicyBreach("x", "it is hot")).pollStatus())
                .isEqualTo("training job job/../1 is RUNNING (40.0%), breaching its policy: it is hot");
        assertThat(second.readStarted(T0 + 30_000).answered(5, 1).malformed().pollStatus())
                .isEqualTo("the last status answer was malformed");
    }

    @Test
    void readsKeepTheFixedRateAndAResumeStartsTheScheduleAgain() {
        TrainingMonitorRun first = read(STARTED, T0, status(TrainingState.QUEUED, 0, 10));
        assertThat(first.pollDelayMs()).as("the read took 120 ms: the next is due at 15 000").isEqualTo(14_880);
        TrainingMonitorRun late = first.readStarted(T0 + 15_030);
        assertThat(late.reads().latenessMs()).isEqualTo(30);
        TrainingMonitorRun slow = late.answered(2_000, 3).seen(status(TrainingState.QUEUED, 0, 10), T0 + 32_500, 50)
                .scheduled(T0 + 32_500);
        assertThat(slow.pollDelayMs()).as("missed slots are skipped: the next is at 45 000").isEqualTo(12_500);
        assertThat(slow.statistics().retries()).isEqualTo(2);

        TrainingMonitorRun resumed = slow.resumed();
        assertThat(resumed.reads().anchorMs()).as("the time away is not lateness").isNull();
        assertThat(resumed.readStarted(T0 + 3_600_000).reads().latenessMs()).isZero();
        assertThat(resumed.job()).isEqualTo(slow.job());
        assertThat(resumed.statistics()).isEqualTo(slow.statistics());
    }

    /** Measured: the saved state after 1,000 reads (2 new metric entries each) is the size it is after 50. */
    @Test
    void aSavedStateDoesNotGrowWithTheJobsLength() {
        TrainingMonitorRun run = STARTED.at(TrainingMonitorRun.Phase.WATCHING);
        int after50 = 0;
        for (int i = 1; i <= 1000; i++) {
            run = read(run, T0 + i * 15_000L, status(TrainingState.RUNNING, i / 10.0, 50, i));
            if (i == 50) {
                after50 = Json.write(run).length();
            }
        }
        int after1000 = Json.write(run).length();
        System.out.println("training-monitor saved state: " + after50 + " chars after 50 reads, " + after1000
                + " after 1000 (" + run.job().metrics().size() + " metric entries)");

        assertThat(run.statistics().polls()).isEqualTo(1000);
        assertThat(run.job().metrics()).as("the latest 50 entries").hasSize(50);
        assertThat(run.job().metrics().get(49).timestamp()).isEqualTo(Instant.ofEpochMilli(T0).plusSeconds(1000).plusNanos(123_456).toString());
        assertThat(after1000).as("no longer than after 50 reads, but for a few more digits").isLessThan(after50 + 100);
    }
}
