package dev.cognigyops.calls;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * The retry decision of docs/contract.md#calls-out, for one outbound call: after a failure, retry or give up, and
 * how long to wait first.
 * <ul>
 *   <li>401: renew the token and retry at once, one time only;</li>
 *   <li>429: wait for {@code Retry-After} (seconds or HTTP date) capped at {@link Limits#retryAfterCap},
 *       or the backoff when absent, plus jitter;</li>
 *   <li>5xx, 408, connection refused or reset, timeouts, truncated bodies: exponential backoff with jitter;</li>
 *   <li>any other 4xx and anything else: give up at once;</li>
 *   <li>never more than {@link Limits#maxAttempts} attempts, and never a wait that ends after the deadline.</li>
 * </ul>
 */
public final class RetryPolicy {

    /** Bounds and pacing for one call; from the {@code cognigy.retry.*} settings. */
    public record Limits(int maxAttempts, Duration deadline, Duration firstDelay, double multiplier,
                         Duration maxDelay, Duration retryAfterCap, double jitter) {
    }

    /** What to do after the {@code attempt}-th failed attempt. */
    public record Decision(boolean retry, long delayMs, boolean renewToken, String reason) {
        static Decision giveUp(String reason) {
            return new Decision(false, 0, false, reason);
        }
    }

    private final DoubleSupplier random;

    public RetryPolicy(DoubleSupplier random) {
        this.random = random;
    }

    /**
     * @param failure      what the attempt raised
     * @param attempt      how many attempts have been made (1 after the first failure)
     * @param startedAt    when the first attempt started
     * @param now          the current time
     * @param tokenRenewed whether the token was already renewed once during this call
     */
    public Decision decide(Throwable failure, int attempt, Instant startedAt, Instant now, boolean tokenRenewed,
                           Limits limits) {
        int status = Failures.status(failure);
        if (status == 401) {
            return tokenRenewed ? Decision.giveUp("401 after renewing the token")
                    : bounded(new Decision(true, 0, true, "401: renewing the token"), attempt, startedAt, now, limits);
        }
        long delay;
        String reason;
        if (status == 429) {
            delay = RetryAfter.parse(Failures.header(failure, "Retry-After"), now)
                    .map(d -> Math.min(d.toMillis(), limits.retryAfterCap().toMillis()))
                    .orElseGet(() -> backoff(attempt, limits));
            delay = withJitter(delay, limits);
            reason = "429 rate limited";
        } else if (status >= 500 || status == 408) {
            delay = withJitter(backoff(attempt, limits), limits);
            reason = status + " from server";
        } else if (status == 0 && Failures.isTransport(failure)) {
            delay = withJitter(backoff(attempt, limits), limits);
            reason = Failures.isTimeout(failure) ? "timeout" : "connection failure";
        } else {
            return Decision.giveUp(status > 0 ? status + " is not retryable" : "not retryable");
        }
        return bounded(new Decision(true, delay, false, reason), attempt, startedAt, now, limits);
    }

    private Decision bounded(Decision wanted, int attempt, Instant startedAt, Instant now, Limits limits) {
        if (attempt >= limits.maxAttempts()) {
            return Decision.giveUp(wanted.reason() + "; gave up after " + attempt + " attempts");
        }
        Instant deadline = startedAt.plus(limits.deadline());
        if (now.plusMillis(wanted.delayMs()).isAfter(deadline)) {
            return Decision.giveUp(wanted.reason() + "; the next attempt would pass the "
                    + limits.deadline().toSeconds() + " s deadline");
        }
        return wanted;
    }

    private long backoff(int attempt, Limits limits) {
        double delay = limits.firstDelay().toMillis() * Math.pow(limits.multiplier(), Math.max(0, attempt - 1));
        return (long) Math.min(delay, limits.maxDelay().toMillis());
    }

    /** Adds up to {@code jitter} × delay, so that many clients told to wait do not come back at once. */
    private long withJitter(long delay, Limits limits) {
        return delay + (long) (delay * limits.jitter() * random.getAsDouble());
    }
}
