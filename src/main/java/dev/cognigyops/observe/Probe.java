package dev.cognigyops.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One dependency's probe, bounded and kept briefly: asked at most once per {@code keepFor} (a Kubernetes
 * probe every few seconds on each pod must not hammer the tenant), never waited for longer than
 * {@code timeout} (a store or a broker that does not answer is DOWN after it, not after the client's own
 * much longer timeouts), and never run twice at once (a probe still under way is waited for, not doubled).
 */
public final class Probe {

    /** What a probe found: whether the dependency answered, a line saying so, and details. */
    public record Outcome(boolean up, String message, Map<String, Object> details) {
        public static Outcome up(String message, Map<String, Object> details) {
            return new Outcome(true, message, details);
        }

        public static Outcome down(String message, Map<String, Object> details) {
            return new Outcome(false, message, details);
        }
    }

    private final String what;
    private final Callable<Outcome> work;
    private final Duration timeout;
    private final Duration keepFor;
    private final Clock clock;
    private final Executor executor;

    private CompletableFuture<Outcome> running;
    private Outcome last;
    private Instant lastAt;

    /**
     * @param what    the dependency, for the messages ("the run store")
     * @param work    the probe; it may block; an exception is the dependency's failure
     * @param timeout how long a probe is waited for
     * @param keepFor how long an outcome is answered again without asking (zero: ask every time)
     */
    public Probe(String what, Callable<Outcome> work, Duration timeout, Duration keepFor, Clock clock, Executor executor) {
        this.what = what;
        this.work = work;
        this.timeout = timeout;
        this.keepFor = keepFor;
        this.clock = clock;
        this.executor = executor;
    }

    /** The dependency's state now, or as it was found at most {@code keepFor} ago. */
    public Outcome check() {
        CompletableFuture<Outcome> probe;
        synchronized (this) {
            Instant now = clock.instant();
            if (last != null && now.isBefore(lastAt.plus(keepFor))) {
                return last;
            }
            if (running == null) {
                CompletableFuture<Outcome> started = CompletableFuture.supplyAsync(this::runWork, executor);
                running = started;
                // may run at once, on this thread, when the probe was quick
                started.whenComplete((o, e) -> finished(started, o));
                probe = started;
            } else {
                probe = running;
            }
        }
        try {
            return probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.down(what + " did not answer within " + timeout.toMillis() + " ms",
                    Map.of("timeoutMs", timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.down("the probe of " + what + " was interrupted", Map.of());
        } catch (ExecutionException e) {
            return failed(e.getCause());
        }
    }

    private Outcome runWork() {
        try {
            return work.call();
        } catch (Exception e) {
            return failed(e);
        }
    }

    private synchronized void finished(CompletableFuture<Outcome> probe, Outcome outcome) {
        if (running == probe) {
            running = null;
        }
        if (outcome != null) {
            last = outcome;
            lastAt = clock.instant();
        }
    }

    private Outcome failed(Throwable e) {
        String reason = e == null ? "unknown" : e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + dev.cognigyops.support.Secrets.redact(e.getMessage()));
        return Outcome.down(what + " does not answer: " + reason, Map.of());
    }
}
