package dev.cognigyops.polling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.Exchange;

import dev.cognigyops.runs.Admission;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.Settings;

/**
 * The shared poll loop's decisions (route template {@code poll-until-done}): how long to wait
 * before each read (first delay, then × multiplier up to a cap), whether to read again, and the
 * TIMEOUT failure when attempts or the deadline run out first. Settings {@code cognigy.poll.*},
 * with per-operation overrides ({@code cognigy.poll.nlu-export.max-attempts}).
 * The status step reports back with {@link #done(Exchange)} or {@link #pending(Exchange, String)}.
 */
public final class PollLoop {

    public static final String STATE = "pollState";

    /** One loop's progress. */
    public static final class State {
        final Instant startedAt;
        final Instant deadline;
        final int maxAttempts;
        final long firstDelayMs;
        final double multiplier;
        final long maxDelayMs;
        int reads;
        long nextDelayMs;
        /** When the read after the current wait is due (epoch ms). */
        long dueAtMs;
        /** Whether the wait for the next read is under way (its due time set), until a read is reported. */
        boolean waiting;
        boolean done;
        String lastStatus = "nothing read yet";

        State(Instant startedAt, Duration deadline, int maxAttempts, long firstDelayMs,
              double multiplier, long maxDelayMs) {
            this.startedAt = startedAt;
            this.deadline = startedAt.plus(deadline);
            this.maxAttempts = maxAttempts;
            this.firstDelayMs = firstDelayMs;
            this.multiplier = multiplier;
            this.maxDelayMs = maxDelayMs;
            this.nextDelayMs = firstDelayMs;
        }

        public int reads() {
            return reads;
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final Admission admission;
    /** Whether the run has a cancel waiting for its next read (then the read is not waited for). */
    private volatile java.util.function.Predicate<Exchange> cancelDue = exchange -> false;
    /** The longest single wait: a cancel is noticed within it ({@code cognigy.runs.cancel-check-ms}). */
    private volatile long waitSliceMs = Long.MAX_VALUE;

    public PollLoop(Settings settings, Clock clock, Admission admission) {
        this.settings = settings;
        this.clock = clock;
        this.admission = admission;
    }

    /**
     * The waits between reads are cut into slices of at most {@code sliceMs}; after each slice the
     * loop reads at once when {@code cancelDue} says a cancel waits for the run's next read (where it
     * is delivered), so that a long wait does not hold a cancel.
     */
    public PollLoop noticingCancels(java.util.function.Predicate<Exchange> cancelDue, long sliceMs) {
        this.cancelDue = cancelDue;
        this.waitSliceMs = Math.max(1, sliceMs);
        return this;
    }

    /** Starts a loop with the run's operation's settings. */
    public void begin(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        String op = run == null ? null : run.operation();
        exchange.setProperty(STATE, new State(clock.instant(),
                Duration.ofSeconds(settings.forOperationLong("cognigy.poll", op, "deadline-seconds")),
                (int) settings.forOperationLong("cognigy.poll", op, "max-attempts"),
                settings.forOperationLong("cognigy.poll", op, "first-delay-ms"),
                settings.forOperationDouble("cognigy.poll", op, "multiplier"),
                settings.forOperationLong("cognigy.poll", op, "max-delay-ms")));
    }

    /** The loop's {@code doWhile}: read again while not done and within attempts and deadline. */
    public boolean keepPolling(Exchange exchange) {
        State s = state(exchange);
        if (s.done || s.reads >= s.maxAttempts) {
            return false;
        }
        long due = s.waiting ? s.dueAtMs : clock.millis() + (s.reads == 0 ? 0 : s.nextDelayMs);
        return Instant.ofEpochMilli(due).isBefore(s.deadline);
    }

    /**
     * The wait before the next read (nothing before the first), or its next slice: a wait longer than
     * the slice is waited in slices, the read made once {@link #readIsDue} says so.
     */
    public long nextDelay(Exchange exchange) {
        State s = state(exchange);
        long now = clock.millis();
        if (!s.waiting) {
            s.dueAtMs = now + (s.reads == 0 ? 0 : s.nextDelayMs);
            s.waiting = true;
        }
        return Math.min(Math.max(0, s.dueAtMs - now), waitSliceMs);
    }

    /** After a slice of the wait: read now — its time has come, or a cancel waits for the run's next read. */
    public boolean readIsDue(Exchange exchange) {
        State s = state(exchange);
        return clock.millis() >= s.dueAtMs || cancelDue.test(exchange);
    }

    /** After the wait, as the read begins: how late it is, told to {@link Admission} (new runs wait while polls run late). */
    public void readDue(Exchange exchange) {
        State s = state(exchange);
        admission.observe(Math.max(0, clock.millis() - s.dueAtMs));
    }

    /** Called by the status step: the thing polled reached a final state. */
    public static void done(Exchange exchange) {
        State s = state(exchange);
        s.reads++;
        s.done = true;
        s.waiting = false;
    }

    /** Called by the status step: not finished yet; {@code status} (e.g. {@code export job 42 is RUNNING (40%)}) is shown if the loop times out. */
    public static void pending(Exchange exchange, String status) {
        State s = state(exchange);
        if (s.reads > 0) {
            s.nextDelayMs = Math.min((long) (s.nextDelayMs * s.multiplier), s.maxDelayMs);
        }
        s.reads++;
        s.waiting = false;
        s.lastStatus = status;
    }

    /**
     * Step after a read, for operations whose run state answers for itself: done or pending, as the
     * state ({@link dev.cognigyops.runs.OperationState#pollDone()}) says after the read was recorded in it;
     * the wait before the next read is the state's own when it keeps one ({@code pollDelayMs()}).
     */
    public void report(Exchange exchange) {
        var state = exchange.getProperty(dev.cognigyops.runs.OperationState.PROPERTY, dev.cognigyops.runs.OperationState.class);
        if (state.pollDone()) {
            done(exchange);
        } else {
            pending(exchange, state.pollStatus());
            if (state.pollDelayMs() >= 0) {
                suggestDelay(exchange, Duration.ofMillis(state.pollDelayMs()));
            }
        }
    }

    /** Sets the wait before the next read from a server's estimate, within the loop's cap. */
    public static void suggestDelay(Exchange exchange, Duration delay) {
        State s = state(exchange);
        s.nextDelayMs = Math.max(0, Math.min(delay.toMillis(), s.maxDelayMs));
        s.waiting = false;
    }

    /** After the loop: a TIMEOUT failure unless the status step said done. */
    public void requireDone(Exchange exchange) {
        State s = state(exchange);
        if (!s.done) {
            long seconds = Duration.between(s.startedAt, clock.instant()).toSeconds();
            throw new RunFailure(ErrorCode.TIMEOUT, s.lastStatus + "; not finished after " + s.reads
                    + " reads in " + seconds + " s (limits: " + s.maxAttempts + " reads, "
                    + Duration.between(s.startedAt, s.deadline).toSeconds() + " s; settings cognigy.poll.*)");
        }
    }

    private static State state(Exchange exchange) {
        State s = exchange.getProperty(STATE, State.class);
        if (s == null) {
            throw new IllegalStateException("no poll loop in progress");
        }
        return s;
    }
}
