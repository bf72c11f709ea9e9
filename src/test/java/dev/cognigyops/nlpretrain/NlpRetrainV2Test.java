package dev.cognigyops.nlpretrain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.cognigyops.nlpretrain.RetrainStubs.MLFLOW;
import static dev.cognigyops.nlpretrain.RetrainStubs.MLFLOW_RUN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * nlp-retrain on profile cognigy-v2 (docs/contract.md §9), the whole app against WireMock standing in for a
 * real tenant and a second WireMock for MLflow: what Cognigy and MLflow received, in order and by body; the
 * gate failing on the F-score and on poor intents; f_score_delta to the flow's previous MLflow run; a task
 * that ends in error; a 429 storm; a train POST answered 500 read back rather than repeated; MLflow down;
 * resumed runs; the API key nowhere it must not be.
 */
class NlpRetrainV2Test extends RetrainAppTest {

    static final String API_KEY = "ak-Cognigy-v2-retrain-key-91c2e4";
    static final String PROJECT = "6650a1b2c3d4e5f6a7b8c9d0";
    static final String FLOW = "6650a1b2c3d4e5f6a7b8c9f1";
    static final String OTHER_FLOW = "6650a1b2c3d4e5f6a7b8c9f2";
    static final String LOCALE = "6650a1b2c3d4e5f6a7b8c9e0";
    static final String TASK = "6650a1b2c3d4e5f6a7b8ca01";
    static final String TRAIN_PATH = "/new/v2.0/flows/" + FLOW + "/intents/train";
    static final String TASK_PATH = "/new/v2.0/tasks/" + TASK;
    static final String PREVIOUS_RUN = "aa11bb22cc33dd44ee55ff6677889900";

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", API_KEY);
        p.setProperty("cognigy.poll.nlp-retrain.first-delay-ms", "10");
        p.setProperty("cognigy.poll.nlp-retrain.max-delay-ms", "20");
        p.setProperty("cognigy.retry.retry-after-cap-seconds", "1");
        p.setProperty("cognigy.mlflow.retry.first-delay-ms", "50");
        p.setProperty("cognigy.mlflow.retry.max-delay-ms", "100");
        p.setProperty("cognigy.mlflow.retry.max-attempts", "2");
        p.setProperty("cognigy.mlflow.retry.jitter", "0");
        return p;
    }

    // ---- Cognigy's side

    static String request(String requestId, String extra) {
        return "{\"operation\":\"nlp-retrain\",\"requestId\":\"" + requestId + "\",\"payload\":{\"projectId\":\"" + PROJECT
                + "\",\"flowId\":\"" + FLOW + "\",\"localeId\":\"" + LOCALE + "\"" + extra + "}}";
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    static String task(String status, int current, String failReason) {
        return "{\"_id\":\"" + TASK + "\",\"name\":\"trainIntents\",\"status\":\"" + status + "\",\"currentStep\":" + current
                + ",\"totalStep\":3,\"failReason\":" + (failReason == null ? "null" : "\"" + failReason + "\"") + "}";
    }

    void trainAccepted() {
        cognigy.stubFor(post(TRAIN_PATH).willReturn(json("{\"_id\":\"" + TASK + "\",\"status\":\"queued\"}").withStatus(202)));
    }

    /** The task's answers in order; the last one repeats. */
    void taskAnswers(List<ResponseDefinitionBuilder> answers) {
        for (int i = 0; i < answers.size(); i++) {
            var read = get(urlEqualTo(TASK_PATH)).inScenario("task")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "read-" + i).willReturn(answers.get(i));
            cognigy.stubFor(i + 1 < answers.size() ? read.willSetStateTo("read-" + (i + 1)) : read);
        }
    }

    void taskEndsDone() {
        taskAnswers(List.of(json(task("queued", 0, null)), json(task("active", 1, null)), json(task("done", 3, null))));
    }

    static String poorIntent(String name, double accuracy) {
        return "{\"type\":\"poorIntentAccuracy\",\"severity\":\"warning\",\"intentId\":\"i-" + name + "\",\"intentName\":\""
                + name + "\",\"accuracy\":" + accuracy + "}";
    }

    static final String FEW_SENTENCES = "{\"type\":\"tooFewExampleSentences\",\"severity\":\"info\",\"intentName\":\"greeting\"}";

    /** The project's flows, this one with its feedback report. */
    void flows(double fScore, String... findings) {
        String report = "{\"findings\":[" + String.join(",", findings) + "],\"info\":{\"fScore\":" + fScore + "}}";
        cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/flows")).withQueryParam("projectId", equalTo(PROJECT))
                .withQueryParam("includeFeedbackReport", equalTo("true"))
                .willReturn(okJson("{\"items\":[{\"_id\":\"" + OTHER_FLOW + "\",\"referenceId\":\"r-other\",\"name\":\"Other\","
                        + "\"isTrainingOutOfDate\":true,\"feedbackReport\":null},{\"_id\":\"" + FLOW + "\",\"referenceId\":\"r-main\","
                        + "\"name\":\"Main\",\"isTrainingOutOfDate\":false,\"feedbackReport\":" + report + "}],\"total\":2,"
                        + "\"nextCursor\":null,\"previousCursor\":null}")));
    }

    // ---- MLflow's side

    /** runs/search: the flow's previous run with its f_score, or none (null). */
    void previousRun(Double fScore) {
        String runs = fScore == null ? "{}" : "{\"runs\":[{\"info\":{\"run_id\":\"" + PREVIOUS_RUN + "\",\"status\":\"FINISHED\"},"
                + "\"data\":{\"metrics\":[{\"key\":\"poor_intents\",\"value\":0},{\"key\":\"f_score\",\"value\":" + fScore
                + ",\"timestamp\":1,\"step\":0}]}}]}";
        mlflow.stubFor(post(MLFLOW + "runs/search").willReturn(okJson(runs)));
    }

    /** The calls Cognigy received, in order, each as method, path and its query pairs sorted (their order is not the API's concern). */
    List<String> cognigyCalls() {
        return cognigy.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + sortedQuery(r.getUrl())).toList();
    }

    static String sortedQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q + 1) + String.join("&", java.util.Arrays.stream(url.substring(q + 1).split("&")).sorted().toList());
    }

    List<String> mlflowCalls() {
        return mlflow.getAllServeEvents().stream()
                .sorted((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl().replace(MLFLOW, "")).toList();
    }

    JsonNode mlflowBody(String path) throws Exception {
        List<LoggedRequest> found = mlflow.findAll(postRequestedFor(urlEqualTo(MLFLOW + path)));
        assertThat(found).as(path).isNotEmpty();
        return Json.parse(found.get(0).getBodyAsString());
    }

    static double metric(JsonNode batch, String key) {
        for (JsonNode m : batch.path("metrics")) {
            if (key.equals(m.path("key").asText())) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no metric " + key + " in " + batch);
    }

    static List<String> tags(JsonNode body) {
        return java.util.stream.StreamSupport.stream(body.path("tags").spliterator(), false)
                .map(t -> t.path("key").asText() + "=" + t.path("value").asText()).toList();
    }

    static final String FLOWS_CALL = "GET /new/v2.0/flows?includeFeedbackReport=true&limit=100&projectId=" + PROJECT + "&skip=0";

    // ---- the tests

    @Test
    void aFlowIsTrainedJudgedAndRecordedWithItsDeltaToThePreviousRunAndTheKeyIsNowhere() throws Exception {
        trainAccepted();
        taskEndsDone();
        flows(0.91, FEW_SENTENCES);
        stubs.mlflowTracking();
        previousRun(0.88);

        JsonNode result = run(request("v2-retrain-happy", ",\"mode\":\"quick\",\"gate\":{\"minFScore\":0.9}"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("taskId").asText()).isEqualTo(TASK);
        assertThat(out.path("fScore").asDouble()).isEqualTo(0.91);
        assertThat(out.path("findings")).isEqualTo(Json.parse("[" + FEW_SENTENCES + "]"));
        assertThat(out.path("poorIntents").size()).isZero();
        assertThat(out.path("gate").asText()).isEqualTo("PASSED");
        assertThat(out.path("fScoreDelta").asDouble()).isEqualTo(0.03);
        assertThat(out.path("previousMlflowRunId").asText()).isEqualTo(PREVIOUS_RUN);
        assertThat(out.path("mlflowRunId").asText()).isEqualTo(MLFLOW_RUN);
        assertThat(out.path("mlflow").path("status").asText()).isEqualTo("RECORDED");

        // Cognigy, in order and by body: one train POST, the task to its end, the flows with their reports
        assertThat(cognigyCalls()).containsExactly("POST " + TRAIN_PATH, "GET " + TASK_PATH, "GET " + TASK_PATH,
                "GET " + TASK_PATH, FLOWS_CALL);
        cognigy.verify(postRequestedFor(urlEqualTo(TRAIN_PATH))
                .withRequestBody(equalToJson("{\"localeId\":\"" + LOCALE + "\",\"mode\":\"quick\"}")));
        for (LoggedRequest r : cognigy.findAll(anyRequestedFor(anyUrl()))) {
            assertThat(r.getHeader("X-API-Key")).isEqualTo(API_KEY);
            assertThat(r.containsHeader("Authorization")).isFalse();
        }

        // MLflow, in order and by body, as the seeds retrain records — plus the flow's previous run
        assertThat(mlflowCalls()).containsExactly("GET experiments/get-by-name?experiment_name=cognigy-nlp-retraining",
                "POST experiments/create", "POST runs/search", "POST runs/create", "POST runs/log-batch", "POST runs/update");
        assertThat(mlflowBody("runs/search")).isEqualTo(Json.parse("{\"experiment_ids\":[\"42\"],\"filter\":\"tags.flow_id = '"
                + FLOW + "' and metrics.f_score >= 0\",\"run_view_type\":\"ACTIVE_ONLY\",\"max_results\":5,"
                + "\"order_by\":[\"attributes.start_time DESC\"]}"));
        assertThat(tags(mlflowBody("runs/create"))).contains("project_id=" + PROJECT, "flow_id=" + FLOW, "flow_name=Main",
                "locale_id=" + LOCALE, "mode=quick", "task_id=" + TASK, "status=done", "gate=PASSED",
                "previous_run_id=" + PREVIOUS_RUN, "cognigy_ops_run_id=v2-retrain-happy");
        JsonNode batch = mlflowBody("runs/log-batch");
        assertThat(batch.path("metrics").findValuesAsText("key"))
                .containsExactly("f_score", "poor_intents", "training_latency_seconds", "f_score_delta");
        assertThat(metric(batch, "f_score")).isEqualTo(0.91);
        assertThat(metric(batch, "poor_intents")).isZero();
        assertThat(metric(batch, "f_score_delta")).isEqualTo(0.03);
        assertThat(metric(batch, "training_latency_seconds")).isPositive();
        mlflow.verify(postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"run_id\":\"" + MLFLOW_RUN + "\",\"status\":\"FINISHED\"}", true, true)));

        assertThat(auditActions("v2-retrain-happy")).containsSubsequence("RUN_STARTED", "TRAINING_TASK_SUBMITTED",
                "RETRAIN_INITIATED", "TRAINING_TASK_STATUS", "RETRAIN_COMPLETED", "FEEDBACK_REPORT_READ", "VALIDATION_PASSED",
                "MLFLOW_PREVIOUS_RUN_READ", "MLFLOW_RUN_CREATED", "MLFLOW_METRICS_LOGGED", "MLFLOW_RUN_ENDED", "RUN_FINISHED");

        // the key: in no URL, no body sent, no log line, no result, no audit event, no file
        for (LoggedRequest r : cognigy.findAll(anyRequestedFor(anyUrl()))) {
            assertThat(r.getAbsoluteUrl()).doesNotContain(API_KEY).doesNotContain("api_key");
            assertThat(r.getBodyAsString()).doesNotContain(API_KEY);
        }
        mlflow.getAllServeEvents().forEach(e -> {
            assertThat(e.getRequest().getAbsoluteUrl()).doesNotContain(API_KEY);
            assertThat(e.getRequest().getBodyAsString()).doesNotContain(API_KEY);
            assertThat(e.getRequest().containsHeader("X-API-Key")).as("never to MLflow").isFalse();
        });
        assertThat(result.toString()).doesNotContain(API_KEY);
        assertThat(capturedLog()).as("the log").isNotEmpty().doesNotContain(API_KEY);
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/data/")).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(API_KEY);
            }
        }
    }

    @Test
    void theGateFailsOnTheFScoreNamingValueAndThresholdAndChangesNothingElse() throws Exception {
        trainAccepted();
        taskEndsDone();
        flows(0.71);
        stubs.mlflowTracking();
        previousRun(null);

        JsonNode result = run(request("v2-gate-fscore", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("GATE_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("flow " + FLOW + " (Main) failed the quality gate "
                + "after training task " + TASK + ": fScore 0.71 is below minFScore 0.8; nothing else was changed (the "
                + "Cognigy API has no model rollback)");
        JsonNode out = result.path("output");
        assertThat(out.path("gate").asText()).isEqualTo("FAILED");
        assertThat(out.path("gateFailures")).extracting(JsonNode::asText).containsExactly("fScore 0.71 is below minFScore 0.8");
        assertThat(out.path("fScoreDelta").isNull()).as("MLflow has no previous run of the flow").isTrue();
        assertThat(out.path("mlflowRunId").asText()).isEqualTo(MLFLOW_RUN);
        // nothing but the training and the reads: no rollback, no other write
        assertThat(cognigyCalls()).containsExactly("POST " + TRAIN_PATH, "GET " + TASK_PATH, "GET " + TASK_PATH,
                "GET " + TASK_PATH, FLOWS_CALL);
        assertThat(mlflowBody("runs/log-batch").path("metrics").findValuesAsText("key"))
                .containsExactly("f_score", "poor_intents", "training_latency_seconds");
        mlflow.verify(postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"run_id\":\"" + MLFLOW_RUN + "\",\"status\":\"FAILED\"}", true, true)));
        assertThat(auditActions("v2-gate-fscore")).contains("VALIDATION_FAILED").doesNotContain("VALIDATION_PASSED");
    }

    @Test
    void theGateFailsOnPoorIntentsNamingThem() throws Exception {
        trainAccepted();
        taskEndsDone();
        flows(0.93, poorIntent("refund", 0.42), FEW_SENTENCES, poorIntent("cancel_order", 0.55));
        stubs.mlflowTracking();
        previousRun(0.95);

        JsonNode result = run(request("v2-gate-poor", ",\"gate\":{\"minFScore\":0.9,\"maxPoorIntents\":1}"));

        assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("GATE_FAILED");
        assertThat(result.path("output").path("gateFailures")).extracting(JsonNode::asText)
                .containsExactly("poorIntents 2 is above maxPoorIntents 1 (refund, cancel_order)");
        assertThat(result.path("output").path("poorIntents")).isEqualTo(Json.parse("[{\"intentId\":\"i-refund\",\"intentName\":"
                + "\"refund\",\"accuracy\":0.42},{\"intentId\":\"i-cancel_order\",\"intentName\":\"cancel_order\",\"accuracy\":0.55}]"));
        assertThat(result.path("output").path("fScoreDelta").asDouble()).isEqualTo(-0.02);
        assertThat(metric(mlflowBody("runs/log-batch"), "poor_intents")).isEqualTo(2.0);
        assertThat(metric(mlflowBody("runs/log-batch"), "f_score_delta")).isEqualTo(-0.02);
        cognigy.verify(exactly(1), postRequestedFor(anyUrl()));
    }

    @Test
    void aTaskThatEndsInErrorFailsWithItsFailReasonAndIsStillRecorded() throws Exception {
        trainAccepted();
        taskAnswers(List.of(json(task("active", 1, null)), json(task("error", 1, "Intent 'refund' has no example sentences"))));
        stubs.mlflowTracking();

        JsonNode result = run(request("v2-task-error", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("training task " + TASK + " of flow " + FLOW
                + " ended in error: Intent 'refund' has no example sentences");
        assertThat(result.path("output").path("taskStatus").asText()).isEqualTo("error");
        assertThat(result.path("output").path("gate").isNull()).isTrue();
        assertThat(cognigyCalls()).as("no report read after a failed training")
                .containsExactly("POST " + TRAIN_PATH, "GET " + TASK_PATH, "GET " + TASK_PATH);
        assertThat(mlflowCalls()).as("no F-score, nothing to compare").doesNotContain("POST runs/search");
        mlflow.verify(postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"run_id\":\"" + MLFLOW_RUN + "\",\"status\":\"FAILED\"}", true, true)));
    }

    @Test
    void a429StormIsWaitedOut() throws Exception {
        ResponseDefinitionBuilder tooMany = aResponse().withStatus(429).withHeader("Retry-After", "0")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"1000 requests per 5 minutes\"}");
        trainAccepted();
        taskAnswers(List.of(json(task("active", 1, null)), tooMany, tooMany, tooMany, json(task("done", 3, null))));
        flows(0.9);
        stubs.mlflowTracking();
        previousRun(null);

        JsonNode result = run(request("v2-429", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(5), getRequestedFor(urlEqualTo(TASK_PATH)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(TRAIN_PATH)));
    }

    @Test
    void aTrainPostAnswered500IsReadBackFromTheProjectsTasksNotRepeated() throws Exception {
        cognigy.stubFor(post(TRAIN_PATH).willReturn(aResponse().withStatus(502).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\":\"Bad Gateway\",\"status\":502,\"detail\":\"upstream reset\",\"traceId\":\"tr-502\"}")));
        String now = Instant.now().toString();
        cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/tasks")).withQueryParam("projectId", equalTo(PROJECT))
                .willReturn(okJson("{\"items\":[{\"_id\":\"t-other\",\"name\":\"trainIntents\",\"status\":\"active\","
                        + "\"data\":{\"flowId\":\"" + OTHER_FLOW + "\",\"localeId\":\"" + LOCALE + "\"},\"createdAt\":\"" + now + "\"},"
                        + "{\"_id\":\"t-old\",\"name\":\"trainIntents\",\"status\":\"done\",\"data\":{\"flowId\":\"" + FLOW
                        + "\",\"localeId\":\"" + LOCALE + "\"},\"createdAt\":\"2020-01-01T00:00:00.000Z\"},"
                        + "{\"_id\":\"" + TASK + "\",\"name\":\"trainIntents\",\"status\":\"queued\",\"data\":{\"flowId\":\"" + FLOW
                        + "\",\"localeId\":\"" + LOCALE + "\",\"mode\":\"full\"},\"createdAt\":\"" + now + "\"}],\"total\":3}")));
        taskEndsDone();
        flows(0.9);
        stubs.mlflowTracking();
        previousRun(null);

        JsonNode result = run(request("v2-train-502", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("taskId").asText()).isEqualTo(TASK);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(TRAIN_PATH)));
        assertThat(cognigyCalls()).containsExactly("POST " + TRAIN_PATH,
                "GET /new/v2.0/tasks?limit=100&projectId=" + PROJECT + "&skip=0", "GET " + TASK_PATH, "GET " + TASK_PATH,
                "GET " + TASK_PATH, FLOWS_CALL);
        assertThat(auditActions("v2-train-502")).containsSubsequence("TRAINING_TASK_SUBMITTED", "TRAINING_TASKS_READ_BACK",
                "TRAIN_READ_BACK", "RETRAIN_INITIATED");
    }

    @Test
    void mlflowDownLeavesTheRetrainResultStandingAndSaysSo() throws Exception {
        trainAccepted();
        taskEndsDone();
        flows(0.9);
        mlflow.stop();

        JsonNode result = run(request("v2-mlflow-down", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("gate").asText()).isEqualTo("PASSED");
        assertThat(out.path("fScore").asDouble()).isEqualTo(0.9);
        assertThat(out.path("mlflowRunId").isNull()).as("a run id is never invented").isTrue();
        assertThat(out.path("fScoreDelta").isNull()).isTrue();
        assertThat(out.path("mlflow").path("status").asText()).isEqualTo("FAILED");
        assertThat(out.path("mlflow").path("error").asText()).contains("experiments/get-by-name");
        assertThat(auditActions("v2-mlflow-down")).contains("MLFLOW_SYNC_FAILED");
    }

    @Test
    void aRunResumedAfterTheTaskWasSubmittedWaitsForThatTaskAndPostsNothing() throws Exception {
        RetrainV2Run saved = RetrainV2Run.start("v2-resume", RetrainV2Request.from(Json.parse(request("x", "")).get("payload")),
                System.currentTimeMillis(), "cognigy-nlp-retraining").posting(System.currentTimeMillis())
                .training(TASK, System.currentTimeMillis() + 60_000);
        taskAnswers(List.of(json(task("done", 3, null))));
        flows(0.9);
        stubs.mlflowTracking();
        previousRun(null);

        JsonNode result = runFrom(saved, request("v2-resume", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("taskId").asText()).isEqualTo(TASK);
        assertThat(cognigyCalls()).containsExactly("GET " + TASK_PATH, FLOWS_CALL);
        cognigy.verify(exactly(0), postRequestedFor(anyUrl()));
    }

    @Test
    void aRunResumedWithItsTrainPostInFlightReadsTheTasksBackBeforeItPosts() throws Exception {
        RetrainV2Run saved = RetrainV2Run.start("v2-resume-posting", RetrainV2Request.from(Json.parse(request("x", ""))
                .get("payload")), System.currentTimeMillis(), "cognigy-nlp-retraining").posting(System.currentTimeMillis());
        cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/tasks")).willReturn(okJson("{\"items\":[],\"total\":0}")));
        trainAccepted();
        taskEndsDone();
        flows(0.9);
        stubs.mlflowTracking();
        previousRun(null);

        JsonNode result = runFrom(saved, request("v2-resume-posting", ""));

        // the POST had not taken effect: it is sent, once, after the read-back
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(cognigyCalls().subList(0, 2)).containsExactly("GET /new/v2.0/tasks?limit=100&projectId=" + PROJECT + "&skip=0",
                "POST " + TRAIN_PATH);
        cognigy.verify(exactly(1), postRequestedFor(anyUrl()));
    }

    @Test
    void seedsFieldsAreRejectedByNameBeforeAnyCall() throws Exception {
        JsonNode rejected = run("{\"operation\":\"nlp-retrain\",\"requestId\":\"v2-seeds-fields\",\"payload\":{\"projectId\":\""
                + PROJECT + "\",\"flowId\":\"" + FLOW + "\",\"localeId\":\"" + LOCALE + "\",\"modelId\":\"m\",\"rollbackTriggerVersionId\":"
                + "\"r\",\"mode\":\"slow\",\"gate\":{\"tolerance\":0.05,\"minFScore\":2}}}");

        assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("error").path("violations")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "payload.modelId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds NLP model; on a "
                        + "real tenant a flow's intents are trained (projectId, flowId, localeId)",
                "payload.rollbackTriggerVersionId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): the real "
                        + "API has no model rollback: a failed gate fails the run and changes nothing",
                "payload.mode: must be full or quick",
                "payload.gate.tolerance: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): the real API's "
                        + "feedback report gives an F-score, not precision and recall: use gate.minFScore",
                "payload.gate.minFScore: must be between 0 and 1");
        cognigy.verify(exactly(0), anyRequestedFor(urlPathMatching("/(api|new)/.*")));
        assertThat(mlflow.getAllServeEvents()).isEmpty();
    }
}
