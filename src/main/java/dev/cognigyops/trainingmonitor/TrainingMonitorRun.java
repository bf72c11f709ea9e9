package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cognigyops.runs.OperationState;

/**
 * Everything one training-monitor run knows, as one value (written as JSON and read back equal):
 * what was asked, how far it got ({@link Phase}), where its fixed-rate schedule is, what it has seen
 * of the job (last state, progress and when it last changed, peaks, the latest metric entries —
 * never more than the window's capacity, so a saved state does not grow with the job's length),
 * and its statistics. Each step of {@code routes/operations/training-monitor.camel.yaml} that learns or changes
 * something returns the next value; a run restored from one goes on from its phase.
 *
 * <p>Phases in order: STARTED (nothing done), WATCHING (MONITOR_START recorded; reading the status),
 * CANCEL_REQUESTED (the policy was breached with auto-cancel on; the DELETE is due), CANCELLED (the
 * DELETE was answered), FINISHED (the job ended by itself), WEBHOOK_NOTIFIED. A cancelled run goes
 * from CANCELLED to WEBHOOK_NOTIFIED, a finished job from WATCHING to FINISHED: each phase past
 * WATCHING means the watching is over.
 *
 * @param pollIntervalSeconds the payload's interval: read n is due at the first read + n × it
 * @param reads               the schedule's position and the read in progress
 * @param job                 what the answers said
 * @param consecutiveMalformed malformed answers in a row
 * @param breach              the policy breach of the last well-formed answer while it lasts (or the one that cancelled the job)
 * @param finalState          the job's final state, once it has one (CANCELLED when this monitor cancelled it)
 * @param cancelled           whether this monitor cancelled the job
 * @param webhook             what became of the webhook ({@code delivered}, {@code attempts}, {@code error}), once notified
 */
