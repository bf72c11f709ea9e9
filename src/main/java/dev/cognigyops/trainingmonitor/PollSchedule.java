package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.time.Instant;

/**
 * A fixed-rate schedule of status reads: read n is due at {@code first + n × interval}, whatever
 * the calls cost, so a monitor does not drift. When reads fall behind by more than an interval, the
 * missed slots are skipped rather than read in a burst.
 */
public final class PollSchedule {

    private final Duration interval;
    private Instant anchor;
    private long slot;

    public PollSchedule(Duration interval) {
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.interval = interval;
    }

    /** A schedule that goes on from a saved position: anchored at {@code anchor} (null: no read yet), at read {@code slot}. */
    public static PollSchedule resume(Duration interval, Instant anchor, long slot) {
        PollSchedule schedule = new PollSchedule(interval);
        schedule.anchor = anchor;
        schedule.slot = anchor == null ? 0 : slot;
        return schedule;
    }

    /** When the first read started (null before it): read n is due at anchor + n × interval. */
    public Instant anchor() {
        return anchor;
    }

    /** The read the schedule is at: the one started last, or, after {@link #delayUntilNext}, the next. */
    public long slot() {
        return slot;
    }

    /** Records that a read started at {@code at}; the first read anchors the schedule. Returns how late it was. */
    public Duration readStarted(Instant at) {
        if (anchor == null) {
            anchor = at;
            slot = 0;
            return Duration.ZERO;
        }
        Duration late = Duration.between(due(slot), at);
        return late.isNegative() ? Duration.ZERO : late;
    }

    /** The wait, from {@code now}, until the next read's slot (the first slot still ahead). */
    public Duration delayUntilNext(Instant now) {
        if (anchor == null) {
            return Duration.ZERO;
        }
        slot++;
        while (due(slot).isBefore(now)) {
            slot++;
        }
        return Duration.between(now, due(slot));
    }

    private Instant due(long n) {
        return anchor.plus(interval.multipliedBy(n));
    }
}
