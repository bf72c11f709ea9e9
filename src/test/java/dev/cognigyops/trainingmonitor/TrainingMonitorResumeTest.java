package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;



import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.trainingmonitor.MonitorStubs.PROJECT;
import static dev.cognigyops.trainingmonitor.MonitorStubs.jobPath;
import static dev.cognigyops.trainingmonitor.MonitorStubs.metric;
import static dev.cognigyops.trainingmonitor.MonitorStubs.request;
import static dev.cognigyops.trainingmonitor.MonitorStubs.status;
import static dev.cognigyops.trainingmonitor.MonitorStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A training monitor in the middle: a run entered with a saved state goes on from its phase. One
 * saved while WATCHING (three reads done, metrics and peaks recorded) goes on reading the same job —
 * no MONITOR_START again — to the job's final state, its statistics and aggregated metrics including
 * the saved ones; one saved with the cancellation due cancels without reading the status again.
 */
class TrainingMonitorResumeTest extends AppTestSupport {

    static final Instant METRICS_DAY = Instant.parse("2026-11-21T06:00:00Z");

    MonitorStubs stubs;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "30");
        return p;
    }

    @Override
    protected void doPostSetup() {
        stubs = new MonitorStubs(cognigy);
        cognigy.stubFor(post("/hooks/mlops").willReturn(aResponse().withStatus(204)));
    }


    static JobStatus running(String jobId, double progress, double cpu, double loss, int second) {
        return new JobStatus(jobId, TrainingState.RUNNING, progress, List.of(
                new JobStatus.Metric(METRICS_DAY.plusSeconds(second), "loss", loss, "ratio"),
                new JobStatus.Metric(METRICS_DAY.plusSeconds(second), "accuracy", 1 - loss, "ratio")),
                cpu, 50, null, METRICS_DAY, null);
    }

    /** A monitor of {@code jobId} that has read its status three times (RUNNING 20%, 40%, 40%; CPU up to 85%). */
    TrainingMonitorRun watchedThreeTimes(String jobId) {
        TrainingMonitorRun run = TrainingMonitorRun.start(new MonitorRequest(PROJECT, jobId,
                cognigy.baseUrl() + "/hooks/mlops", Duration.ofSeconds(1), CancellationPolicy.DEFAULT))
                .at(TrainingMonitorRun.Phase.WATCHING);
        long now = System.currentTimeMillis() - 3_000;
        JobStatus[] answers = {running(jobId, 20, 60, 0.9, 1), running(jobId, 40, 85, 0.5, 2), running(jobId, 40, 70, 0.5, 2)};
        for (JobStatus answer : answers) {
            run = run.readStarted(now).answered(15, 1).seen(answer, now + 15, 50).scheduled(now + 15);
            now += 1_000;
        }
        return run;
    }

    @Test
    void aMonitorResumedWhileWatchingGoesOnWatchingTheSameJob() throws Exception {
        TrainingMonitorRun saved = watchedThreeTimes("job-r");
        stubs.sequence("job-r", List.of(
                status("job-r", "RUNNING", 60, 40, 50, metric("loss", 0.4, 3)),
                status("job-r", "COMPLETED", 100, 30, 40, metric("loss", 0.2, 4))));

        JsonNode result = runFrom(saved, request("resumed-watching", "job-r", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("finalState").asText()).isEqualTo("COMPLETED");
        assertThat(out.path("progressPercent").asDouble()).isEqualTo(100.0);
        JsonNode loss = out.path("aggregatedMetrics").path("loss");
        assertThat(loss.path("count").asInt()).as("2 saved entries + 2 read now").isEqualTo(4);
        assertThat(loss.path("mean").asDouble()).isCloseTo((0.9 + 0.5 + 0.4 + 0.2) / 4, within(1e-9));
        assertThat(loss.path("last").asDouble()).isEqualTo(0.2);
        assertThat(out.path("aggregatedMetrics").path("accuracy").path("count").asInt()).as("only saved ones").isEqualTo(2);
        assertThat(out.path("statistics").path("polls").asInt()).as("3 saved reads + 2 now").isEqualTo(5);

        // the same job, read on from where it was: two reads, nothing cancelled
        cognigy.verify(exactly(2), getRequestedFor(urlEqualTo(statusPath("job-r"))));
        cognigy.verify(exactly(0), deleteRequestedFor(urlEqualTo(jobPath("job-r"))));
        JsonNode hook = Json.parse(cognigy.findAll(postRequestedFor(urlEqualTo("/hooks/mlops"))).get(0).getBodyAsString());
        assertThat(hook.path("resource_peak").path("cpu").asDouble()).as("the saved peak").isEqualTo(85.0);
        assertThat(hook.path("aggregated_metrics")).isEqualTo(out.path("aggregatedMetrics"));
        assertThat(auditActions("resumed-watching")).containsExactly("RUN_STARTED", "STATUS_CHECK", "STATUS_CHECK",
                "WEBHOOK_SENT", "MONITOR_COMPLETE", "RUN_FINISHED");
        JsonNode first = auditEvents().stream().filter(e -> "resumed-watching".equals(e.path("runId").asText())
                && "STATUS_CHECK".equals(e.path("action").asText())).findFirst().orElseThrow();
        assertThat(first.path("details").path("lateness_ms").asLong()).as("the time away is not lateness").isZero();
    }

    @Test
    void aMonitorResumedWithTheCancellationDueCancelsWithoutReadingAgain() throws Exception {
        TrainingMonitorRun saved = watchedThreeTimes("job-c").cancelRequested(new TrainingMonitorRun.PolicyBreach(
                "cpu_threshold_exceeded", "CPU use 97.5% is above the threshold of 95.0%"));
        stubs.cancellable("job-c");

        JsonNode result = runFrom(saved, request("resumed-cancel", "job-c", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(result.path("output").path("cancelReason").asText()).startsWith("cpu_threshold_exceeded: CPU use 97.5%");
        cognigy.verify(exactly(1), deleteRequestedFor(urlEqualTo(jobPath("job-c"))));
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(statusPath("job-c"))));
        assertThat(auditActions("resumed-cancel")).containsExactly("RUN_STARTED", "TRAINING_JOB_CANCELLED",
                "WEBHOOK_SENT", "MONITOR_COMPLETE", "RUN_FINISHED");
    }

    @Test
    void aMonitorResumedAfterTheCancellationOnlyNotifiesAndFinishes() throws Exception {
        TrainingMonitorRun saved = watchedThreeTimes("job-d").cancelRequested(new TrainingMonitorRun.PolicyBreach(
                "progress_stagnated", "progress has stayed at 40.0% for 300 s (limit 300 s)"))
                .cancelledAt("2026-11-21T07:00:00Z");

        JsonNode result = runFrom(saved, request("resumed-cancelled", "job-d", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        cognigy.verify(exactly(0), deleteRequestedFor(urlEqualTo(jobPath("job-d"))));
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(statusPath("job-d"))));
        JsonNode hook = Json.parse(cognigy.findAll(postRequestedFor(urlEqualTo("/hooks/mlops"))).get(0).getBodyAsString());
        assertThat(hook.path("completed_at").asText()).isEqualTo("2026-11-21T07:00:00Z");
        assertThat(auditActions("resumed-cancelled")).containsExactly("RUN_STARTED", "WEBHOOK_SENT", "MONITOR_COMPLETE",
                "RUN_FINISHED");
    }
}