public record TrainingMonitorRun(Phase phase, String projectId, String jobId, String webhookUrl, long pollIntervalSeconds,
                                 CancellationPolicy policy, Reads reads, Seen job, int consecutiveMalformed,
                                 PolicyBreach breach, TrainingState finalState, boolean cancelled,
                                 Statistics statistics, Map<String, Object> webhook) implements OperationState {

    /** The exchange property that holds it (the same for every operation's state). */
    public static final String PROPERTY = OperationState.PROPERTY;

    /** How far a run got; see the class comment for the order. */
    public enum Phase {
        STARTED, WATCHING, CANCEL_REQUESTED, CANCELLED, FINISHED, WEBHOOK_NOTIFIED
    }

    /**
     * The fixed-rate schedule ({@link PollSchedule}) and the read in progress.
     *
     * @param anchorMs    when the first read started (epoch ms; null before it)
     * @param slot        the schedule's read number
     * @param nextDelayMs the wait before the next read, from the last answer's time
     * @param startedAtMs when the read in progress was sent (epoch ms)
     * @param inFlight    a read was sent and its answer not yet taken in: a failure now is that read's
     * @param latenessMs  how late the read in progress started against its slot
     */
    public record Reads(Long anchorMs, long slot, long nextDelayMs, long startedAtMs, boolean inFlight, long latenessMs) {
        static final Reads NONE = new Reads(null, 0, 0, 0, false, 0);
    }

    /**
     * What the well-formed answers said.
     *
     * @param state               the job's last state (null before the first answer)
     * @param progressChangedAtMs when the progress last changed while RUNNING, or the job was first seen running (epoch ms)
     * @param completedAt         the job's completed_at (ISO-8601), or the time this monitor cancelled it
     * @param metrics             the latest metric entries, oldest first, at most the window's capacity
     */
    public record Seen(TrainingState state, double progress, Long progressChangedAtMs, double peakCpu, double peakMemory,
                       String completedAt, List<Metric> metrics) {

        static final Seen NOTHING = new Seen(null, 0, null, 0, 0, null, List.of());

        public Seen {
            metrics = List.copyOf(metrics);
        }

        /** After a well-formed answer read at {@code nowMs}, keeping at most {@code capacity} metric entries. */
        Seen next(JobStatus status, long nowMs, int capacity) {
            TrainingState after = status.state();
            Long changedAt = progressChangedAtMs;
            if (after == TrainingState.RUNNING && (state != TrainingState.RUNNING || status.progressPercent() != progress)) {
                changedAt = nowMs;
            }
            MetricWindow window = window(capacity);
            window.addAll(status.metrics());
            return new Seen(after, status.progressPercent(), changedAt, Math.max(peakCpu, status.cpuUsage()),
                    Math.max(peakMemory, status.memoryUsage()),
                    status.completedAt() == null ? completedAt : status.completedAt().toString(),
                    window.entries().stream().map(Metric::of).toList());
        }

        Seen completedAt(String at) {
            return new Seen(state, progress, progressChangedAtMs, peakCpu, peakMemory, at, metrics);
        }

        /** The metric window these entries make. */
        MetricWindow window(int capacity) {
            MetricWindow window = new MetricWindow(capacity);
            window.addAll(metrics.stream().map(Metric::entry).toList());
            return window;
        }
    }

    /** One metric entry as kept ({@code timestamp} ISO-8601, exactly as read). */
    public record Metric(String timestamp, String name, double value, String unit) {
        static Metric of(JobStatus.Metric m) {
            return new Metric(m.timestamp().toString(), m.name(), m.value(), m.unit());
        }

        JobStatus.Metric entry() {
            return new JobStatus.Metric(Instant.parse(timestamp), name, value, unit);
        }
    }

    /** A breach of the policy: its short reason ({@code cpu_threshold_exceeded}, …) and its sentence. */
    public record PolicyBreach(String reason, String message) {
        static PolicyBreach of(CancellationPolicy.Breach b) {
            return new PolicyBreach(b.reason(), b.message());
        }
    }

    /** Reads answered (or given up), malformed or failed ones, retries, and the total latency. */
    public record Statistics(int polls, int errors, int retries, long latencyTotalMs) {
        static final Statistics NONE = new Statistics(0, 0, 0, 0);

        Statistics answered(long latencyMs, int attempts) {
            return new Statistics(polls + 1, errors, retries + Math.max(0, attempts - 1), latencyTotalMs + latencyMs);
        }

        Statistics error() {
            return new Statistics(polls, errors + 1, retries, latencyTotalMs);
        }

        long meanLatencyMs() {
            return polls == 0 ? 0 : Math.round((double) latencyTotalMs / polls);
        }

        /** As shown in the output and the audit: {@code {polls, errors, retries, meanLatencyMs}}. */
        Map<String, Object> shown() {
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("polls", polls);
            stats.put("errors", errors);
            stats.put("retries", retries);
            stats.put("meanLatencyMs", meanLatencyMs());
            return stats;
        }
    }

    /** A new run of {@code request}: nothing done yet. */
    static TrainingMonitorRun start(MonitorRequest request) {
        return new TrainingMonitorRun(Phase.STARTED, request.projectId(), request.jobId(), request.webhookUrl(),
                request.pollInterval().toSeconds(), request.policy(), Reads.NONE, Seen.NOTHING, 0, null, null, false,
                Statistics.NONE, null);
    }

    /** For the route's filters: has the run not yet reached {@code phase}? */
    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    /** For the route's filters: is the run at {@code phase}? */
    public boolean isAt(String phase) {
        return this.phase == Phase.valueOf(phase);
    }

    public boolean hasWebhook() {
        return webhookUrl != null;
    }

    MonitorRequest request() {
        return new MonitorRequest(projectId, jobId, webhookUrl, Duration.ofSeconds(pollIntervalSeconds), policy);
    }

    @Override
    public Map<String, String> pathValues() {
        return Map.of("projectId", projectId, "jobId", jobId);
    }

    @Override
    public String resource() {
        return "training:" + projectId + ":" + jobId;
    }

    /** Watching is over once the job has ended or is to be cancelled. */
    @Override
    public boolean pollDone() {
        return !isBefore(Phase.CANCEL_REQUESTED.name());
    }

    @Override
    public String pollStatus() {
        if (consecutiveMalformed > 0) {
            return "the last status answer was malformed";
        }
        if (job.state() == null) {
            return "training job " + jobId + " not read yet";
        }
        return "training job " + jobId + " is " + job.state() + " (" + job.progress() + "%)"
                + (breach == null ? "" : ", breaching its policy: " + breach.message());
    }

    /**
     * While the job is watched, a new state only records what its status reads learned: a resumed
     * monitor reads the job again, so these states are saved at most every
     * cognigy.store.reads-checkpoint-seconds, and at every change of phase.
     */
    @Override
    public boolean onlyReadsSince(dev.cognigyops.runs.OperationState saved) {
        return saved instanceof TrainingMonitorRun before && before.phase == Phase.WATCHING && phase == Phase.WATCHING;
    }

    /** The monitor's own pace: the wait until the schedule's next slot. */
    @Override
    public long pollDelayMs() {
        return reads.nextDelayMs();
    }

    PollSchedule schedule() {
        return PollSchedule.resume(Duration.ofSeconds(pollIntervalSeconds),
                reads.anchorMs() == null ? null : Instant.ofEpochMilli(reads.anchorMs()), reads.slot());
    }

    // ---- the next values

    TrainingMonitorRun at(Phase next) {
        return new TrainingMonitorRun(next, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, reads, job,
                consecutiveMalformed, breach, finalState, cancelled, statistics, webhook);
    }

    /**
     * Going on from a saved state: the schedule starts again at the next read (the time the run was
     * away is not lateness), and a read that was in flight when it was saved is forgotten (it is read again).
     */
    TrainingMonitorRun resumed() {
        return withReads(Reads.NONE);
    }

    /** A status read starts at {@code nowMs}: the schedule is anchored by the first. */
    TrainingMonitorRun readStarted(long nowMs) {
        PollSchedule schedule = schedule();
        long lateness = schedule.readStarted(Instant.ofEpochMilli(nowMs)).toMillis();
        return withReads(new Reads(schedule.anchor().toEpochMilli(), schedule.slot(), reads.nextDelayMs(), nowMs, true, lateness));
    }

    /** The read in flight was answered after {@code latencyMs}, in {@code attempts} attempts. */
    TrainingMonitorRun answered(long latencyMs, int attempts) {
        return new TrainingMonitorRun(phase, projectId, jobId, webhookUrl, pollIntervalSeconds, policy,
                new Reads(reads.anchorMs(), reads.slot(), reads.nextDelayMs(), reads.startedAtMs(), false, reads.latenessMs()),
                job, consecutiveMalformed, breach, finalState, cancelled, statistics.answered(latencyMs, attempts), webhook);
    }

    /** The read in flight gave up (after its retries): counted as a poll and an error. */
    TrainingMonitorRun readFailed(long latencyMs, int attempts) {
        TrainingMonitorRun answered = answered(latencyMs, attempts);
        return new TrainingMonitorRun(phase, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, answered.reads,
                job, consecutiveMalformed, breach, finalState, cancelled, answered.statistics.error(), webhook);
    }

    /** The answer was malformed: one more in a row, one more error. */
    TrainingMonitorRun malformed() {
        return new TrainingMonitorRun(phase, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, reads, job,
                consecutiveMalformed + 1, breach, finalState, cancelled, statistics.error(), webhook);
    }

    /** A well-formed answer read at {@code nowMs}, metric entries kept up to {@code metricCapacity}. */
    TrainingMonitorRun seen(JobStatus status, long nowMs, int metricCapacity) {
        return new TrainingMonitorRun(phase, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, reads,
                job.next(status, nowMs, metricCapacity), 0, breach, finalState, cancelled, statistics, webhook);
    }

    /** The policy's verdict on the last answer while the job goes on: a breach, or none (null). */
    TrainingMonitorRun withBreach(PolicyBreach current) {
        return new TrainingMonitorRun(phase, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, reads, job,
                consecutiveMalformed, current, finalState, cancelled, statistics, webhook);
    }

    /** The next read is due at the schedule's next slot still ahead of {@code nowMs}. */
    TrainingMonitorRun scheduled(long nowMs) {
        PollSchedule schedule = schedule();
        long delay = schedule.delayUntilNext(Instant.ofEpochMilli(nowMs)).toMillis();
        return withReads(new Reads(reads.anchorMs(), schedule.slot(), delay, reads.startedAtMs(), reads.inFlight(),
                reads.latenessMs()));
    }

    /** The job ended by itself in {@code state}. */
    TrainingMonitorRun finished(TrainingState state) {
        return new TrainingMonitorRun(Phase.FINISHED, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, reads, job,
                consecutiveMalformed, null, state, false, statistics, webhook);
    }

    /** The policy was breached with auto-cancel on: the job is to be cancelled. */
    TrainingMonitorRun cancelRequested(PolicyBreach cause) {
        return new TrainingMonitorRun(Phase.CANCEL_REQUESTED, projectId, jobId, webhookUrl, pollIntervalSeconds, policy,
                reads, job, consecutiveMalformed, cause, finalState, cancelled, statistics, webhook);
    }

    /** The DELETE was answered at {@code at} (ISO-8601): the job is CANCELLED by this monitor. */
    TrainingMonitorRun cancelledAt(String at) {
        return new TrainingMonitorRun(Phase.CANCELLED, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, reads,
                job.completedAt(at), consecutiveMalformed, breach, TrainingState.CANCELLED, true, statistics, webhook);
    }

    TrainingMonitorRun withWebhook(Map<String, Object> outcome) {
        return new TrainingMonitorRun(Phase.WEBHOOK_NOTIFIED, projectId, jobId, webhookUrl, pollIntervalSeconds, policy,
                reads, job, consecutiveMalformed, breach, finalState, cancelled, statistics, outcome);
    }

    private TrainingMonitorRun withReads(Reads next) {
        return new TrainingMonitorRun(phase, projectId, jobId, webhookUrl, pollIntervalSeconds, policy, next, job,
                consecutiveMalformed, breach, finalState, cancelled, statistics, webhook);
    }
}
