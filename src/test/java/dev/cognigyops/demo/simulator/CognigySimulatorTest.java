package dev.cognigyops.demo.simulator;

import dev.cognigyops.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CognigySimulatorTest {

    private static final String CLIENT_ID = "cognigy-ops";
    private static final String CLIENT_SECRET = "s3cret+/=";
    private static final String MODEL = NluExportApi.DEMO_MODEL_ID;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private CognigySimulator cognigy;

    @BeforeEach
    void startSimulator() {
        cognigy = new CognigySimulator(CLIENT_ID, CLIENT_SECRET, clock).start();
    }

    @AfterEach
    void stopSimulator() {
        cognigy.close();
    }

    // ---- OAuth

    @Test
    void issuesTokenForFormCredentials() throws Exception {
        HttpResponse<String> response = tokenRequest(
                form("grant_type", "client_credentials", "scope", "nlu:export", "client_id", CLIENT_ID,
                        "client_secret", CLIENT_SECRET), null);

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> token = json(response);
        assertThat(token.get("access_token")).asString().hasSizeGreaterThan(20);
        assertThat(token).containsEntry("token_type", "Bearer")
                .containsEntry("expires_in", 3600)
                .containsEntry("scope", "nlu:export");
        assertThat(cognigy.tokensIssued()).isEqualTo(1);
    }

    @Test
    void issuesTokenForBasicCredentials() throws Exception {
        HttpResponse<String> response = tokenRequest(
                form("grant_type", "client_credentials", "scope", "a b"), basic(CLIENT_ID, CLIENT_SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).containsEntry("scope", "a b").containsKey("access_token");
    }

    @Test
    void acceptsFormEncodedBasicCredentials() throws Exception {
        String encodedSecret = URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8);
        HttpResponse<String> response = tokenRequest(form("grant_type", "client_credentials"), basic(CLIENT_ID, encodedSecret));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).doesNotContainKey("scope");
    }

    @Test
    void expiresInFollowsConfiguredTtl() throws Exception {
        cognigy.withTokenTtl(Duration.ofSeconds(90));

        assertThat(json(tokenRequest(validForm(), null))).containsEntry("expires_in", 90);
    }

    @Test
    void rejectsWrongSecret() throws Exception {
        HttpResponse<String> viaForm = tokenRequest(form("grant_type", "client_credentials", "client_id", CLIENT_ID,
                "client_secret", "wrong"), null);
        HttpResponse<String> viaBasic = tokenRequest(form("grant_type", "client_credentials"), basic(CLIENT_ID, "wrong"));
        HttpResponse<String> without = tokenRequest(form("grant_type", "client_credentials"), null);

        for (HttpResponse<String> response : List.of(viaForm, viaBasic, without)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(json(response)).isEqualTo(Map.of("error", "invalid_client"));
        }
        assertThat(cognigy.tokensIssued()).isZero();
    }

    @Test
    void rejectsOtherGrantTypes() throws Exception {
        HttpResponse<String> response = tokenRequest(form("grant_type", "password", "client_id", CLIENT_ID,
                "client_secret", CLIENT_SECRET), null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response)).containsEntry("error", "unsupported_grant_type");
    }

    @Test
    void rejectsMissingOrUnknownToken() throws Exception {
        String path = versionPath(NluExportApi.TRAINED_VERSION);
        List<HttpResponse<String>> responses = List.of(
                http.send(HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").build(), BodyHandlers.ofString()),
                get(path, "not-a-token"),
                http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Basic " + token()).build(),
                        BodyHandlers.ofString()),
                get("/api/v1/no/such/endpoint", null));

        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(json(response)).isEqualTo(Map.of("error", "invalid_token"));
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
        }
    }

    @Test
    void rejectsExpiredToken() throws Exception {
        String token = token();
        String path = versionPath(NluExportApi.TRAINED_VERSION);
        assertThat(get(path, token).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(3599));
        assertThat(get(path, token).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> expired = get(path, token);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(json(expired)).isEqualTo(Map.of("error", "invalid_token"));

        assertThat(get(path, token()).statusCode()).isEqualTo(200);
    }

    // ---- NLU model versions

    @Test
    void returnsTrainedVersion() throws Exception {
        HttpResponse<String> response = get(versionPath("1.4.0"), token());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json(response)).containsEntry("modelId", MODEL)
                .containsEntry("version", "1.4.0")
                .containsEntry("status", "TRAINED")
                .containsEntry("createdAt", "2025-01-14T09:30:00Z");
    }

    @Test
    void returnsTrainingVersion() throws Exception {
        HttpResponse<String> response = get(versionPath("1.5.0-rc1"), token());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response)).containsEntry("version", "1.5.0-rc1").containsEntry("status", "TRAINING");
    }

    @Test
    void answers404ForUnknownVersionOrModel() throws Exception {
        String token = token();
        for (String path : List.of(versionPath("9.9.9"), "/api/v1/nlu/models/unknown-model/versions/1.4.0",
                "/api/v1/jobs/unknown-job", "/api/v1/artifacts/unknown-export", "/api/v1/no/such/endpoint")) {
            HttpResponse<String> response = get(path, token);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(json(response)).as(path).containsKey("message");
        }
    }

    @Test
    void addedModelVersionsAreServed() throws Exception {
        cognigy.addModelVersion("model-2", "2.0.0", "TRAINED");

        HttpResponse<String> response = get("/api/v1/nlu/models/model-2/versions/2.0.0", token());

        assertThat(json(response)).containsEntry("status", "TRAINED").containsEntry("createdAt", clock.instant().toString());
    }

    // ---- exports

    @Test
    void exportsTrainedVersionAndServesItsArtifact() throws Exception {
        String token = token();
        HttpResponse<String> started = post(exportPath(MODEL), exportBody(MODEL, "1.4.0"), token);
        assertThat(started.statusCode()).isEqualTo(202);
        Map<String, Object> ids = json(started);
        String jobId = (String) ids.get("jobId");
        String exportId = (String) ids.get("exportId");
        assertThat(cognigy.exportsStarted()).containsExactly(exportId);
        assertThat(cognigy.nlu().export(exportId)).hasValueSatisfying(export -> {
            assertThat(export.format()).isEqualTo("json");
            assertThat(export.metadata()).isEqualTo(Map.of("requestedBy", "cognigy-ops"));
        });

        assertThat(get("/api/v1/artifacts/" + exportId, token).statusCode()).as("before completion").isEqualTo(409);

        List<Map<String, Object>> polls = new ArrayList<>();
        Map<String, Object> job;
        do {
            job = json(get("/api/v1/jobs/" + jobId, token));
            polls.add(job);
        } while (!"COMPLETED".equals(job.get("status")) && polls.size() < 20);

        assertThat(polls).extracting(p -> p.get("status") + ":" + p.get("progress"))
                .containsExactly("PENDING:0", "RUNNING:25", "RUNNING:50", "RUNNING:75", "COMPLETED:100");
        assertThat(job).containsEntry("jobId", jobId).containsEntry("downloadUrl", "/api/v1/artifacts/" + exportId);
        assertThat(json(get("/api/v1/jobs/" + jobId, token))).containsEntry("status", "COMPLETED");

        HttpResponse<InputStream> download = http.send(authorized((String) job.get("downloadUrl"), token).build(),
                BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(NluExportApi.DEFAULT_ARTIFACT_SIZE);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long size = 0;
        try (InputStream body = download.body()) {
            byte[] buffer = new byte[8192];
            for (int n; (n = body.read(buffer)) > 0; size += n) {
                sha256.update(buffer, 0, n);
            }
        }
        assertThat(size).isEqualTo(NluExportApi.DEFAULT_ARTIFACT_SIZE);
        assertThat(HexFormat.of().formatHex(sha256.digest())).isEqualTo(cognigy.expectedSha256(exportId));
    }

    @Test
    void artifactIsDeterministicAndSized() throws Exception {
        cognigy.withArtifactSize(1001).withJobStages(0, 0);
        String token = token();
        String exportId = (String) json(post(exportPath(MODEL), exportBody(MODEL, "1.4.0"), token)).get("exportId");
        String jobId = cognigy.nlu().export(exportId).orElseThrow().jobId();

        assertThat(json(get("/api/v1/jobs/" + jobId, token))).containsEntry("status", "COMPLETED");
        HttpResponse<byte[]> download = http.send(authorized("/api/v1/artifacts/" + exportId, token).build(),
                BodyHandlers.ofByteArray());

        assertThat(download.body()).hasSize(1001).isEqualTo(cognigy.expectedArtifact(exportId));
        assertThat(http.send(authorized("/api/v1/artifacts/" + exportId, token).build(), BodyHandlers.ofByteArray()).body())
                .isEqualTo(download.body());
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body())))
                .isEqualTo(cognigy.expectedSha256(exportId));
    }

    @Test
    void refusesToExportUntrainedOrUnknownVersions() throws Exception {
        String token = token();

        HttpResponse<String> training = post(exportPath(MODEL), exportBody(MODEL, "1.5.0-rc1"), token);
        assertThat(training.statusCode()).isEqualTo(409);
        assertThat(json(training).get("message")).asString().contains("TRAINING");

        assertThat(post(exportPath(MODEL), exportBody(MODEL, "0.0.1"), token).statusCode()).isEqualTo(404);
        assertThat(post(exportPath("nope"), exportBody("nope", "1.4.0"), token).statusCode()).isEqualTo(404);
        assertThat(post(exportPath(MODEL), "not json", token).statusCode()).isEqualTo(400);
        assertThat(cognigy.exportsStarted()).isEmpty();
    }

    @Test
    void failedExportReportsErrorMessage() throws Exception {
        cognigy.withJobStages(1, 1).nlu().failNextExport("Export storage unavailable");
        String token = token();
        String jobId = (String) json(post(exportPath(MODEL), exportBody(MODEL, "1.4.0"), token)).get("jobId");

        List<Object> statuses = new ArrayList<>();
        Map<String, Object> job = Map.of();
        for (int i = 0; i < 3; i++) {
            job = json(get("/api/v1/jobs/" + jobId, token));
            statuses.add(job.get("status"));
        }

        assertThat(statuses).containsExactly("PENDING", "RUNNING", "FAILED");
        assertThat(job).containsEntry("errorMessage", "Export storage unavailable").doesNotContainKey("downloadUrl");
    }

    // ---- helpers

    private String token() throws Exception {
        return (String) json(tokenRequest(validForm(), null)).get("access_token");
    }

    private HttpResponse<String> tokenRequest(String form, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(BodyPublishers.ofString(form));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return http.send(authorized(path, token).GET().build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body, String token) throws Exception {
        return http.send(authorized(path, token).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private HttpRequest.Builder authorized(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Accept", "application/json");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private URI uri(String path) {
        return URI.create(cognigy.baseUrl() + path);
    }

    private static String validForm() {
        return form("grant_type", "client_credentials", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET);
    }

    private static String form(String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.append(form.length() == 0 ? "" : "&")
                    .append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String versionPath(String version) {
        return "/api/v1/nlu/models/" + MODEL + "/versions/" + version;
    }

    private static String exportPath(String modelId) {
        return "/api/v1/nlu/models/" + modelId + "/exports";
    }

    private static String exportBody(String modelId, String version) throws Exception {
        return JSON.writeValueAsString(Map.of("modelId", modelId, "version", version, "format", "json",
                "metadata", Map.of("requestedBy", "cognigy-ops")));
    }

    private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
        return JSON.readValue(response.body(), new TypeReference<>() {});
    }
}
