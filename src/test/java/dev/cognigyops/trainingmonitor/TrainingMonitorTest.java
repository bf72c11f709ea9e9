package dev.cognigyops.trainingmonitor;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.trainingmonitor.MonitorStubs.jobPath;
import static dev.cognigyops.trainingmonitor.MonitorStubs.metric;
import static dev.cognigyops.trainingmonitor.MonitorStubs.request;
import static dev.cognigyops.trainingmonitor.MonitorStubs.status;
import static dev.cognigyops.trainingmonitor.MonitorStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** training-monitor end to end: what Cognigy and the webhook received, the result and the audit trail. */
class TrainingMonitorTest extends AppTestSupport {

    MonitorStubs stubs;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        // the payload's interval (≥ 1 s) is capped by the loop's max delay: reads 30 ms apart
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "30");
        return p;
    }

    @Override
    protected void doPostSetup() {
        stubs = new MonitorStubs(cognigy);
        cognigy.stubFor(post("/hooks/mlops").willReturn(aResponse().withStatus(204)));
    }

    String hook() {
        return ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/hooks/mlops\"";
    }

    JsonNode webhookBody() throws Exception {
        List<LoggedRequest> hooks = cognigy.findAll(postRequestedFor(urlEqualTo("/hooks/mlops")));
        assertThat(hooks).hasSize(1);
        assertThat(hooks.get(0).getHeader("Authorization")).as("no token to a webhook").isNull();
        return Json.parse(hooks.get(0).getBodyAsString());
    }

    List<JsonNode> events(String runId, String action) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode e : auditEvents()) {
            if (runId.equals(e.path("runId").asText()) && action.equals(e.path("action").asText())) {
                found.add(e);
            }
        }
        return found;
    }

    @Test
    void watchesAJobToCompletionWithMetricsAndNotifiesTheWebhook() throws Exception {
        stubs.sequence("job-1", List.of(
                status("job-1", "QUEUED", 0),
                status("job-1", "RUNNING", 40, 70, 60, metric("loss", 0.9, 1) + "," + metric("accuracy", 0.5, 1)),
                status("job-1", "RUNNING", 80, 85, 75, metric("loss", 0.9, 1) + "," + metric("accuracy", 0.5, 1)
                        + "," + metric("loss", 0.5, 2) + "," + metric("accuracy", 0.7, 2)),
                status("job-1", "COMPLETED", 100, 30, 40, metric("loss", 0.2, 3) + "," + metric("accuracy", 0.9, 3))));

        JsonNode result = run(request("monitor-happy", "job-1", hook()));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("finalState").asText()).isEqualTo("COMPLETED");
        assertThat(out.path("progressPercent").asDouble()).isEqualTo(100.0);
        assertThat(out.path("cancelled").asBoolean()).isFalse();
        assertThat(out.path("cancelReason").isNull()).isTrue();
        assertThat(out.path("aggregatedMetrics").path("loss").path("mean").asDouble()).isCloseTo((0.9 + 0.5 + 0.2) / 3, within(1e-9));
        assertThat(out.path("aggregatedMetrics").path("loss").path("last").asDouble()).isEqualTo(0.2);
        assertThat(out.path("aggregatedMetrics").path("loss").path("count").asInt()).as("repeated entries kept once").isEqualTo(3);
        assertThat(out.path("aggregatedMetrics").path("accuracy").path("last").asDouble()).isEqualTo(0.9);
        JsonNode stats = out.path("statistics");
        assertThat(stats.path("polls").asInt()).isEqualTo(4);
        assertThat(stats.path("errors").asInt()).isZero();
        assertThat(stats.path("retries").asInt()).isZero();
        assertThat(stats.has("meanLatencyMs")).isTrue();
        assertThat(out.path("webhook").path("delivered").asBoolean()).isTrue();

        // what Cognigy received
        cognigy.verify(exactly(4), getRequestedFor(urlEqualTo(statusPath("job-1")))
                .withHeader("Authorization", equalTo("Bearer token-1"))
                .withHeader("Accept", equalTo("application/json")));
        cognigy.verify(exactly(0), deleteRequestedFor(urlEqualTo(jobPath("job-1"))));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/oauth/token"))
                .withRequestBody(containing("scope=ai%3Atraining%3Aread+ai%3Atraining%3Awrite")));

        // the webhook, field by field (seed 002's payload)
        JsonNode hook = webhookBody();
        assertThat(hook.path("job_id").asText()).isEqualTo("job-1");
        assertThat(hook.path("project_id").asText()).isEqualTo(MonitorStubs.PROJECT);
        assertThat(hook.path("final_state").asText()).isEqualTo("COMPLETED");
        assertThat(hook.path("progress").asDouble()).isEqualTo(100.0);
        assertThat(hook.path("completed_at").asText()).isEqualTo("2026-11-21T07:00:00Z");
        assertThat(hook.path("resource_peak").path("cpu").asDouble()).as("peak CPU seen").isEqualTo(85.0);
        assertThat(hook.path("resource_peak").path("memory").asDouble()).as("peak memory seen").isEqualTo(75.0);
        assertThat(hook.path("aggregated_metrics")).isEqualTo(out.path("aggregatedMetrics"));
        assertThat(hook.size()).as(hook.toString()).isEqualTo(7);

        // result file and audit trail
        assertThat(resultFile("monitor-happy")).isEqualTo(result);
        assertThat(auditActions("monitor-happy")).containsExactly("RUN_STARTED", "MONITOR_START", "STATUS_CHECK",
                "STATUS_CHECK", "STATUS_CHECK", "STATUS_CHECK", "WEBHOOK_SENT", "MONITOR_COMPLETE", "RUN_FINISHED");
        JsonNode start = events("monitor-happy", "MONITOR_START").get(0);
        assertThat(start.path("resource").asText()).isEqualTo("training:proj-7:job-1");
        assertThat(start.path("details").path("policy").path("max_cpu_threshold").asDouble()).isEqualTo(95.0);
        JsonNode check = events("monitor-happy", "STATUS_CHECK").get(1);
        assertThat(check.path("details").path("state").asText()).isEqualTo("RUNNING");
        assertThat(check.path("details").path("progress_percent").asDouble()).isEqualTo(40.0);
        assertThat(check.path("details").path("cpu_usage").asDouble()).isEqualTo(70.0);
        // each metric's latest value in its answer, for the page's chart: none at the first read, then one per name
        assertThat(events("monitor-happy", "STATUS_CHECK")).extracting(e -> e.path("details").path("metrics").toString())
                .containsExactly("{}", "{\"accuracy\":0.5,\"loss\":0.9}", "{\"accuracy\":0.7,\"loss\":0.5}",
                        "{\"accuracy\":0.9,\"loss\":0.2}");
        assertThat(events("monitor-happy", "MONITOR_COMPLETE").get(0).path("outcome").asText()).isEqualTo("COMPLETED");
        String everything = Files.readString(workDir.resolve("audit/audit.jsonl")) + result + hook;
        assertThat(everything).doesNotContain(CLIENT_SECRET).doesNotContain("token-1");
    }

    @Test
    void aFailedJobFailsTheRunAndIsReported() throws Exception {
        stubs.sequence("job-f", List.of(status("job-f", "RUNNING", 20), status("job-f", "FAILED", 35)));

        JsonNode result = run(request("monitor-failed", "job-f", hook()));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("job-f").contains("FAILED at 35.0%");
        assertThat(result.path("output").path("finalState").asText()).isEqualTo("FAILED");
        assertThat(webhookBody().path("final_state").asText()).isEqualTo("FAILED");
        assertThat(auditActions("monitor-failed")).contains("MONITOR_COMPLETE").doesNotContain("MONITOR_ERROR");
        assertThat(events("monitor-failed", "RUN_FINISHED").get(0).path("outcome").asText()).isEqualTo("FAILED");
    }

    @Test
    void cpuAboveTheThresholdCancelsTheJob() throws Exception {
        stubs.sequence("job-cpu", List.of(status("job-cpu", "RUNNING", 10, 50, 40, ""),
                status("job-cpu", "RUNNING", 20, 97.5, 40, "")));
        stubs.cancellable("job-cpu");

        JsonNode result = run(request("monitor-cpu", "job-cpu", hook()));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_CANCELLED");
        assertThat(result.path("error").path("message").asText()).contains("CPU use 97.5%");
        JsonNode out = result.path("output");
        assertThat(out.path("finalState").asText()).isEqualTo("CANCELLED");
        assertThat(out.path("cancelled").asBoolean()).isTrue();
        assertThat(out.path("cancelReason").asText()).startsWith("cpu_threshold_exceeded");
        cognigy.verify(exactly(1), deleteRequestedFor(urlEqualTo(jobPath("job-cpu")))
                .withHeader("Authorization", equalTo("Bearer token-1")));
        cognigy.verify(exactly(2), getRequestedFor(urlEqualTo(statusPath("job-cpu"))));

        JsonNode trigger = events("monitor-cpu", "AUTO_CANCEL_TRIGGERED").get(0);
        assertThat(trigger.path("details").path("reason").asText()).isEqualTo("cpu_threshold_exceeded");
        assertThat(trigger.path("details").path("values").path("cpu_usage").asDouble()).isEqualTo(97.5);
        assertThat(trigger.path("details").path("values").path("max_cpu_threshold").asDouble()).isEqualTo(95.0);
        assertThat(auditActions("monitor-cpu")).containsSubsequence("STATUS_CHECK", "AUTO_CANCEL_TRIGGERED",
                "TRAINING_JOB_CANCELLED", "WEBHOOK_SENT", "MONITOR_COMPLETE", "RUN_FINISHED");
        JsonNode hook = webhookBody();
        assertThat(hook.path("final_state").asText()).isEqualTo("CANCELLED");
        assertThat(hook.path("resource_peak").path("cpu").asDouble()).isEqualTo(97.5);
    }

    @Test
    void stagnationIsMeasuredFromTheLastProgressChange() throws Exception {
        // 30 reads (≥ 30 ms apart, so ≥ 0.9 s) with a new progress each, then progress stays put; limit 1 s
        List<String> answers = new ArrayList<>();
        IntStream.range(0, 40).forEach(i -> answers.add(status("job-slow", "RUNNING", i, 40, 40, "")));
        answers.add(status("job-slow", "RUNNING", 40, 40, 40, ""));
        stubs.sequence("job-slow", answers);
        stubs.cancellable("job-slow");

        long started = System.nanoTime();
        JsonNode result = run(request("monitor-stalled", "job-slow", ",\"policy\":{\"maxStagnationSeconds\":1}"));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(result.path("output").path("cancelReason").asText()).startsWith("progress_stagnated");
        assertThat(result.path("output").path("progressPercent").asDouble()).isEqualTo(40.0);
        assertThat(result.path("output").path("statistics").path("polls").asInt())
                .as("no cancellation while the progress moved").isGreaterThan(41);
        assertThat(elapsedMs).as("the 40 moving reads plus 1 s still").isGreaterThanOrEqualTo(40 * 30 + 1000);
        JsonNode trigger = events("monitor-stalled", "AUTO_CANCEL_TRIGGERED").get(0);
        assertThat(trigger.path("details").path("values").path("stagnant_seconds").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(trigger.path("details").path("values").path("progress_percent").asDouble()).isEqualTo(40.0);
        cognigy.verify(exactly(1), deleteRequestedFor(urlEqualTo(jobPath("job-slow"))));
    }

    @Test
    void withAutoCancelOffABreachIsAuditedAndMonitoringGoesOn() throws Exception {
        stubs.sequence("job-hot", List.of(status("job-hot", "RUNNING", 10, 99, 95, ""),
                status("job-hot", "RUNNING", 20, 99, 95, ""), status("job-hot", "RUNNING", 30, 99, 95, ""),
                status("job-hot", "COMPLETED", 100, 20, 20, "")));

        JsonNode result = run(request("monitor-no-cancel", "job-hot", ",\"policy\":{\"enableAutoCancel\":false}"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("cancelled").asBoolean()).isFalse();
        cognigy.verify(exactly(0), deleteRequestedFor(urlEqualTo(jobPath("job-hot"))));
        cognigy.verify(exactly(4), getRequestedFor(urlEqualTo(statusPath("job-hot"))));
        List<JsonNode> breaches = events("monitor-no-cancel", "POLICY_BREACH");
        assertThat(breaches).as("audited once while it lasts").hasSize(1);
        assertThat(breaches.get(0).path("outcome").asText()).isEqualTo("AUTO_CANCEL_DISABLED");
        assertThat(breaches.get(0).path("details").path("values").path("cpu_usage").asDouble()).isEqualTo(99.0);
        assertThat(auditActions("monitor-no-cancel")).doesNotContain("AUTO_CANCEL_TRIGGERED");
    }

    @Test
    void malformedAnswersAreAuditedWithTheirRawPayloadAndToleratedUpToTheLimit() throws Exception {
        stubs.sequence("job-odd", List.of(
                "{\"job_id\":\"job-odd\",\"state\":\"TRAINING\",\"progress_percent\":140}",
                status("job-odd", "RUNNING", 50, 120, 40, ""),
                status("job-odd", "COMPLETED", 100)));

        JsonNode result = run(request("monitor-odd", "job-odd", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("statistics").path("errors").asInt()).isEqualTo(2);
        assertThat(result.path("output").path("statistics").path("polls").asInt()).isEqualTo(3);
        List<JsonNode> errors = events("monitor-odd", "MONITOR_ERROR");
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0).path("outcome").asText()).isEqualTo("MALFORMED_STATUS");
        assertThat(errors.get(0).path("details").path("raw_payload").asText()).contains("\"state\":\"TRAINING\"");
        assertThat(errors.get(0).path("details").path("problems").toString())
                .contains("state: 'TRAINING' is not one of").contains("progress_percent: must be between 0 and 100")
                .contains("resource_utilization: is required");
        assertThat(errors.get(1).path("details").path("problems").toString())
                .contains("resource_utilization.cpu_usage: must be between 0 and 100, was 120");
        assertThat(capturedLog()).contains("raw payload: {\"job_id\":\"job-odd\",\"state\":\"TRAINING\"");
    }

    @Test
    void anAnswerAboutAnotherJobIsMalformed() throws Exception {
        stubs.sequence("job-mine", List.of(status("job-other", "COMPLETED", 100), status("job-mine", "COMPLETED", 100)));

        JsonNode result = run(request("monitor-other", "job-mine", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("statistics").path("polls").asInt()).isEqualTo(2);
        JsonNode error = events("monitor-other", "MONITOR_ERROR").get(0);
        assertThat(error.path("details").path("problems").get(0).asText())
                .isEqualTo("job_id: 'job-other' is not the job asked for ('job-mine')");
    }

    @Test
    void tooManyMalformedAnswersInARowFailTheRun() throws Exception {
        stubs.responses("job-bad", List.of(okJson("{\"job_id\":\"job-bad\"}"),
                aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody("not json at all")));

        JsonNode result = run(request("monitor-bad", "job-bad", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText()).contains("3 malformed status answers in a row")
                .contains("cognigy.monitor.max-consecutive-malformed");
        cognigy.verify(exactly(3), getRequestedFor(urlEqualTo(statusPath("job-bad"))));
        List<JsonNode> errors = events("monitor-bad", "MONITOR_ERROR");
        assertThat(errors).extracting(e -> e.path("outcome").asText())
                .containsExactly("MALFORMED_STATUS", "MALFORMED_STATUS", "MALFORMED_STATUS", "FAILURE");
        assertThat(errors.get(1).path("details").path("raw_payload").asText()).isEqualTo("not json at all");
        assertThat(result.path("output").path("statistics").path("errors").asInt()).isEqualTo(3);
    }

    @Test
    void anUnknownJobFailsNotFoundWithoutRetrying() throws Exception {
        stubs.responses("job-404", List.of(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"training job job-404 not found\"}")));

        JsonNode result = run(request("monitor-404", "job-404", hook()));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.path("error").path("message").asText()).contains("training job job-404 not found");
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(statusPath("job-404"))));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/hooks/mlops")));
        JsonNode error = events("monitor-404", "MONITOR_ERROR").get(0);
        assertThat(error.path("details").path("error_code").asText()).isEqualTo("NOT_FOUND");
        assertThat(auditActions("monitor-404")).containsExactly("RUN_STARTED", "MONITOR_START", "MONITOR_ERROR", "RUN_FINISHED");
    }

    @Test
    void forbiddenFailsAtOnce() throws Exception {
        stubs.responses("job-403", List.of(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"client may not read project proj-7\"}")));

        JsonNode result = run(request("monitor-403", "job-403", ""));

        assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("FORBIDDEN");
        assertThat(result.path("error").path("message").asText()).contains("may not read project");
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(statusPath("job-403"))));
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedAndCounted() throws Exception {
        stubs.responses("job-busy", List.of(
                aResponse().withStatus(429).withHeader("Retry-After", "0"),
                aResponse().withStatus(503),
                okJson(status("job-busy", "COMPLETED", 100))));

        JsonNode result = run(request("monitor-busy", "job-busy", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("statistics").path("polls").asInt()).isEqualTo(1);
        assertThat(result.path("output").path("statistics").path("retries").asInt()).isEqualTo(2);
        cognigy.verify(exactly(3), getRequestedFor(urlEqualTo(statusPath("job-busy"))));
    }

    @Test
    void aReadThatGivesUpIsCountedInTheStatisticsOfTheFailedRun() throws Exception {
        stubs.responses("job-down", List.of(okJson(status("job-down", "RUNNING", 30)), aResponse().withStatus(503)));

        JsonNode result = run(request("monitor-down", "job-down", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        // one answered read, then one read that failed 4 times (cognigy.retry.max-attempts in the tests)
        cognigy.verify(exactly(5), getRequestedFor(urlEqualTo(statusPath("job-down"))));
        JsonNode stats = result.path("output").path("statistics");
        assertThat(stats.path("polls").asInt()).as(stats.toString()).isEqualTo(2);
        assertThat(stats.path("errors").asInt()).as("the failed read").isEqualTo(1);
        assertThat(stats.path("retries").asInt()).as("the failed read's retries").isEqualTo(3);
        assertThat(result.path("output").path("progressPercent").asDouble()).isEqualTo(30.0);
        JsonNode error = events("monitor-down", "MONITOR_ERROR").get(0);
        assertThat(error.path("details").path("statistics")).isEqualTo(stats);
    }

    @Test
    void keepsTheLatestFiftyMetricEntries() throws Exception {
        StringBuilder metrics = new StringBuilder();
        for (int i = 1; i <= 60; i++) {
            metrics.append(i == 1 ? "" : ",").append(metric("loss", i, i));
        }
        stubs.sequence("job-m", List.of(status("job-m", "COMPLETED", 100, 10, 10, metrics.toString())));

        JsonNode result = run(request("monitor-metrics", "job-m", hook()));

        JsonNode loss = result.path("output").path("aggregatedMetrics").path("loss");
        assertThat(loss.path("count").asInt()).as(result.toString()).isEqualTo(50);
        assertThat(loss.path("mean").asDouble()).as("mean of 11..60").isEqualTo(35.5);
        assertThat(loss.path("last").asDouble()).isEqualTo(60.0);
        assertThat(webhookBody().path("aggregated_metrics").path("loss").path("count").asInt()).isEqualTo(50);
    }

    @Test
    void anImpossibleTransitionIsAuditedWithBothStates() throws Exception {
        stubs.sequence("job-back", List.of(status("job-back", "RUNNING", 30), status("job-back", "QUEUED", 0),
                status("job-back", "RUNNING", 40), status("job-back", "COMPLETED", 100)));

        JsonNode result = run(request("monitor-back", "job-back", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        List<JsonNode> warnings = events("monitor-back", "STATE_TRANSITION_INVALID");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).path("outcome").asText()).isEqualTo("WARNING");
        assertThat(warnings.get(0).path("details").path("from").asText()).isEqualTo("RUNNING");
        assertThat(warnings.get(0).path("details").path("to").asText()).isEqualTo("QUEUED");
    }

    @Test
    void aJobCancelledByOthersEndsTheRunCancelledWithoutADelete() throws Exception {
        stubs.sequence("job-gone", List.of(status("job-gone", "RUNNING", 60), status("job-gone", "CANCELLED", 60)));

        JsonNode result = run(request("monitor-gone", "job-gone", hook()));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(result.path("error").path("message").asText()).contains("not by this monitor");
        assertThat(result.path("output").path("cancelled").asBoolean()).isFalse();
        assertThat(result.path("output").path("cancelReason").isNull()).isTrue();
        cognigy.verify(exactly(0), deleteRequestedFor(urlEqualTo(jobPath("job-gone"))));
        assertThat(webhookBody().path("final_state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aRejectedTokenIsRenewedOnceThenTheRunFailsUnauthorized() throws Exception {
        stubs.responses("job-401", List.of(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"token expired\"}")));

        JsonNode result = run(request("monitor-401", "job-401", ""));

        assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("UNAUTHORIZED");
        cognigy.verify(exactly(2), getRequestedFor(urlEqualTo(statusPath("job-401"))));
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo("/oauth/token")));
        assertThat(Files.readString(workDir.resolve("audit/audit.jsonl"))).doesNotContain("token-1");
    }

    @Test
    void aWebhookThatKeepsFailingIsAuditedAndDoesNotChangeTheStatus() throws Exception {
        cognigy.stubFor(post("/hooks/down").willReturn(aResponse().withStatus(503)));
        stubs.sequence("job-h", List.of(status("job-h", "COMPLETED", 100)));

        JsonNode result = run(request("monitor-hook-down", "job-h", ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/hooks/down\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("webhook").path("delivered").asBoolean()).isFalse();
        assertThat(result.path("output").path("webhook").path("attempts").asInt()).isEqualTo(3);
        cognigy.verify(exactly(3), postRequestedFor(urlEqualTo("/hooks/down")));
        assertThat(auditActions("monitor-hook-down")).containsSubsequence("WEBHOOK_FAILED", "MONITOR_COMPLETE", "RUN_FINISHED");
    }

    @Test
    void aCancellationTheServerRefusesFailsTheRun() throws Exception {
        stubs.sequence("job-stuck", List.of(status("job-stuck", "RUNNING", 10, 40, 99, "")));
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlEqualTo(jobPath("job-stuck")))
                .willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"job is finalizing\"}")));

        JsonNode result = run(request("monitor-refused", "job-stuck", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("CONFLICT");
        assertThat(result.path("error").path("message").asText()).contains("DELETE " + jobPath("job-stuck")).contains("job is finalizing");
        assertThat(auditActions("monitor-refused")).containsSubsequence("AUTO_CANCEL_TRIGGERED", "TRAINING_JOB_CANCELLED",
                "MONITOR_ERROR", "RUN_FINISHED");
        JsonNode cancel = events("monitor-refused", "TRAINING_JOB_CANCELLED").get(0);
        assertThat(cancel.path("outcome").asText()).isEqualTo("FAILURE");
    }

    @Test
    void aBadPayloadIsRejectedBeforeAnyCall() throws Exception {
        JsonNode result = run("{\"operation\":\"training-monitor\",\"payload\":{\"projectId\":\"p\",\"pollIntervalSeconds\":0,"
                + "\"policy\":{\"maxCpuThreshold\":101,\"enableAutoCancel\":\"yes\"}}}");

        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("violations").toString())
                .contains("payload.jobId: is required")
                .contains("payload.pollIntervalSeconds: must be between 1 and 86400 seconds, was 0")
                .contains("payload.policy.maxCpuThreshold: must be between 0 and 100, was 101")
                .contains("payload.policy.enableAutoCancel: must be true or false");
        assertThat(cognigy.getAllServeEvents()).isEmpty();
    }
}
