package dev.cognigyops.trainingmonitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * training-monitor on profile cognigy-v2 (docs/contract.md §9), the whole app against WireMock standing
 * in for a real tenant: a task watched to its end with the API key, a task that ends in error, a stalled
 * task cancelled once, a 429 storm, a cancel whose POST failed with a 500 and is read back rather than
 * repeated, RFC 7807 errors in the result, resumed runs, the payload rules of the profile, and many runs
 * at once kept within one small request budget.
 */
class TrainingMonitorV2Test extends AppTestSupport {

    static final String API_KEY = "ak-Cognigy-v2-test-key-7f3a9c";
    static final String HOOK = "/hooks/tasks";

    @Override
    protected Properties settings() {
        return v2(super.settings());
    }

    /** The profile, the key, and short waits. */
    static Properties v2(Properties p) {
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", API_KEY);
        // the payload's interval is whole seconds: the loop's cap shortens it, as the seeds monitor's tests do
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "30");
        p.setProperty("cognigy.retry.retry-after-cap-seconds", "1");
        return p;
    }

    @Override
    protected void doPostSetup() {
        cognigy.stubFor(post(HOOK).willReturn(aResponse().withStatus(204)));
    }

    static String taskPath(String taskId) {
        return "/new/v2.0/tasks/" + taskId;
    }

    static String task(String id, String status, int current, int total) {
        return "{\"_id\":\"" + id + "\",\"name\":\"trainFlow\",\"status\":\"" + status + "\",\"currentStep\":" + current
                + ",\"totalStep\":" + total + ",\"failReason\":null,\"lastFinishedAt\":"
                + (status.equals("done") ? "\"2026-11-21T07:00:00.000Z\"" : "null") + "}";
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    /** The task's answers in order; the last one repeats. */
    void answers(String taskId, List<ResponseDefinitionBuilder> answers) {
        answers(cognigy, taskId, answers);
    }

    static void answers(com.github.tomakehurst.wiremock.WireMockServer cognigy, String taskId, List<ResponseDefinitionBuilder> answers) {
        for (int i = 0; i < answers.size(); i++) {
            var read = get(urlEqualTo(taskPath(taskId))).inScenario(taskId)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "read-" + i).willReturn(answers.get(i));
            cognigy.stubFor(i + 1 < answers.size() ? read.willSetStateTo("read-" + (i + 1)) : read);
        }
    }

    static String request(String requestId, String taskId, String extra) {
        return "{\"operation\":\"training-monitor\",\"requestId\":\"" + requestId + "\",\"payload\":{\"taskId\":\"" + taskId
                + "\",\"pollIntervalSeconds\":1" + extra + "}}";
    }

    @Test
    void aTaskIsWatchedToItsEndWithTheApiKeyWhichIsNeverWrittenAnywhere() throws Exception {
        answers("t-happy", List.of(json(task("t-happy", "queued", 0, 3)), json(task("t-happy", "active", 1, 3)),
                json(task("t-happy", "active", 2, 3)), json(task("t-happy", "done", 3, 3))));

        JsonNode result = run(request("v2-happy", "t-happy", ",\"webhookUrl\":\"" + cognigy.baseUrl() + HOOK + "\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("finalState").asText()).isEqualTo("COMPLETED");
        assertThat(out.path("progressPercent").asDouble()).isEqualTo(100.0);
        assertThat(out.path("cancelled").asBoolean()).isFalse();
        assertThat(out.path("statistics").path("polls").asInt()).isEqualTo(4);

        // the calls, in order: four reads of the task, then the webhook; each with the key, none with a token
        List<LoggedRequest> calls = cognigy.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls).extracting(r -> r.getMethod() + " " + r.getUrl()).containsExactly(
                "GET /new/v2.0/tasks/t-happy", "GET /new/v2.0/tasks/t-happy", "GET /new/v2.0/tasks/t-happy",
                "GET /new/v2.0/tasks/t-happy", "POST " + HOOK);
        for (LoggedRequest read : calls.subList(0, 4)) {
            assertThat(read.getHeader("X-API-Key")).isEqualTo(API_KEY);
            assertThat(read.containsHeader("Authorization")).isFalse();
        }
        assertThat(calls.get(4).containsHeader("X-API-Key")).as("never to a webhook").isFalse();
        JsonNode hook = Json.parse(calls.get(4).getBodyAsString());
        assertThat(hook.path("job_id").asText()).isEqualTo("t-happy");
        assertThat(hook.path("final_state").asText()).isEqualTo("COMPLETED");
        assertThat(hook.path("completed_at").asText()).isEqualTo("2026-11-21T07:00:00.000Z");
        assertThat(hook.has("resource_peak") && hook.has("aggregated_metrics") && hook.has("progress")).isTrue();
        assertThat(auditActions("v2-happy")).containsExactly("RUN_STARTED", "MONITOR_START", "STATUS_CHECK", "STATUS_CHECK",
                "STATUS_CHECK", "STATUS_CHECK", "WEBHOOK_SENT", "MONITOR_COMPLETE", "RUN_FINISHED");
        // each read's step and progress, for the page's chart
        List<JsonNode> checks = auditEvents().stream().filter(e -> "v2-happy".equals(e.path("runId").asText())
                && "STATUS_CHECK".equals(e.path("action").asText())).toList();
        assertThat(checks).extracting(e -> e.path("details").path("metrics").toString()).containsExactly(
                "{\"current_step\":0.0}", "{\"current_step\":1.0}", "{\"current_step\":2.0}", "{\"current_step\":3.0}");
        assertThat(checks).extracting(e -> e.path("details").path("progress_percent").asDouble())
                .containsExactly(0.0, 33.33, 66.67, 100.0);

        // the key: in no URL, no webhook body, no log line, no result, no audit event
        for (LoggedRequest r : calls) {
            assertThat(r.getAbsoluteUrl()).doesNotContain(API_KEY).doesNotContain("api_key");
            assertThat(r.getBodyAsString()).doesNotContain(API_KEY);
        }
        assertThat(capturedLog()).as("the log (it shows request headers)").contains("X-API-Key").doesNotContain(API_KEY);
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/data/")).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(API_KEY);
            }
        }
    }

    @Test
    void aTaskThatEndsInErrorFailsTheRunWithItsFailReason() throws Exception {
        answers("t-error", List.of(json(task("t-error", "active", 1, 4)), json("{\"_id\":\"t-error\",\"status\":\"error\","
                + "\"currentStep\":2,\"totalStep\":4,\"failReason\":\"Intent 'book_flight' has no example sentences\"}")));

        JsonNode result = run(request("v2-error", "t-error", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText())
                .isEqualTo("task t-error ended in error: Intent 'book_flight' has no example sentences");
        assertThat(result.path("output").path("finalState").asText()).isEqualTo("FAILED");
        assertThat(result.path("output").path("progressPercent").asDouble()).isEqualTo(50.0);
    }

    @Test
    void aStalledTaskIsCancelledOnce() throws Exception {
        answers("t-stall", List.of(json(task("t-stall", "active", 2, 5))));
        cognigy.stubFor(post(taskPath("t-stall") + "/cancel").willReturn(json("{\"_id\":\"t-stall\",\"status\":\"cancelling\"}")));

        JsonNode result = run(request("v2-stall", "t-stall", ",\"policy\":{\"maxStagnationSeconds\":1}"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(result.path("output").path("cancelled").asBoolean()).isTrue();
        assertThat(result.path("output").path("cancelReason").asText()).startsWith("progress_stagnated: currentStep has stayed at 2 of 5");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(taskPath("t-stall") + "/cancel")));
        List<String> actions = auditActions("v2-stall");
        assertThat(actions).contains("AUTO_CANCEL_TRIGGERED", "TRAINING_JOB_CANCELLED");
        assertThat(actions.subList(actions.size() - 2, actions.size())).containsExactly("MONITOR_COMPLETE", "RUN_FINISHED");
    }

    @Test
    void aCancelAnswered500IsReadBackNotRepeated() throws Exception {
        cognigy.stubFor(get(urlEqualTo(taskPath("t-500"))).atPriority(5).willReturn(json(task("t-500", "active", 1, 5))));
        // the first read of the task after the failed POST shows the cancel took effect
        cognigy.stubFor(post(taskPath("t-500") + "/cancel").inScenario("t-500").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\":\"Internal Server Error\",\"status\":500,\"detail\":\"worker lost\",\"traceId\":\"tr-500\"}"))
                .willSetStateTo("after-cancel"));
        cognigy.stubFor(get(urlEqualTo(taskPath("t-500"))).atPriority(1).inScenario("t-500").whenScenarioStateIs("after-cancel")
                .willReturn(json(task("t-500", "cancelling", 1, 5))));

        JsonNode result = run(request("v2-500", "t-500", ",\"policy\":{\"maxStagnationSeconds\":1}"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(taskPath("t-500") + "/cancel")));
        List<String> calls = cognigy.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + r.getUrl()).toList();
        assertThat(calls.get(calls.size() - 1)).as("read back after the POST").isEqualTo("GET " + taskPath("t-500"));
        assertThat(auditActions("v2-500")).contains("CANCEL_READ_BACK");
    }

    @Test
    void a429StormIsWaitedOut() throws Exception {
        ResponseDefinitionBuilder tooMany = aResponse().withStatus(429).withHeader("Retry-After", "0")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"1000 requests per 5 minutes\",\"traceId\":\"tr-429\"}");
        answers("t-429", List.of(json(task("t-429", "active", 1, 2)), tooMany, tooMany, tooMany, json(task("t-429", "done", 2, 2))));

        JsonNode result = run(request("v2-429", "t-429", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("statistics").path("retries").asInt()).isEqualTo(3);
        cognigy.verify(exactly(5), getRequestedFor(urlEqualTo(taskPath("t-429"))));
    }

    @Test
    void anRfc7807ErrorGivesItsDetailAndTraceIdInTheResult() throws Exception {
        cognigy.stubFor(get(urlEqualTo(taskPath("t-gone"))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"type\":\"https://docs.cognigy.com/errors/1002\",\"title\":\"Not Found\",\"status\":404,"
                        + "\"detail\":\"Task with id t-gone was not found\",\"code\":1002,\"traceId\":\"b5e2c0de-77aa\"}")));

        JsonNode result = run(request("v2-404", "t-gone", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.path("error").path("message").asText()).isEqualTo("GET /new/v2.0/tasks/t-gone: HTTP 404: "
                + "Task with id t-gone was not found (Not Found, Cognigy code 1002; traceId b5e2c0de-77aa)");
    }

    @Test
    void aMonitorResumedWhileWatchingGoesOnWithTheSameTask() throws Exception {
        TaskMonitorRun saved = TaskMonitorRun.start(new TaskMonitorRequest("t-resume", null, java.time.Duration.ofSeconds(1),
                TaskPolicy.DEFAULT)).at(TaskMonitorRun.Phase.WATCHING);
        saved = saved.read(dev.cognigyops.cognigyv2.Task.from(Json.parse(task("t-resume", "active", 2, 4))),
                System.currentTimeMillis(), 10, 1);
        answers("t-resume", List.of(json(task("t-resume", "done", 4, 4))));

        JsonNode result = runFrom(saved, request("v2-resume", "t-resume", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("statistics").path("polls").asInt()).as("1 saved + 1 now").isEqualTo(2);
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(taskPath("t-resume"))));
        assertThat(auditActions("v2-resume")).containsExactly("RUN_STARTED", "STATUS_CHECK", "MONITOR_COMPLETE", "RUN_FINISHED");
    }

    @Test
    void aMonitorResumedWithTheCancelDueReadsTheTaskBackBeforeItPosts() throws Exception {
        TaskMonitorRun saved = TaskMonitorRun.start(new TaskMonitorRequest("t-rc", null, java.time.Duration.ofSeconds(1),
                new TaskPolicy(1, true))).at(TaskMonitorRun.Phase.WATCHING)
                .cancelRequested(new TrainingMonitorRun.PolicyBreach("progress_stagnated", "currentStep has stayed at 1 for 2 s"));
        answers("t-rc", List.of(json(task("t-rc", "active", 1, 3))));
        cognigy.stubFor(post(taskPath("t-rc") + "/cancel").willReturn(json("{}")));

        JsonNode result = runFrom(saved, request("v2-resume-cancel", "t-rc", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(cognigy.findAll(anyRequestedFor(anyUrl()))).extracting(r -> r.getMethod() + " " + r.getUrl())
                .containsExactly("GET " + taskPath("t-rc"), "POST " + taskPath("t-rc") + "/cancel");
    }

    @Test
    void seedsFieldsAreRejectedByNameAndOperationsNotBuiltYetAreRefused() throws Exception {
        JsonNode rejected = run("{\"operation\":\"training-monitor\",\"requestId\":\"v2-seeds-fields\",\"payload\":{"
                + "\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":{\"maxCpuThreshold\":95,\"maxMemoryThreshold\":90,\"bogus\":1}}}");
        assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("error").path("violations")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "payload.projectId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds training job's project; on a real tenant the task is named by taskId alone",
                "payload.jobId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds training job; on a real tenant the task is named by taskId",
                "payload.taskId: is required",
                "payload.policy.maxCpuThreshold: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): the real Cognigy API reports no CPU use",
                "payload.policy.maxMemoryThreshold: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): the real Cognigy API reports no memory use",
                "payload.policy.bogus: is not a known field (known: enableAutoCancel, maxStagnationSeconds)");

        // (nlu-export was the example of an operation refused on this profile until it was built on it, issue 12)
        cognigy.verify(exactly(0), anyRequestedFor(urlPathMatching("/(api|new|v1)/.*")));
    }
}
