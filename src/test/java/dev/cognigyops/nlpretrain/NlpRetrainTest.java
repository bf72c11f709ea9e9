package dev.cognigyops.nlpretrain;

import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.support.CanonicalJson;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.cognigyops.nlpretrain.RetrainStubs.BASELINE;
import static dev.cognigyops.nlpretrain.RetrainStubs.BASELINE_METRICS_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.JOB;
import static dev.cognigyops.nlpretrain.RetrainStubs.JOBS_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.JOB_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.METRICS_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.MLFLOW;
import static dev.cognigyops.nlpretrain.RetrainStubs.MLFLOW_RUN;
import static dev.cognigyops.nlpretrain.RetrainStubs.MODEL;
import static dev.cognigyops.nlpretrain.RetrainStubs.ROLLBACK_PATH;
import static dev.cognigyops.nlpretrain.RetrainStubs.ROLLBACK_TO;
import static dev.cognigyops.nlpretrain.RetrainStubs.VERSION;
import static dev.cognigyops.nlpretrain.RetrainStubs.request;
import static org.assertj.core.api.Assertions.assertThat;

/** nlp-retrain end to end: what Cognigy and MLflow received, the result, and the audit trail. */
class NlpRetrainTest extends RetrainAppTest {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.mlflow.retry.first-delay-ms", "50");
        p.setProperty("cognigy.mlflow.retry.max-delay-ms", "100");
        p.setProperty("cognigy.mlflow.retry.max-attempts", "2");
        p.setProperty("cognigy.mlflow.retry.jitter", "0");
        return p;
    }

    @Test
    void retrainsPassesTheGateAndRecordsEachRunInMlflowReusingTheExperiment() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();

        JsonNode first = run(request("retrain-1", ""));
        cognigy.resetScenarios(); // the second job is queued and running again before it completes
        JsonNode second = run(request("retrain-2", ""));

        assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("SUCCEEDED");
        assertThat(second.path("status").asText()).as(second.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = first.path("output");
        assertThat(out.path("jobId").asText()).isEqualTo(JOB);
        assertThat(out.path("modelVersionId").asText()).isEqualTo(VERSION);
        assertThat(out.path("gate").asText()).isEqualTo("PASSED");
        assertThat(out.path("metrics").path("precision").asDouble()).isEqualTo(0.97);
        assertThat(out.path("metrics").path("recall").asDouble()).isEqualTo(0.96);
        assertThat(out.path("metrics").path("f1Score").asDouble()).isEqualTo(0.93);
        assertThat(out.path("metrics").path("biasScore").asDouble()).isEqualTo(0.05);
        assertThat(out.has("accuracyDelta")).as("no baseline, no delta").isFalse();
        assertThat(out.path("rollbackTriggered").asBoolean()).isFalse();
        assertThat(out.path("mlflowRunId").asText()).isEqualTo(MLFLOW_RUN);
        assertThat(out.path("mlflow").path("status").asText()).isEqualTo("RECORDED");
        String payloadHash = CanonicalJson.sha256(Json.parse(RetrainStubs.payload("")));
        assertThat(out.path("payloadHash").asText()).isEqualTo(payloadHash)
                // RFC 8785: what `npx canonicalize | sha256sum` (npm canonicalize 5.1.0) prints for the payload
                .isEqualTo("29c1355bbb385c853746f66836b1d9280c520a01112d4aa913a8adc258123f60");
        assertThat(resultFile("retrain-1")).isEqualTo(first);

        // Cognigy: seed 004's payload only (the gate is ours), a token, and an X-Request-Id per run
        List<LoggedRequest> submits = cognigy.findAll(postRequestedFor(urlEqualTo(JOBS_PATH)));
        assertThat(submits).hasSize(2);
        assertThat(Json.parse(submits.get(0).getBodyAsString())).isEqualTo(Json.parse(RetrainStubs.payload("")));
        assertThat(submits.get(0).getHeader("Authorization")).isEqualTo("Bearer token-1");
        assertThat(submits.get(0).getHeader("X-Request-Id")).isNotBlank();
        assertThat(submits.get(1).getHeader("X-Request-Id")).isNotBlank()
                .isNotEqualTo(submits.get(0).getHeader("X-Request-Id"));
        cognigy.verify(exactly(6), getRequestedFor(urlEqualTo(JOB_PATH)));
        cognigy.verify(exactly(2), getRequestedFor(urlPathEqualTo(METRICS_PATH))
                .withQueryParam("include_bias_detection", equalTo("true"))
                .withQueryParam("include_precision_recall", equalTo("true")));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(ROLLBACK_PATH)));
        cognigy.verify(postRequestedFor(urlEqualTo("/oauth/token"))
                .withRequestBody(matching(".*scope=ai%3Amodels%3Arollback\\+ai%3Anlp%3Aread\\+ai%3Anlp%3Awrite\\+ai%3Atraining%3Aexecute&.*")));

        // MLflow: the experiment is created once, then found; each run created, logged and ended, in order
        List<String> calls = mlflow.getAllServeEvents().stream()
                .sorted((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl().replace(MLFLOW, ""))
                .collect(Collectors.toList());
        assertThat(calls).containsExactly(
                "GET experiments/get-by-name?experiment_name=cognigy-nlp-retraining",
                "POST experiments/create", "POST runs/create", "POST runs/log-batch", "POST runs/update",
                "GET experiments/get-by-name?experiment_name=cognigy-nlp-retraining",
                "POST runs/create", "POST runs/log-batch", "POST runs/update");
        mlflow.verify(postRequestedFor(urlEqualTo(MLFLOW + "experiments/create"))
                .withRequestBody(equalToJson("{\"name\":\"cognigy-nlp-retraining\"}")));
        JsonNode create = Json.parse(mlflow.findAll(postRequestedFor(urlEqualTo(MLFLOW + "runs/create"))).get(0).getBodyAsString());
        assertThat(create.path("experiment_id").asText()).isEqualTo("42");
        assertThat(create.path("start_time").isIntegralNumber()).isTrue();
        assertThat(tags(create)).contains("model_id=" + MODEL, "version_id=" + VERSION, "job_id=" + JOB,
                "payload_hash=" + payloadHash, "retrain_trigger=manual", "status=completed");
        JsonNode batch = Json.parse(mlflow.findAll(postRequestedFor(urlEqualTo(MLFLOW + "runs/log-batch"))).get(0).getBodyAsString());
        assertThat(batch.path("run_id").asText()).isEqualTo(MLFLOW_RUN);
        List<String> keys = batch.path("metrics").findValuesAsText("key");
        assertThat(keys).containsExactly("training_latency_seconds", "precision", "recall", "f1_score", "bias_score", "dataset_size");
        batch.path("metrics").forEach(m -> assertThat(m.path("timestamp").isIntegralNumber()).isTrue());
        assertThat(metric(batch, "f1_score")).isEqualTo(0.93);
        assertThat(metric(batch, "dataset_size")).isEqualTo(5000.0);
        mlflow.verify(exactly(2), postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"run_id\":\"" + MLFLOW_RUN + "\",\"status\":\"FINISHED\"}", true, true)));

        // the audit trail: seed 004's events with the hash, metrics and latency; no token anywhere
        List<String> actions = auditActions("retrain-1");
        assertThat(actions).containsSubsequence("RUN_STARTED", "TRAINING_JOB_SUBMITTED", "RETRAIN_INITIATED",
                "TRAINING_JOB_STATUS", "RETRAIN_COMPLETED", "MODEL_METRICS_READ", "VALIDATION_PASSED",
                "MLFLOW_RUN_CREATED", "MLFLOW_METRICS_LOGGED", "MLFLOW_RUN_ENDED", "RUN_FINISHED");
        assertThat(actions).doesNotContain("VALIDATION_FAILED", "ROLLBACK_TRIGGERED", "MLFLOW_SYNC_FAILED");
        JsonNode passed = event("retrain-1", "VALIDATION_PASSED");
        assertThat(passed.path("details").path("event_type").asText()).isEqualTo("validation_passed");
        assertThat(passed.path("details").path("payload_hash").asText()).isEqualTo(payloadHash);
        assertThat(passed.path("details").path("metrics").path("bias_score").asDouble()).isEqualTo(0.05);
        assertThat(passed.path("details").path("latency_seconds").isNumber()).isTrue();
        assertThat(event("retrain-1", "RETRAIN_INITIATED").path("details").path("x_request_id").asText())
                .isEqualTo(submits.get(0).getHeader("X-Request-Id"));
        String everything = Files.readString(workDir.resolve("audit/audit.jsonl")) + first + second;
        assertThat(everything).doesNotContain("token-1").doesNotContain(CLIENT_SECRET);
        assertThat(capturedLog()).isNotEmpty().doesNotContain("Bearer token-1").doesNotContain(CLIENT_SECRET);
    }

    @Test
    void accuracyDeltaIsTheNewF1MinusTheBaselinesF1() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        stubs.metrics(BASELINE_METRICS_PATH, 0.96, 0.95, 0.88, 0.04);

        JsonNode result = run(request("with-baseline", ",\"baselineVersionId\":\"" + BASELINE + "\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("accuracyDelta").asDouble()).isEqualTo(0.05);
        cognigy.verify(exactly(1), getRequestedFor(urlPathEqualTo(BASELINE_METRICS_PATH))
                .withQueryParam("include_precision_recall", equalTo("true")));
        JsonNode batch = Json.parse(mlflow.findAll(postRequestedFor(urlEqualTo(MLFLOW + "runs/log-batch"))).get(0).getBodyAsString());
        assertThat(metric(batch, "accuracy_delta")).isEqualTo(0.05);
        assertThat(event("with-baseline", "VALIDATION_PASSED").path("details").path("accuracy_delta").asDouble()).isEqualTo(0.05);
    }

    @Test
    void anUnreadableBaselineStillLetsTheGateJudgeAndRollBackTheNewVersion() throws Exception {
        stubs.submitAccepted();
        stubs.jobEnds("completed", "");
        stubs.metrics(METRICS_PATH, 0.91, 0.96, 0.93, 0.05);
        stubs.rollbackAccepted();
        stubs.mlflowTracking();
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(BASELINE_METRICS_PATH))
                .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"no such version\"}")));

        JsonNode result = run(request("baseline-missing", ",\"baselineVersionId\":\"" + BASELINE
                + "\",\"rollbackTriggerVersionId\":\"" + ROLLBACK_TO + "\""));

        // the baseline only informs accuracyDelta: a bad new version is still judged and rolled back
        assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("GATE_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("precision 0.91")
                .contains("rolled back to " + ROLLBACK_TO).contains(BASELINE).contains("404");
        JsonNode out = result.path("output");
        assertThat(out.path("gate").asText()).isEqualTo("FAILED");
        assertThat(out.path("rollbackTriggered").asBoolean()).isTrue();
        assertThat(out.has("accuracyDelta")).as("no baseline F1, no delta").isFalse();
        assertThat(out.path("baselineError").asText()).contains("404").contains("no such version");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ROLLBACK_PATH))
                .withRequestBody(equalToJson("{\"target_version_id\":\"" + ROLLBACK_TO + "\"}")));
        assertThat(auditActions("baseline-missing")).containsSubsequence("VALIDATION_FAILED", "ROLLBACK_TRIGGERED",
                "MLFLOW_RUN_ENDED", "RUN_FINISHED");
    }

    @Test
    void anUnreadableBaselineFailsARunWhoseVersionPassedTheGateNamingTheBaseline() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(BASELINE_METRICS_PATH))
                .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"no such version\"}")));

        JsonNode result = run(request("baseline-missing-gate-passed", ",\"baselineVersionId\":\"" + BASELINE + "\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.path("error").path("message").asText()).contains(BASELINE_METRICS_PATH).contains("no such version");
        assertThat(result.path("output").path("gate").asText()).isEqualTo("PASSED");
        assertThat(auditActions("baseline-missing-gate-passed")).contains("VALIDATION_PASSED");
        mlflow.verify(postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"status\":\"FAILED\"}", true, true)));
    }

    @Test
    void aFailedGateRollsBackToTheTriggerVersionAndFailsNamingEachCriterion() throws Exception {
        stubs.submitAccepted();
        stubs.jobEnds("completed", "");
        stubs.metrics(METRICS_PATH, 0.91, 0.96, 0.93, 0.2);
        stubs.rollbackAccepted();
        stubs.mlflowTracking();

        JsonNode result = run(request("gate-fails", ",\"rollbackTriggerVersionId\":\"" + ROLLBACK_TO + "\""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("GATE_FAILED");
        assertThat(result.path("error").path("message").asText())
                .contains("precision 0.91 is below 0.95 (1 − tolerance 0.05)")
                .contains("biasScore 0.2 is above maxBiasScore 0.15")
                .contains("rolled back to " + ROLLBACK_TO)
                .doesNotContain("recall");
        JsonNode out = result.path("output");
        assertThat(out.path("gate").asText()).isEqualTo("FAILED");
        assertThat(out.path("rollbackTriggered").asBoolean()).isTrue();
        assertThat(out.path("mlflowRunId").asText()).isEqualTo(MLFLOW_RUN);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ROLLBACK_PATH))
                .withRequestBody(equalToJson("{\"target_version_id\":\"" + ROLLBACK_TO + "\"}")));
        mlflow.verify(postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"run_id\":\"" + MLFLOW_RUN + "\",\"status\":\"FAILED\"}", true, true)));
        assertThat(auditActions("gate-fails")).containsSubsequence("VALIDATION_FAILED", "MODEL_ROLLBACK_REQUESTED",
                "ROLLBACK_TRIGGERED", "MLFLOW_RUN_ENDED", "RUN_FINISHED");
        JsonNode failed = event("gate-fails", "VALIDATION_FAILED");
        assertThat(failed.path("details").path("failed_criteria")).hasSize(2);
        assertThat(event("gate-fails", "ROLLBACK_TRIGGERED").path("details").path("target_version_id").asText())
                .isEqualTo(ROLLBACK_TO);
    }

    @Test
    void aFailedGateWithoutARollbackVersionRollsNothingBack() throws Exception {
        stubs.submitAccepted();
        stubs.jobEnds("completed", "");
        stubs.metrics(METRICS_PATH, 0.97, 0.93, 0.93, 0.05);
        stubs.mlflowTracking();

        JsonNode result = run(request("gate-fails-no-rollback", ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("GATE_FAILED");
        assertThat(result.path("error").path("message").asText())
                .contains("recall 0.93 is below 0.95 (1 − tolerance 0.05)").contains("nothing rolled back");
        assertThat(result.path("output").path("rollbackTriggered").asBoolean()).isFalse();
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(ROLLBACK_PATH)));
        assertThat(auditActions("gate-fails-no-rollback")).contains("VALIDATION_FAILED").doesNotContain("ROLLBACK_TRIGGERED");
    }

    @Test
    void aFailedOrRolledBackJobFailsTheRunAndIsStillRecordedInMlflow() throws Exception {
        stubs.submitAccepted();
        stubs.jobEnds("failed", ",\"errorMessage\":\"loss diverged at epoch 3\"");
        stubs.mlflowTracking();

        JsonNode result = run(request("job-fails", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText()).contains(JOB).contains("failed").contains("loss diverged at epoch 3");
        assertThat(result.path("output").path("jobStatus").asText()).isEqualTo("failed");
        assertThat(result.path("output").path("mlflowRunId").asText()).isEqualTo(MLFLOW_RUN);
        cognigy.verify(exactly(0), getRequestedFor(urlPathEqualTo(METRICS_PATH)));
        JsonNode create = Json.parse(mlflow.findAll(postRequestedFor(urlEqualTo(MLFLOW + "runs/create"))).get(0).getBodyAsString());
        assertThat(tags(create)).contains("status=failed");
        mlflow.verify(postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"status\":\"FAILED\"}", true, true)));
        assertThat(event("job-fails", "RETRAIN_COMPLETED").path("outcome").asText()).isEqualTo("FAILURE");

        cognigy.resetAll();
        stubToken("token-1", 3600);
        stubs.submitAccepted();
        stubs.jobEnds("rolled_back", "");
        JsonNode rolledBack = run(request("job-rolled-back", ""));
        assertThat(rolledBack.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(rolledBack.path("error").path("message").asText()).contains("rolled_back");
        assertThat(rolledBack.path("output").path("rollbackTriggered").asBoolean()).isTrue();
        assertThat(auditActions("job-rolled-back")).contains("ROLLBACK_TRIGGERED");
    }

    @Test
    void aRefusedSubmitSurfacesTheServersDetailAndStartsNothing() throws Exception {
        stubs.mlflowTracking();
        cognigy.stubFor(post(JOBS_PATH).willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json")
                .withBody("{\"detail\":\"maxGpuMemory 16384 exceeds the tenant quota of 8192\"}")));

        JsonNode result = run(request("unprocessable", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(result.path("error").path("message").asText())
                .contains("POST " + JOBS_PATH).contains("422")
                .contains("maxGpuMemory 16384 exceeds the tenant quota of 8192");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(JOBS_PATH)));
        cognigy.verify(exactly(0), getRequestedFor(urlMatching("/api/v2/.*")));
        assertThat(mlflow.getAllServeEvents()).as("no job, nothing to record").isEmpty();

        cognigy.stubFor(post(JOBS_PATH).willReturn(aResponse().withStatus(403)
                .withBody("{\"message\":\"missing scope ai:training:execute\"}")));
        JsonNode forbidden = run(request("forbidden", ""));
        assertThat(forbidden.path("error").path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(forbidden.path("error").path("message").asText()).contains("cognigy.auth.scopes.nlp-retrain")
                .contains("missing scope ai:training:execute");
    }

    @Test
    void aRetriedSubmitSendsTheSameXRequestId() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        cognigy.stubFor(post(JOBS_PATH).inScenario("submit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        cognigy.stubFor(post(JOBS_PATH).inScenario("submit").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"jobId\":\"" + JOB + "\",\"status\":\"queued\",\"modelVersionId\":\"" + VERSION + "\"}")));

        JsonNode result = run(request("retried-submit", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        List<LoggedRequest> submits = cognigy.findAll(postRequestedFor(urlEqualTo(JOBS_PATH)));
        assertThat(submits).hasSize(2);
        assertThat(submits.get(1).getHeader("X-Request-Id")).isNotBlank().isEqualTo(submits.get(0).getHeader("X-Request-Id"));
    }

    @Test
    void aRollbackThatFailsIsNamedAndTheGateFailureStays() throws Exception {
        stubs.submitAccepted();
        stubs.jobEnds("completed", "");
        stubs.metrics(METRICS_PATH, 0.91, 0.96, 0.93, 0.05);
        stubs.mlflowTracking();
        cognigy.stubFor(post(ROLLBACK_PATH).willReturn(aResponse().withStatus(409)
                .withBody("{\"message\":\"version is archived\"}")));

        JsonNode result = run(request("rollback-fails", ",\"rollbackTriggerVersionId\":\"" + ROLLBACK_TO + "\""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("GATE_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("precision 0.91")
                .contains("the rollback to " + ROLLBACK_TO + " FAILED").contains("version is archived");
        assertThat(result.path("output").path("rollbackTriggered").asBoolean()).isFalse();
        assertThat(result.path("output").path("rollbackError").asText()).contains("409");
        assertThat(auditActions("rollback-fails")).doesNotContain("ROLLBACK_TRIGGERED");
    }

    @Test
    void anExperimentAnotherRunCreatedMeanwhileIsFoundAgain() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        mlflow.stubFor(post(MLFLOW + "experiments/create").inScenario("experiment")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"error_code\":\"RESOURCE_ALREADY_EXISTS\",\"message\":\"Experiment exists\"}"))
                .willSetStateTo("exists"));

        JsonNode result = run(request("experiment-race", ""));

        assertThat(result.path("output").path("mlflow").path("status").asText()).as(result.toString()).isEqualTo("RECORDED");
        assertThat(result.path("output").path("mlflow").path("experimentId").asText()).isEqualTo("42");
        mlflow.verify(exactly(2), getRequestedFor(urlPathEqualTo(MLFLOW + "experiments/get-by-name")));
        mlflow.verify(exactly(1), postRequestedFor(urlEqualTo(MLFLOW + "runs/create")));
    }

    @Test
    void anMlflowRunWhoseMetricsAreRefusedIsEndedFailedNotLeftRunning() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        mlflow.stubFor(post(MLFLOW + "runs/log-batch").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"metric value rejected\"}")));

        JsonNode result = run(request("mlflow-refuses-batch", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("mlflow").path("status").asText()).isEqualTo("FAILED");
        assertThat(out.path("mlflow").path("error").asText()).contains("runs/log-batch").contains("metric value rejected");
        assertThat(out.path("mlflowRunId").asText()).isEqualTo(MLFLOW_RUN);
        // the run MLflow created is not left RUNNING for ever: it is ended FAILED, once
        List<String> calls = mlflow.getAllServeEvents().stream()
                .sorted((a, b) -> a.getRequest().getLoggedDate().compareTo(b.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl().replace(MLFLOW, ""))
                .filter(c -> c.startsWith("POST runs/"))
                .collect(Collectors.toList());
        assertThat(calls).containsExactly("POST runs/create", "POST runs/log-batch", "POST runs/update");
        mlflow.verify(exactly(1), postRequestedFor(urlEqualTo(MLFLOW + "runs/update"))
                .withRequestBody(equalToJson("{\"run_id\":\"" + MLFLOW_RUN + "\",\"status\":\"FAILED\"}", true, true)));
        assertThat(auditActions("mlflow-refuses-batch")).containsSubsequence("MLFLOW_SYNC_FAILED", "MLFLOW_RUN_ENDED",
                "RUN_FINISHED");
    }

    @Test
    void anMlflowRunThatCannotBeEndedIsNotEndedTwice() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        mlflow.stubFor(post(MLFLOW + "runs/update").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"bad end_time\"}")));

        JsonNode result = run(request("mlflow-refuses-end", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("mlflow").path("error").asText()).contains("runs/update").contains("bad end_time");
        mlflow.verify(exactly(1), postRequestedFor(urlEqualTo(MLFLOW + "runs/update")));
    }

    @Test
    void anMlflowRunThatCannotBeEndedAfterAFailureIsNamedAsStillRunning() throws Exception {
        stubs.happyPath();
        stubs.mlflowTracking();
        mlflow.stubFor(post(MLFLOW + "runs/log-batch").willReturn(aResponse().withStatus(400)
                .withBody("{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"metric value rejected\"}")));
        mlflow.stubFor(post(MLFLOW + "runs/update").willReturn(aResponse().withStatus(400)
                .withBody("{\"error_code\":\"INVALID_STATE\",\"message\":\"run is archived\"}")));

        JsonNode result = run(request("mlflow-run-stays-open", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("mlflow").path("error").asText()).contains("metric value rejected")
                .contains("MLflow run " + MLFLOW_RUN + " could not be ended and stays RUNNING").contains("run is archived");
        mlflow.verify(exactly(1), postRequestedFor(urlEqualTo(MLFLOW + "runs/update")));
    }

    @Test
    void mlflowDownLeavesTheRetrainResultStandingAndSaysSo() throws Exception {
        stubs.happyPath();
        mlflow.stop();

        JsonNode result = run(request("mlflow-down", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("gate").asText()).isEqualTo("PASSED");
        assertThat(out.path("mlflowRunId").isNull()).as("a run id is never invented").isTrue();
        assertThat(out.path("mlflow").path("status").asText()).isEqualTo("FAILED");
        assertThat(out.path("mlflow").path("error").asText()).contains("experiments/get-by-name");
        JsonNode failed = event("mlflow-down", "MLFLOW_SYNC_FAILED");
        assertThat(failed.path("outcome").asText()).isEqualTo("FAILURE");
        assertThat(failed.path("details").path("error").asText()).isNotBlank();
    }

    @Test
    void anInvalidPayloadIsRejectedWithEveryViolationBeforeAnyCall() throws Exception {
        String bad = "{\"operation\":\"nlp-retrain\",\"payload\":" + RetrainStubs.payload("")
                .replace("\"maxCpuCores\":8", "\"maxCpuCores\":33").replace("\"maxDatasetSize\":5000", "\"maxDatasetSize\":50") + "}";

        JsonNode result = run(bad);

        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(result.path("error").path("message").asText()).isEqualTo(
                "payload.computeConstraints.maxCpuCores: must be at most 32 | payload.maxDatasetSize: must be at least 100");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
        assertThat(mlflow.getAllServeEvents()).isEmpty();
    }

    private JsonNode event(String runId, String action) throws Exception {
        return auditEvents().stream()
                .filter(e -> runId.equals(e.path("runId").asText()) && action.equals(e.path("action").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " event for " + runId));
    }

    private static List<String> tags(JsonNode body) {
        return java.util.stream.StreamSupport.stream(body.path("tags").spliterator(), false)
                .map(t -> t.path("key").asText() + "=" + t.path("value").asText()).toList();
    }

    private static double metric(JsonNode batch, String key) {
        for (JsonNode m : batch.path("metrics")) {
            if (key.equals(m.path("key").asText())) {
                return m.path("value").asDouble();
            }
        }
        throw new AssertionError("no metric " + key + " in " + batch);
    }
}
