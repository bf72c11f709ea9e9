package dev.cognigyops.botdeploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Cognigy answers 429 when a deployment's status is read more than 12 times a minute (docs/contract.md#calls-out,
 * seed 001). This sliding window keeps every deployment under that limit, however many runs poll
 * at once and whether the read is a poll or a retry of one: each read first reserves its moment
 * here, and goes out no earlier. At most {@code limit} reservations of one deployment fall in any
 * {@code window} plus {@code margin}; reservations of one deployment never go back in time. The
 * margin absorbs what happens between a reservation and the server receiving the read (the rest
 * of the route, the network), which would otherwise let the server count one read too many.
 */
public final class StatusReadLimiter {

    private final int limit;
    private final Duration spacing;
    private final Clock clock;
    private final Map<String, Deque<Instant>> reads = new HashMap<>();

    public StatusReadLimiter(int limit, Duration window, Duration margin, Clock clock) {
        if (limit < 1 || window.isNegative() || window.isZero() || margin.isNegative()) {
            throw new IllegalArgumentException("a status read limit needs limit >= 1, a positive window and a margin >= 0");
        }
        this.limit = limit;
        this.spacing = window.plus(margin);
        this.clock = clock;
    }

    /**
     * Reserves the earliest moment, not before {@code earliest}, at which {@code deploymentId} may
     * be read again within the limit, and returns it.
     */
    public synchronized Instant reserve(String deploymentId, Instant earliest) {
        Instant now = clock.instant();
        // deployments nobody has read for a whole window are forgotten
        reads.values().removeIf(times -> !times.getLast().isAfter(now.minus(spacing)));
        Deque<Instant> times = reads.computeIfAbsent(deploymentId, id -> new ArrayDeque<>());
        Instant at = earliest;
        if (!times.isEmpty() && times.getLast().isAfter(at)) {
            at = times.getLast();
        }
        if (times.size() >= limit) {
            // the oldest of the last `limit` reads must have left the window
            Instant freed = times.getFirst().plus(spacing);
            if (freed.isAfter(at)) {
                at = freed;
            }
        }
        times.addLast(at);
        while (times.size() > limit) {
            times.removeFirst();
        }
        return at;
    }

    /** The wait, from now, before a read of {@code deploymentId} that wants to go out after {@code wantedWait}. */
    public Duration reserveWait(String deploymentId, Duration wantedWait) {
        Instant now = clock.instant();
        Instant at = reserve(deploymentId, now.plus(wantedWait));
        Duration wait = Duration.between(now, at);
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}
