package dev.cognigyops.cognigyv2;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The tenant's request budget, shared by every run of the instance (docs/contract.md §9): at most
 * {@code requests} calls in any window of {@code window} (Cognigy: 1,000 per 5 minutes). A call is
 * never refused: it is given the earliest moment at or after the one it asks for at which sending it
 * keeps every window within the budget, and waits until then (without a thread: the call route's
 * asynchronous delay, or its retry's redelivery delay). A window is half-open, {@code [t, t + window)}.
 *
 * <p>Permits are reservations of a send time; they may lie in the future (a retry that must first wait
 * out a Retry-After reserves the moment it will be sent), and a later reservation may take an earlier
 * free moment. Times are epoch milliseconds; the caller passes "now", so the decision is testable.
 */
public final class RequestBudget {

    private final int requests;
    private final long windowMs;
    /** Reserved send times, ascending; those older than a window before "now" are forgotten. */
    private final List<Long> reserved = new ArrayList<>();

    public RequestBudget(int requests, Duration window) {
        if (requests < 1) {
            throw new IllegalArgumentException("a request budget must allow at least one request, was " + requests);
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("a request budget's window must be at least 1 ms, was " + window);
        }
        this.requests = requests;
        this.windowMs = window.toMillis();
    }

    /**
     * Reserves one send at the earliest moment at or after {@code earliestMs} that the budget allows.
     *
     * @param nowMs      the current time
     * @param earliestMs when the caller could send at the soonest (now, or after its retry's wait)
     * @return the reserved send time (≥ earliestMs)
     */
    public synchronized long reserve(long nowMs, long earliestMs) {
        forgetBefore(nowMs - windowMs);
        long at = Math.max(nowMs, earliestMs);
        if (!fits(at)) {
            // the earliest later moment that fits is the end of a window that starts at a reservation
            // (reservations are ascending, so the candidates are too: the first that fits is the earliest)
            long found = -1;
            for (int k = 0; k < reserved.size() && found < 0; k++) {
                long candidate = reserved.get(k) + windowMs;
                if (candidate > at && fits(candidate)) {
                    found = candidate;
                }
            }
            if (found < 0) {
                throw new IllegalStateException("no free moment in the request budget");
            }
            at = found;
        }
        int i = Collections.binarySearch(reserved, at);
        reserved.add(i >= 0 ? i : -i - 1, at);
        return at;
    }

    /** The wait (ms) before a call that could go at once may be sent; the send time is reserved. */
    public long waitBeforeSending(long nowMs) {
        return reserve(nowMs, nowMs) - nowMs;
    }

    /** A retry that would wait {@code delayMs}: the wait it must take instead (at least {@code delayMs}). */
    public long waitBeforeRetry(long nowMs, long delayMs) {
        return reserve(nowMs, nowMs + Math.max(0, delayMs)) - nowMs;
    }

    public int requests() {
        return requests;
    }

    public Duration window() {
        return Duration.ofMillis(windowMs);
    }

    /** Whether one more send at {@code t} keeps every window containing it under the budget. */
    private boolean fits(long t) {
        // the reservations in [t - window + 1, t + window - 1]; every window containing t lies in there
        int from = lowerBound(t - windowMs + 1);
        int to = lowerBound(t + windowMs);
        List<Long> near = new ArrayList<>(reserved.subList(from, to));
        int i = Collections.binarySearch(near, t);
        near.add(i >= 0 ? i : -i - 1, t);
        // any `requests + 1` consecutive sends spanning less than a window break the budget
        for (int j = 0; j + requests < near.size(); j++) {
            if (near.get(j + requests) - near.get(j) < windowMs) {
                return false;
            }
        }
        return true;
    }

    private int lowerBound(long t) {
        int lo = 0;
        int hi = reserved.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (reserved.get(mid) < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void forgetBefore(long t) {
        int n = lowerBound(t);
        if (n > 0) {
            reserved.subList(0, n).clear();
        }
    }
}
