package dev.cognigyops.observe;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The service's own metrics (docs/contract.md §8), on the registry Camel serves at {@code /observe/metrics}:
 * runs started and finished, their durations, runs in flight and waiting, calls out with their latencies,
 * retries, 429s and resumed runs. Prometheus names (Micrometer's {@code cognigy.runs.started} is scraped as
 * {@code cognigy_runs_started_total}); every label value is one of a bounded set — an operation this program
 * knows (else {@code other}), a trigger, a status, a call target, an outcome — never a run id or a URL.
 * On the command line there is no registry to serve: {@link #none()} counts into nothing.
 */
public final class OpsMetrics {

    /** The bean name the routes and the wiring use. */
    public static final String BEAN = "opsMetrics";
    /** An operation label for a request whose operation this program does not know (a REJECTED run). */
    public static final String OTHER = "other";
    /** The operation label of a call made outside any run. */
    public static final String NO_RUN = "none";

    /** Buckets of a run's duration: from a rejected request (ms) to a day-long training monitor. */
    static final Duration[] RUN_BUCKETS = seconds(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 21600, 86400);
    /** Buckets of one call's latency, retries and their waits included. */
    static final Duration[] CALL_BUCKETS = seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300);

    private final MeterRegistry registry;
    private final Set<String> operations;
    private final ConcurrentMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /**
     * @param registry   where the meters live (Camel's Prometheus registry in the service)
     * @param operations the operations this program runs: any other name is counted as {@value #OTHER}
     */
    public OpsMetrics(MeterRegistry registry, Collection<String> operations) {
        this.registry = registry;
        this.operations = Set.copyOf(operations);
        for (String operation : this.operations) {
            inFlightOf(operation);
        }
    }

    /** Metrics that go nowhere (the command line, and tests of classes that do not look at them). */
    public static OpsMetrics none() {
        return new OpsMetrics(new CompositeMeterRegistry(), Set.of());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A run was opened: ACCEPTED or REJECTED (a duplicate is no run). */
    public void runStarted(String operation, String trigger) {
        Counter.builder("cognigy.runs.started").description("runs opened (accepted or rejected), by operation and trigger")
                .tag("operation", operation(operation)).tag("trigger", label(trigger)).register(registry).increment();
    }

    /** A run ended with its result. */
    public void runFinished(String operation, String trigger, String status, Duration duration) {
        String op = operation(operation);
        Counter.builder("cognigy.runs.finished").description("runs ended with a result, by operation, trigger and status")
                .tag("operation", op).tag("trigger", label(trigger)).tag("status", label(status)).register(registry).increment();
        Timer.builder("cognigy.run.duration").description("how long runs took, from opened to result")
                .tag("operation", op).tag("status", label(status)).serviceLevelObjectives(RUN_BUCKETS)
                .register(registry).record(duration.isNegative() ? Duration.ZERO : duration);
    }

    /** An accepted run began work on one of this instance's workers. */
    public void runWorking(String operation) {
        inFlightOf(operation(operation)).incrementAndGet();
    }

    /** A run that was working ended here, with a result or left to be resumed. */
    public void runDone(String operation) {
        inFlightOf(operation(operation)).updateAndGet(n -> Math.max(0, n - 1));
    }

    /** A run was claimed from the run store to go on from its checkpoint (RUN_RESUMED). */
    public void runResumed(String operation) {
        Counter.builder("cognigy.runs.resumed").description("runs taken over from the run store and gone on with")
                .tag("operation", operation(operation)).register(registry).increment();
    }

    /**
     * A call out ended (after its retries).
     *
     * @param target  {@link CallTarget}: cognigy, webhook, mlflow, s3, download
     * @param outcome {@link CallOutcome}
     */
    public void callMade(String target, String operation, String outcome, Duration latency) {
        recordCall(target, operation == null ? NO_RUN : operation(operation), outcome, latency);
    }

    /**
     * A call to S3 ended: its {@code operation} label is the S3 request (PutObject, CopyObject, ...), a name from
     * the SDK's bounded set; the run it serves is not known where the SDK calls.
     */
    public void s3CallMade(String request, String outcome, Duration latency) {
        recordCall(CallTarget.S3, request == null || !request.matches("[A-Za-z]{1,64}") ? OTHER : request, outcome, latency);
    }

    private void recordCall(String target, String op, String outcome, Duration latency) {
        Counter.builder("cognigy.calls").description("calls out, by target, operation and outcome (retries are one call)")
                .tag("target", label(target)).tag("operation", op).tag("outcome", label(outcome)).register(registry).increment();
        Timer.builder("cognigy.call.duration").description("how long calls out took, their retries and waits included")
                .tag("target", label(target)).tag("operation", op).tag("outcome", label(outcome))
                .serviceLevelObjectives(CALL_BUCKETS).register(registry)
                .record(latency.isNegative() ? Duration.ZERO : latency);
    }

    /** A failed attempt of a call is tried again. */
    public void retried(String target, String operation) {
        Counter.builder("cognigy.call.retries").description("attempts of calls out tried again")
                .tag("target", label(target)).tag("operation", operation == null ? NO_RUN : operation(operation))
                .register(registry).increment();
    }

    /** An attempt of a call was answered 429 Too Many Requests. */
    public void rateLimited(String target, String operation) {
        Counter.builder("cognigy.rate.limited").description("attempts of calls out answered 429")
                .tag("target", label(target)).tag("operation", operation == null ? NO_RUN : operation(operation))
                .register(registry).increment();
    }

    /** The gauge of runs waiting for a worker: {@code waiting} is asked at every scrape. */
    public void waitingFrom(Supplier<Number> waiting) {
        Gauge.builder("cognigy.runs.waiting", waiting, w -> {
            Number n = w.get();
            return n == null ? 0 : n.doubleValue();
        }).description("runs in the run store that this instance has taken and that wait for one of its workers")
                .strongReference(true).register(registry);
    }

    /** The label of an operation: its name when this program runs it, else {@value #OTHER}. */
    String operation(String operation) {
        return operation != null && operations.contains(operation) ? operation : OTHER;
    }

    private AtomicInteger inFlightOf(String operation) {
        return inFlight.computeIfAbsent(operation, op -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder("cognigy.runs.in.flight", n, AtomicInteger::get)
                    .description("runs working on this instance (between polls too), by operation")
                    .tag("operation", op).register(registry);
            return n;
        });
    }

    private static String label(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }

    private static Duration[] seconds(double... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.ofNanos((long) (values[i] * 1_000_000_000L));
        }
        return d;
    }
}
