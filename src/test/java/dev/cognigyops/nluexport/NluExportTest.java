package dev.cognigyops.nluexport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** nlu-export end to end: the requests Cognigy received, the object in S3, the result and the audit trail. */
class NluExportTest extends AppTestSupport {

    static final String VERSION_PATH = ExportStubs.VERSION_PATH;
    static final String EXPORTS_PATH = ExportStubs.EXPORTS_PATH;
    static final String JOB_PATH = ExportStubs.JOB_PATH;
    static final String ARTIFACT_PATH = ExportStubs.ARTIFACT_PATH;
    static final String KEY = ExportStubs.KEY;

    ExportStubs stubs;
    byte[] artifact;

    @Override
    protected void doPostSetup() {
        stubs = new ExportStubs(cognigy, 300_000);
        artifact = stubs.artifact();
    }

    static String request(String requestId, String extraPayload) {
        return ExportStubs.request(requestId, extraPayload);
    }

    void stubTrainedVersion() {
        stubs.trainedVersion();
    }

    void stubExportStart() {
        stubs.exportStart();
    }

    void stubHappyPath() {
        stubs.happyPath();
    }

    @Test
    void exportsTheArtifactIntoS3WithHashEncryptionAndMetadata() throws Exception {
        stubHappyPath();
        cognigy.stubFor(post("/hooks/registry").willReturn(aResponse().withStatus(204)));

        JsonNode result = run(request("export-happy", ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/hooks/registry\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("runId").asText()).isEqualTo("export-happy");
        JsonNode out = result.path("output");
        assertThat(out.path("exportId").asText()).isEqualTo("exp-1");
        assertThat(out.path("jobId").asText()).isEqualTo("job-1");
        assertThat(out.path("s3Uri").asText()).isEqualTo("s3://" + bucket + "/" + KEY);
        assertThat(out.path("artifactSizeBytes").asLong()).isEqualTo(artifact.length);
        assertThat(out.path("sha256").asText()).isEqualTo(sha256(artifact));
        assertThat(out.path("webhook").path("delivered").asBoolean()).isTrue();

        // the object, read back
        assertThat(s3().getBytes(bucket, KEY)).isEqualTo(artifact);
        HeadObjectResponse head = s3().head(bucket, KEY);
        assertThat(head.metadata()).containsEntry("export-format", "ONNX")
                .containsEntry("artifact-size-bytes", Integer.toString(artifact.length))
                .containsEntry("sha256", sha256(artifact))
                .containsKey("download-duration-sec");
        assertThat(s3().sseRequested(bucket, KEY)).as("ServerSideEncryption=AES256 requested for the final object").isTrue();
        assertThat(s3().listKeys(bucket)).as("no staging object left").noneMatch(k -> k.contains(".uploading-"));

        // what Cognigy received
        cognigy.verify(postRequestedFor(urlEqualTo(EXPORTS_PATH))
                .withHeader("Authorization", equalTo("Bearer token-1"))
                .withHeader("Accept", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.modelId", equalTo("intent-classifier")))
                .withRequestBody(matchingJsonPath("$.version", equalTo("1.4.0")))
                .withRequestBody(matchingJsonPath("$.format", equalTo("ONNX"))));
        cognigy.verify(exactly(3), getRequestedFor(urlEqualTo(JOB_PATH)));
        cognigy.verify(getRequestedFor(urlEqualTo(ARTIFACT_PATH)).withHeader("Authorization", equalTo("Bearer token-1")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/oauth/token"))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("scope=artifacts%3Adownload+jobs%3Aread+nlu%3Amodels%3Aexport")));

        // the webhook, field by field
        LoggedRequest hook = cognigy.findAll(postRequestedFor(urlEqualTo("/hooks/registry"))).get(0);
        JsonNode body = Json.parse(hook.getBodyAsString());
        assertThat(body.path("event").asText()).isEqualTo("nlu_model_export_completed");
        assertThat(body.path("data").path("storageLocation").asText()).isEqualTo("s3://" + bucket + "/" + KEY);
        assertThat(body.path("data").path("artifactSizeBytes").asLong()).isEqualTo(artifact.length);
        assertThat(body.path("data").path("status").asText()).isEqualTo("SUCCESS");
        assertThat(body.path("data").path("jobId").asText()).isEqualTo("job-1");
        assertThat(hook.getHeader("Authorization")).as("no token to a webhook").isNull();

        // the result file and the audit trail
        assertThat(resultFile("export-happy")).isEqualTo(result);
        List<String> actions = auditActions("export-happy");
        assertThat(actions.get(0)).isEqualTo("RUN_STARTED");
        assertThat(actions.get(actions.size() - 1)).isEqualTo("RUN_FINISHED");
        assertThat(actions).containsSubsequence("MODEL_VERSION_CHECKED", "EXPORT_REQUESTED", "EXPORT_JOB_STATUS",
                "ARTIFACT_STORED", "WEBHOOK_SENT", "EXPORT_COMPLETED", "RUN_FINISHED");
        JsonNode completed = auditEvents().stream().filter(e -> e.path("action").asText().equals("EXPORT_COMPLETED")).findFirst().orElseThrow();
        assertThat(completed.path("resource").asText()).isEqualTo("nlu:intent-classifier:1.4.0");
        assertThat(completed.path("details").path("export_id").asText()).isEqualTo("exp-1");
        assertThat(completed.path("details").path("compliance_flags").path("encrypted_at_rest").asBoolean()).isTrue();
        JsonNode finished = auditEvents().stream().filter(e -> e.path("action").asText().equals("RUN_FINISHED")).findFirst().orElseThrow();
        assertThat(finished.path("outcome").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aVersionThatIsNotTrainedFailsBeforeAnyExport() throws Exception {
        cognigy.stubFor(get(VERSION_PATH).willReturn(okJson("{\"status\":\"TRAINING\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("TRAINING").contains("TRAINED");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(EXPORTS_PATH)));
    }

    @Test
    void forbiddenAndNotFoundAreClearErrorsWithoutRetries() throws Exception {
        cognigy.stubFor(get(VERSION_PATH).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"service account lacks nlu:models:read\"}")));
        JsonNode forbidden = run(request(null, ""));
        assertThat(forbidden.path("error").path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(forbidden.path("error").path("message").asText())
                .contains("GET " + VERSION_PATH).contains("403").contains("lacks nlu:models:read");
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(VERSION_PATH)));

        cognigy.resetRequests();
        cognigy.stubFor(get(VERSION_PATH).willReturn(aResponse().withStatus(404).withBody("{\"message\":\"no such version\"}")));
        JsonNode missing = run(request(null, ""));
        assertThat(missing.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(missing.path("error").path("message").asText()).contains("no such version");
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(VERSION_PATH)));
    }

    @Test
    void aFailedExportJobFailsTheRunWithItsMessage() throws Exception {
        stubTrainedVersion();
        stubExportStart();
        cognigy.stubFor(get(JOB_PATH).willReturn(okJson("{\"status\":\"FAILED\",\"errorMessage\":\"model exceeds export size\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("job-1").contains("model exceeds export size");
        assertThat(s3().listKeys(bucket)).noneMatch(k -> k.startsWith("nlu-exports/intent-classifier/1.4.0/"));
    }

    @Test
    void rateLimitedCallWaitsForRetryAfterThenSucceeds() throws Exception {
        stubHappyPath();
        cognigy.stubFor(get(VERSION_PATH).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        cognigy.stubFor(get(VERSION_PATH).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson("{\"status\":\"TRAINED\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        List<LoggedRequest> reads = cognigy.findAll(getRequestedFor(urlEqualTo(VERSION_PATH)));
        assertThat(reads).hasSize(2);
        long waitedMs = reads.get(1).getLoggedDate().getTime() - reads.get(0).getLoggedDate().getTime();
        assertThat(waitedMs).as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(1000).isLessThan(5000);
    }

    @Test
    void aBurstOfServerErrorsIsRetriedWithBackoff() throws Exception {
        stubHappyPath();
        cognigy.stubFor(post(EXPORTS_PATH).inScenario("5xx").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("second"));
        cognigy.stubFor(post(EXPORTS_PATH).inScenario("5xx").whenScenarioStateIs("second")
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
        cognigy.stubFor(post(EXPORTS_PATH).inScenario("5xx").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"jobId\":\"job-1\",\"exportId\":\"exp-1\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(3), postRequestedFor(urlEqualTo(EXPORTS_PATH)));
    }

    @Test
    void exhaustedRetriesFailWithTheRightCodeInBoundedTime() throws Exception {
        cognigy.stubFor(get(VERSION_PATH).willReturn(aResponse().withStatus(503).withBody("{\"message\":\"maintenance\"}")));
        long started = System.nanoTime();
        JsonNode upstream = run(request(null, ""));
        assertThat(upstream.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(upstream.path("error").path("message").asText()).contains("503").contains("maintenance").contains("4 attempts");
        cognigy.verify(exactly(4), getRequestedFor(urlEqualTo(VERSION_PATH)));

        cognigy.resetRequests();
        cognigy.stubFor(get(VERSION_PATH).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")));
        JsonNode limited = run(request(null, ""));
        assertThat(limited.path("error").path("code").asText()).isEqualTo("RATE_LIMITED");
        cognigy.verify(exactly(4), getRequestedFor(urlEqualTo(VERSION_PATH)));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void anExpiredTokenIsRenewedOnceAndTheCallRetried() throws Exception {
        stubHappyPath();
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\":\"old-token-123\",\"expires_in\":3600}")).willSetStateTo("renewed"));
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs("renewed")
                .willReturn(okJson("{\"access_token\":\"new-token-456\",\"expires_in\":3600}")));
        cognigy.stubFor(get(JOB_PATH).withHeader("Authorization", equalTo("Bearer old-token-123"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"invalid_token\"}")));
        cognigy.stubFor(get(JOB_PATH).withHeader("Authorization", equalTo("Bearer new-token-456"))
                .willReturn(okJson("{\"status\":\"COMPLETED\",\"progress\":100,\"downloadUrl\":\"" + ARTIFACT_PATH + "\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo("/oauth/token")));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(JOB_PATH)).withHeader("Authorization", equalTo("Bearer old-token-123")));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(JOB_PATH)).withHeader("Authorization", equalTo("Bearer new-token-456")));
    }

    @Test
    void aWrongClientSecretFailsUnauthorizedWithoutCallingTheApi() throws Exception {
        cognigy.resetAll();
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"invalid_client\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("UNAUTHORIZED");
        assertThat(result.path("error").path("message").asText()).contains("invalid_client");
        cognigy.verify(exactly(0), getRequestedFor(urlPathEqualTo(VERSION_PATH)));
    }

    @Test
    void aTruncatedDownloadFailsAndLeavesNoObject() throws Exception {
        stubTrainedVersion();
        stubExportStart();
        try (var truncating = new TruncatingServer(artifact, 100_000)) {
            cognigy.stubFor(get(JOB_PATH).willReturn(okJson("{\"status\":\"COMPLETED\",\"progress\":100,\"downloadUrl\":\""
                    + truncating.url() + "/artifact.onnx\"}")));

            JsonNode result = run(request(null, ""));

            assertThat(result.path("status").asText()).isEqualTo("FAILED");
            assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
            assertThat(result.path("error").path("message").asText()).contains("truncated").contains("100000 of " + artifact.length);
            assertThat(truncating.requests()).as("a broken transfer is retried like a reset: " + result).isEqualTo(4);
            assertThat(truncating.authorizationHeaders()).as("no token sent to another host").allMatch(h -> h == null);
            JsonNode storeFailed = auditEvents().stream().filter(e -> e.path("action").asText().equals("ARTIFACT_STORED")).findFirst().orElseThrow();
            assertThat(storeFailed.path("outcome").asText()).isEqualTo("FAILURE");
            assertThat(storeFailed.path("details").path("error").asText()).contains("truncated");
        }
        assertThat(s3().listKeys(bucket)).noneMatch(k -> k.startsWith("nlu-exports/intent-classifier/1.4.0/"));
    }

    @Test
    void aWebhookThatIsDownDoesNotFailTheExport() throws Exception {
        stubHappyPath();
        cognigy.stubFor(post("/hooks/down").willReturn(aResponse().withStatus(500)));

        JsonNode result = run(request("webhook-down", ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/hooks/down\""));

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("webhook").path("delivered").asBoolean()).isFalse();
        assertThat(result.path("output").path("webhook").path("error").asText()).contains("500");
        cognigy.verify(exactly(3), postRequestedFor(urlEqualTo("/hooks/down")));
        assertThat(auditActions("webhook-down")).contains("WEBHOOK_FAILED");
        assertThat(s3().exists(bucket, KEY)).isTrue();
    }

    @Test
    void theSameRequestIdNeverStartsASecondRun() throws Exception {
        stubHappyPath();

        JsonNode first = run(request("once-only", ""));
        JsonNode second = run(request("once-only", ""));

        assertThat(first.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(second).as("the duplicate answers with the stored result").isEqualTo(first);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(EXPORTS_PATH)));
        assertThat(auditActions("once-only")).containsOnlyOnce("RUN_STARTED").endsWith("RUN_FINISHED");
        assertThat(auditEvents()).filteredOn(e -> e.path("action").asText().equals("DUPLICATE_REQUEST"))
                .singleElement().satisfies(e -> assertThat(e.path("details").path("duplicateOf").asText()).isEqualTo("once-only"));
    }

    @Test
    void aJobIdFromCognigyIsOnePathSegmentWhateverItHolds() throws Exception {
        String jobId = "job/../1";
        String jobPath = "/api/v1/jobs/job%2F..%2F1";
        stubs.trainedVersion();
        cognigy.stubFor(post(EXPORTS_PATH).willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                .withBody("{\"jobId\":\"" + jobId + "\",\"exportId\":\"exp-1\"}")));
        cognigy.stubFor(get(urlEqualTo(jobPath)).willReturn(okJson("{\"jobId\":\"" + jobId
                + "\",\"status\":\"COMPLETED\",\"progress\":100,\"downloadUrl\":\"" + ARTIFACT_PATH + "\"}")));
        stubs.artifactDownload();

        JsonNode result = run(request("hostile-job-id", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("jobId").asText()).isEqualTo(jobId);
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(jobPath)));
        assertThat(cognigy.findAllUnmatchedRequests()).as("no call reached a path the id's '/' or '..' made up").isEmpty();
    }

    @Test
    void noSecretReachesALogLineAnAuditEventAResultOrAWebhook() throws Exception {
        stubHappyPath();
        cognigy.stubFor(post("/hooks/registry").willReturn(aResponse().withStatus(204)));
        run(request("secrets", ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/hooks/registry\""));
        // and a failure path, whose messages quote the server
        cognigy.stubFor(get(VERSION_PATH).willReturn(aResponse().withStatus(400)
                .withBody("{\"message\":\"bad request from Bearer token-1\"}")));
        run(request(null, ""));

        String everything = capturedLog()
                + String.join("\n", java.nio.file.Files.readAllLines(workDir.resolve("audit/audit.jsonl")))
                + resultFile("secrets")
                + cognigy.findAll(postRequestedFor(urlEqualTo("/hooks/registry"))).get(0).getBodyAsString();
        assertThat(capturedLog()).as("the capture works").contains("run secrets");
        assertThat(everything).doesNotContain(CLIENT_SECRET).doesNotContain("token-1")
                .doesNotContain(dev.cognigyops.testsupport.EmbeddedS3.SECRET_KEY);
    }

    static com.github.tomakehurst.wiremock.matching.StringValuePattern containing(String s) {
        return com.github.tomakehurst.wiremock.client.WireMock.containing(s);
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
