package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.time.Instant;

/** One monitor's progress, kept as the exchange property {@value #PROPERTY}. */
final class MonitorState {

    static final String PROPERTY = "trainingMonitor";

    final MonitorRequest request;
    final PollSchedule schedule;
    final MetricWindow metrics;
    TrainingState state;
    double progress;
    Instant progressChangedAt;
    double peakCpu;
    double peakMemory;
    Instant completedAt;
    TrainingState finalState;
    CancellationPolicy.Breach breach;
    String lastBreachAudited;
    boolean cancelled;
    int consecutiveMalformed;
    Instant callStartedAt;
    /** A status read was sent and has not been answered: a failure now is that read's. */
    boolean readInFlight;
    long lastLatenessMs;
    // statistics
    int polls;
    int errors;
    int retries;
    long latencyTotalMs;

    MonitorState(MonitorRequest request, int metricCapacity) {
        this.request = request;
        this.schedule = new PollSchedule(request.pollInterval());
        this.metrics = new MetricWindow(metricCapacity);
    }

    void answered(Duration latency, int attempts) {
        readInFlight = false;
        polls++;
        latencyTotalMs += latency.toMillis();
        retries += Math.max(0, attempts - 1);
    }

    /** A status read that gave up (after its retries): counted as a poll and an error, with its retries. */
    void readFailed(Duration latency, int attempts) {
        answered(latency, attempts);
        errors++;
    }

    long meanLatencyMs() {
        return polls == 0 ? 0 : Math.round((double) latencyTotalMs / polls);
    }
}
