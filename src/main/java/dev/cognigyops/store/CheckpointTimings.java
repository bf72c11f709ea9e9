package dev.cognigyops.store;

import java.util.Arrays;

/**
 * How many checkpoints were saved and how long they took, over one period: what the run store costs
 * while runs go on. {@link #take()} gives the period's figures and starts the next. Thread-safe.
 */
public final class CheckpointTimings {

    /** The figures of one period: count, and the 50th/99th percentile and longest time in ms. */
    public record Period(long count, double p50Ms, double p99Ms, double maxMs) {
    }

    private static final int KEPT = 4096;
    private final long[] nanos = new long[KEPT];
    private long count;

    /** One checkpoint saved in {@code elapsedNanos}. Past {@value #KEPT} in a period, a random kept one is replaced. */
    public synchronized void saved(long elapsedNanos) {
        if (count < KEPT) {
            nanos[(int) count] = elapsedNanos;
        } else {
            long slot = java.util.concurrent.ThreadLocalRandom.current().nextLong(count + 1);
            if (slot < KEPT) {
                nanos[(int) slot] = elapsedNanos;
            }
        }
        count++;
    }

    /** This period's figures; the next period starts empty. */
    public synchronized Period take() {
        int kept = (int) Math.min(count, KEPT);
        long[] sorted = Arrays.copyOf(nanos, kept);
        Arrays.sort(sorted);
        Period period = kept == 0 ? new Period(0, 0, 0, 0)
                : new Period(count, ms(sorted[(kept - 1) / 2]), ms(sorted[(int) Math.ceil(kept * 0.99) - 1]), ms(sorted[kept - 1]));
        count = 0;
        return period;
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
