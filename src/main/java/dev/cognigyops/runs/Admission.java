package dev.cognigyops.runs;

import java.time.Clock;

/**
 * Running work before new work. While the runs that are polling read late (a burst of new runs on a
 * small machine, with the JIT compiling the code they run, can take every CPU), a worker about to
 * start a new run from the inbox or the spool waits a little first, so that the polls catch up rather
 * than fall further behind.
 * <p>
 * The poll loop reports how late each read began ({@link #observe}); once a read was later than
 * {@code cognigy.runs.admission.max-poll-lateness-ms}, the polls count as behind for
 * {@value #HOLD_MS} ms. {@link #awaitTurn} waits while they are behind, at most
 * {@code cognigy.runs.admission.max-wait-ms}: a run is delayed, never refused. A limit of 0 turns
 * the wait off.
 */
public final class Admission {

    /** How long one late read keeps the polls counted as behind. */
    static final long HOLD_MS = 200;
    private static final long STEP_MS = 20;

    /** How a worker waits one step; tests pass one that moves their clock. */
    @FunctionalInterface
    public interface Pause {
        void pause(long millis) throws InterruptedException;
    }

    private final long maxLatenessMs;
    private final long maxWaitMs;
    private final Clock clock;
    private final Pause pause;
    private volatile long behindUntilMs = Long.MIN_VALUE;

    public Admission(long maxLatenessMs, long maxWaitMs, Clock clock, Pause pause) {
        this.maxLatenessMs = maxLatenessMs;
        this.maxWaitMs = maxWaitMs;
        this.clock = clock;
        this.pause = pause;
    }

    public Admission(long maxLatenessMs, long maxWaitMs, Clock clock) {
        this(maxLatenessMs, maxWaitMs, clock, Thread::sleep);
    }

    /** A poll's read began {@code latenessMs} after it was due. */
    public void observe(long latenessMs) {
        if (maxLatenessMs > 0 && latenessMs > maxLatenessMs) {
            behindUntilMs = clock.millis() + HOLD_MS;
        }
    }

    /** Whether the polls are behind now. */
    public boolean behind() {
        return clock.millis() < behindUntilMs;
    }

    /** Before a new run starts: waits while the polls are behind, at most the configured time (the message is untouched). */
    public void awaitTurn() throws InterruptedException {
        long start = clock.millis();
        long waited = 0;
        while (behind() && waited < maxWaitMs) {
            pause.pause(Math.min(STEP_MS, maxWaitMs - waited));
            waited = clock.millis() - start;
        }
    }
}
