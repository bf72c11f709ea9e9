package dev.cognigyops.polling;

import dev.cognigyops.testsupport.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunLedger;
import dev.cognigyops.runs.RunRequests;
import dev.cognigyops.runs.Trigger;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Settings;
import dev.cognigyops.testsupport.AppSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The shared poll loop's pacing and bounds, on a clock the test moves. */
class PollLoopTest {

    static DefaultCamelContext camel;

    @TempDir
    Path results;

    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    PropertiesComponent properties;

    @BeforeAll
    static void camel() {
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void stop() throws Exception {
        camel.close();
    }

    @BeforeEach
    void settings() {
        properties = new DefaultCamelContext().getPropertiesComponent();
        Properties p = new Properties();
        p.setProperty("cognigy.poll.first-delay-ms", "1000");
        p.setProperty("cognigy.poll.multiplier", "2");
        p.setProperty("cognigy.poll.max-delay-ms", "5000");
        p.setProperty("cognigy.poll.max-attempts", "10");
        p.setProperty("cognigy.poll.deadline-seconds", "600");
        properties.setInitialProperties(p);
    }

    PollLoop loop() {
        return new PollLoop(new Settings(properties), clock, new dev.cognigyops.runs.Admission(0, 0, clock));
    }

    Exchange exchange() {
        return new DefaultExchange(camel);
    }

    /** Runs the loop as the route template does: wait, read (pending), until keepPolling says stop. */
    static List<Long> waitsUntilStopped(PollLoop loop, Exchange ex, MutableClock clock) {
        List<Long> waits = new ArrayList<>();
        while (loop.keepPolling(ex)) {
            long wait = loop.nextDelay(ex);
            waits.add(wait);
            clock.advance(Duration.ofMillis(wait));
            PollLoop.pending(ex, "job is RUNNING (read " + waits.size() + ")");
        }
        return waits;
    }

    @Test
    void firstReadAtOnceThenFirstDelayThenMultipliedUpToTheCap() {
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);

        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            assertThat(loop.keepPolling(ex)).isTrue();
            waits.add(loop.nextDelay(ex));
            PollLoop.pending(ex, "RUNNING");
        }

        assertThat(waits).containsExactly(0L, 1000L, 2000L, 4000L, 5000L, 5000L, 5000L);
    }

    @Test
    void stopsAfterDone() {
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);
        PollLoop.pending(ex, "RUNNING");
        assertThat(loop.keepPolling(ex)).isTrue();

        PollLoop.done(ex);

        assertThat(loop.keepPolling(ex)).isFalse();
        loop.requireDone(ex); // no failure
    }

    @Test
    void stopsAfterMaxAttemptsReads() {
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);

        List<Long> waits = waitsUntilStopped(loop, ex, clock);

        assertThat(waits).hasSize(10);
        assertThat(ex.getProperty(PollLoop.STATE, PollLoop.State.class).reads()).isEqualTo(10);
    }

    @Test
    void stopsWhenTheNextWaitWouldPassTheDeadline() {
        properties.addInitialProperty("cognigy.poll.max-attempts", "1000");
        properties.addInitialProperty("cognigy.poll.deadline-seconds", "12");
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);

        List<Long> waits = waitsUntilStopped(loop, ex, clock);

        // reads at 0, 1, 3, 7 s; the next wait of 5 s would end at 12 s, the deadline itself
        assertThat(waits).containsExactly(0L, 1000L, 2000L, 4000L);
        assertThat(Duration.between(Instant.parse("2025-03-01T10:00:00Z"), clock.instant())).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void stopsWhenTheDeadlineHasPassedWhileReading() {
        properties.addInitialProperty("cognigy.poll.deadline-seconds", "30");
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);
        PollLoop.pending(ex, "RUNNING");

        clock.advance(Duration.ofSeconds(31)); // one slow read

        assertThat(loop.keepPolling(ex)).isFalse();
    }

    @Test
    void requireDoneFailsWithTimeoutNamingTheLastStatus() {
        properties.addInitialProperty("cognigy.poll.max-attempts", "3");
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);
        waitsUntilStopped(loop, ex, clock);

        RunFailure failure = catchThrowableOfType(RunFailure.class, () -> loop.requireDone(ex));

        assertThat(failure).isNotNull();
        assertThat(failure.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(failure.getMessage()).contains("job is RUNNING (read 3)").contains("3 reads");
    }

    @Test
    void requireDoneBeforeAnyReadSaysNothingWasRead() {
        properties.addInitialProperty("cognigy.poll.deadline-seconds", "0");
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);

        assertThat(loop.keepPolling(ex)).isFalse();
        assertThatThrownBy(() -> loop.requireDone(ex)).isInstanceOf(RunFailure.class)
                .hasMessageContaining("nothing read yet");
    }

    @Test
    void aServersEstimateSetsTheNextWaitWithinTheCap() {
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);
        PollLoop.pending(ex, "queued");

        PollLoop.suggestDelay(ex, Duration.ofMillis(3_500));
        assertThat(loop.nextDelay(ex)).isEqualTo(3_500);

        PollLoop.suggestDelay(ex, Duration.ofMinutes(5));
        assertThat(loop.nextDelay(ex)).isEqualTo(5_000);

        PollLoop.suggestDelay(ex, Duration.ofSeconds(-4));
        assertThat(loop.nextDelay(ex)).isZero();
    }

    @Test
    void withoutARunTheGlobalSettingsApply() {
        properties.addInitialProperty("cognigy.poll.slow-op.max-attempts", "2");
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);

        assertThat(waitsUntilStopped(loop, ex, clock)).hasSize(10);
    }

    @Test
    void perOperationSettingsWinOverTheGlobalOnes() {
        properties.addInitialProperty("cognigy.poll.slow-op.max-attempts", "2");
        properties.addInitialProperty("cognigy.poll.slow-op.first-delay-ms", "300");
        properties.addInitialProperty("cognigy.poll.other-op.max-attempts", "7");
        PollLoop loop = loop();
        Exchange ex = exchange();
        ex.setProperty(RunContext.PROPERTY, run("slow-op"));
        loop.begin(ex);

        List<Long> waits = waitsUntilStopped(loop, ex, clock);

        assertThat(waits).containsExactly(0L, 300L);
        assertThatThrownBy(() -> loop.requireDone(ex)).isInstanceOf(RunFailure.class).hasMessageContaining("2 reads");
    }

    @Test
    void usesApplicationPropertiesDefaultsWhenTheTestSetsNothing() {
        properties = AppSettings.properties(new Properties());
        PollLoop loop = loop();
        Exchange ex = exchange();
        loop.begin(ex);

        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waits.add(loop.nextDelay(ex));
            PollLoop.pending(ex, "RUNNING");
        }

        assertThat(waits).containsExactly(0L, 2000L, 3000L);
    }

    @Test
    void withoutItsGlobalSettingALoopDoesNotStartAndSaysWhichKeyIsMissing() {
        properties = new DefaultCamelContext().getPropertiesComponent();
        Exchange ex = exchange();
        ex.setProperty(RunContext.PROPERTY, run("nlu-export"));

        assertThatThrownBy(() -> loop().begin(ex)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("setting cognigy.poll.deadline-seconds is not set");
    }

    @Test
    void statusStepsWithoutALoopAreAnError() {
        Exchange ex = exchange();

        assertThatThrownBy(() -> PollLoop.pending(ex, "RUNNING")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> loop().keepPolling(ex)).isInstanceOf(IllegalStateException.class);
    }

    RunContext run(String operation) {
        Operation op = new Operation() {
            @Override
            public String name() {
                return operation;
            }

            @Override
            public void validate(JsonNode payload, Violations violations) {
            }
        };
        RunContext run = new RunRequests(List.of(op), new RunLedger(results), clock)
                .open("{\"operation\":\"" + operation + "\",\"payload\":{}}", Trigger.CLI, "test", null);
        assertThat(run.isAccepted()).isTrue();
        return run;
    }

    @Test
    void aLongWaitIsWaitedInSlicesAndACancelWaitingForTheNextReadEndsItAtOnce() {
        properties.addInitialProperty("cognigy.poll.slow-op.first-delay-ms", "5000");
        java.util.concurrent.atomic.AtomicBoolean cancelAsked = new java.util.concurrent.atomic.AtomicBoolean();
        PollLoop loop = loop().noticingCancels(e -> cancelAsked.get(), 1000);
        Exchange ex = exchange();
        ex.setProperty(RunContext.PROPERTY, run("slow-op"));
        loop.begin(ex);
        assertThat(loop.nextDelay(ex)).isZero();
        assertThat(loop.readIsDue(ex)).isTrue();
        PollLoop.pending(ex, "RUNNING");

        // 5 s to the next read, in slices of 1 s: not due after the first two
        List<Long> slices = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            assertThat(loop.keepPolling(ex)).isTrue();
            slices.add(loop.nextDelay(ex));
            clock.advance(Duration.ofMillis(slices.get(i)));
            assertThat(loop.readIsDue(ex)).isFalse();
        }
        assertThat(slices).containsExactly(1000L, 1000L);

        // a cancel waits for the run's next read: the read is due now, 3 s early
        cancelAsked.set(true);
        assertThat(loop.keepPolling(ex)).isTrue();
        assertThat(loop.nextDelay(ex)).isEqualTo(1000L);
        clock.advance(Duration.ofMillis(1000));
        assertThat(loop.readIsDue(ex)).isTrue();

        // without one, the wait ends when it is due, its last slice shorter
        cancelAsked.set(false);
        PollLoop.pending(ex, "RUNNING");
        List<Long> next = new ArrayList<>();
        do {
            next.add(loop.nextDelay(ex));
            clock.advance(Duration.ofMillis(next.get(next.size() - 1)));
        } while (!loop.readIsDue(ex));
        assertThat(next.stream().mapToLong(Long::longValue).sum()).isEqualTo(5_000L);
        assertThat(next).allSatisfy(slice -> assertThat(slice).isLessThanOrEqualTo(1000L));
    }
}
