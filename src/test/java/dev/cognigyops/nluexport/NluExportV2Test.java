package dev.cognigyops.nluexport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * nlu-export on profile cognigy-v2 (docs/contract.md §9), the whole app against WireMock standing in for a
 * real tenant: the snapshot chain checked call by call and by body, the .csnap in S3, a task that ends in
 * error, the snapshot limit with and without rotate, a download link refused 409 until packaged, a 429 storm,
 * a 500 after the POST read back and not repeated, the API key nowhere it must not be (the download link
 * gets none), and resumed runs that do not POST again.
 */
class NluExportV2Test extends AppTestSupport {

    static final String API_KEY = "ak-Cognigy-v2-export-key-5d1e";
    static final String PROJECT = "65f0c0ffee00000000000001";
    static final String SNAPSHOTS = "/new/v2.0/snapshots";
    static final String HOOK = "/hooks/snapshots";
    static final String LINK_PATH = "/presigned/snap-1.csnap";

    byte[] csnap;

    @Override
    protected Properties settings() {
        return v2(super.settings());
    }

    static Properties v2(Properties p) {
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", API_KEY);
        p.setProperty("cognigy.poll.nlu-export.first-delay-ms", "20");
        p.setProperty("cognigy.poll.nlu-export.max-delay-ms", "50");
        p.setProperty("cognigy.retry.retry-after-cap-seconds", "1");
        return p;
    }

    @Override
    protected void doPostSetup() {
        csnap = new byte[200_000];
        new Random(12).nextBytes(csnap);
        cognigy.stubFor(post(HOOK).willReturn(aResponse().withStatus(204)));
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder accepted(String taskId, String status) {
        return json(task(taskId, status, null)).withStatus(202);
    }

    static String task(String id, String status, String failReason) {
        return "{\"_id\":\"" + id + "\",\"status\":\"" + status + "\",\"currentStep\":" + (status.equals("done") ? 2 : 0)
                + ",\"totalStep\":2,\"failReason\":" + (failReason == null ? "null" : Json.write(Json.MAPPER.valueToTree(failReason))) + "}";
    }

    static ResponseDefinitionBuilder problem(int status, String title, String detail, String traceId) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\",\"traceId\":\"" + traceId + "\"}");
    }

    /** The task's answers in order; the last one repeats. */
    void taskAnswers(String taskId, String... statuses) {
        for (int i = 0; i < statuses.length; i++) {
            var read = get(urlEqualTo("/new/v2.0/tasks/" + taskId)).inScenario(taskId)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "read-" + i).willReturn(json(task(taskId, statuses[i], null)));
            cognigy.stubFor(i + 1 < statuses.length ? read.willSetStateTo("read-" + (i + 1)) : read);
        }
    }

    static String snapshot(String id, String name, long createdAt, boolean packaged) {
        return "{\"_id\":\"" + id + "\",\"name\":\"" + name + "\",\"description\":\"\",\"isPackaged\":" + packaged
                + ",\"hash\":\"h\",\"createdAt\":" + createdAt + "}";
    }

    static String page(String... items) {
        return "{\"items\":[" + String.join(",", items) + "],\"total\":" + items.length
                + ",\"nextCursor\":null,\"previousCursor\":null}";
    }

    /** The listing of the project's snapshots answers {@code items}, from the scenario state {@code state} on. */
    void listing(String scenario, String state, String... items) {
        var stub = get(urlPathEqualTo(SNAPSHOTS)).withQueryParam("projectId", equalTo(PROJECT)).willReturn(json(page(items)));
        cognigy.stubFor(scenario == null ? stub : stub.inScenario(scenario).whenScenarioStateIs(state));
    }

    /** Everything after the create task: the listing shows {@code name}, package task, link, the bytes. */
    void afterCreate(String name) {
        listing(null, null, snapshot("snap-1", name, 1_763_700_000L, false));
        cognigy.stubFor(post(SNAPSHOTS + "/snap-1/package").willReturn(accepted("task-pack", "queued")));
        taskAnswers("task-pack", "active", "done");
        cognigy.stubFor(post(SNAPSHOTS + "/snap-1/downloadlink")
                .willReturn(json("{\"downloadLink\":\"" + cognigy.baseUrl() + LINK_PATH + "?X-Amz-Signature=0ff1ce\"}")));
        cognigy.stubFor(get(urlPathEqualTo(LINK_PATH)).willReturn(aResponse().withHeader("Content-Type", "application/octet-stream")
                .withBody(csnap)));
    }

    void happyStubs(String name) {
        cognigy.stubFor(post(SNAPSHOTS).willReturn(accepted("task-create", "queued")));
        taskAnswers("task-create", "done");
        afterCreate(name);
    }

    static String request(String requestId, String extra) {
        return "{\"operation\":\"nlu-export\",\"requestId\":\"" + requestId + "\",\"payload\":{\"projectId\":\"" + PROJECT + "\""
                + extra + "}}";
    }

    /** The calls received, in order, as "METHOD path?query" with the query's pairs in alphabetical order. */
    List<String> calls() {
        return cognigy.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + sortedQuery(r.getUrl())).toList();
    }

    static String sortedQuery(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        return url.substring(0, q + 1) + String.join("&", java.util.Arrays.stream(url.substring(q + 1).split("&")).sorted().toList());
    }

    static final String LIST = "GET " + SNAPSHOTS + "?limit=100&projectId=" + PROJECT + "&skip=0";

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aSnapshotIsMadePackagedAndStreamedIntoS3WithTheKeyNeverWrittenNorSentToTheLink() throws Exception {
        happyStubs("cognigy-ops-v2-happy");

        JsonNode result = run(request("v2-happy", ",\"description\":\"nightly\",\"webhookUrl\":\"" + cognigy.baseUrl() + HOOK + "\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        String key = "snapshots/" + PROJECT + "/cognigy-ops-v2-happy.csnap";
        assertThat(out.path("snapshotId").asText()).isEqualTo("snap-1");
        assertThat(out.path("snapshotName").asText()).isEqualTo("cognigy-ops-v2-happy");
        assertThat(out.path("s3Uri").asText()).isEqualTo("s3://" + bucket + "/" + key);
        assertThat(out.path("artifactSizeBytes").asLong()).isEqualTo(csnap.length);
        assertThat(out.path("sha256").asText()).isEqualTo(sha256(csnap));
        assertThat(out.has("durationSeconds")).isTrue();
        assertThat(out.has("rotated")).isFalse();

        // the object, read back: bytes, SSE, metadata
        assertThat(s3().getBytes(bucket, key)).isEqualTo(csnap);
        assertThat(s3().sseRequested(bucket, key)).isTrue();
        assertThat(s3().head(bucket, key).metadata()).containsEntry("sha256", sha256(csnap))
                .containsEntry("artifact-size-bytes", Integer.toString(csnap.length)).containsEntry("export-format", "csnap")
                .containsEntry("snapshot-id", "snap-1");

        // the calls Cognigy received, in order
        assertThat(calls()).containsExactly(
                "POST " + SNAPSHOTS,
                "GET /new/v2.0/tasks/task-create",
                LIST,
                "POST " + SNAPSHOTS + "/snap-1/package",
                "GET /new/v2.0/tasks/task-pack",
                "GET /new/v2.0/tasks/task-pack",
                "POST " + SNAPSHOTS + "/snap-1/downloadlink",
                "GET " + LINK_PATH + "?X-Amz-Signature=0ff1ce",
                "POST " + HOOK);
        List<LoggedRequest> logged = cognigy.findAll(anyRequestedFor(anyUrl()));
        assertThat(Json.parse(logged.get(0).getBodyAsString())).isEqualTo(Json.parse("{\"projectId\":\"" + PROJECT
                + "\",\"name\":\"cognigy-ops-v2-happy\",\"description\":\"nightly\"}"));
        for (LoggedRequest r : logged.subList(0, 7)) {
            assertThat(r.getHeader("X-API-Key")).as(r.getUrl()).isEqualTo(API_KEY);
            assertThat(r.containsHeader("Authorization")).isFalse();
        }
        assertThat(logged.get(7).containsHeader("X-API-Key")).as("the pre-signed link gets no key").isFalse();
        assertThat(logged.get(7).containsHeader("Authorization")).isFalse();
        assertThat(logged.get(8).containsHeader("X-API-Key")).as("nor the webhook").isFalse();

        JsonNode hook = Json.parse(logged.get(8).getBodyAsString());
        assertThat(hook.path("event").asText()).isEqualTo("nlu_model_export_completed");
        assertThat(hook.path("data").path("snapshotId").asText()).isEqualTo("snap-1");
        assertThat(hook.path("data").path("storageLocation").asText()).isEqualTo("s3://" + bucket + "/" + key);
        assertThat(hook.path("data").path("status").asText()).isEqualTo("SUCCESS");

        assertThat(auditActions("v2-happy")).containsExactly("RUN_STARTED", "SNAPSHOT_REQUESTED", "SNAPSHOT_TASK_STATUS",
                "SNAPSHOTS_LISTED", "SNAPSHOT_PACKAGE_REQUESTED", "SNAPSHOT_TASK_STATUS", "SNAPSHOT_TASK_STATUS",
                "DOWNLOAD_LINK_CREATED", "SNAPSHOT_STORED", "WEBHOOK_SENT", "EXPORT_COMPLETED", "RUN_FINISHED");

        // the key: in no URL, no body sent, no log line, no result, no audit event, no file
        for (LoggedRequest r : logged) {
            assertThat(r.getAbsoluteUrl()).doesNotContain(API_KEY).doesNotContain("api_key");
            assertThat(r.getBodyAsString()).doesNotContain(API_KEY);
        }
        assertThat(result.toString()).doesNotContain(API_KEY);
        assertThat(capturedLog()).doesNotContain(API_KEY);
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/data/")).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(API_KEY).doesNotContain("0ff1ce");
            }
        }
    }

    @Test
    void aTaskThatEndsInErrorFailsTheRunWithItsFailReason() throws Exception {
        cognigy.stubFor(post(SNAPSHOTS).willReturn(accepted("task-create", "queued")));
        cognigy.stubFor(get(urlEqualTo("/new/v2.0/tasks/task-create"))
                .willReturn(json(task("task-create", "error", "Flow 'Main' could not be serialized"))));

        JsonNode result = run(request("v2-task-error", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("task task-create (creating snapshot "
                + "cognigy-ops-v2-task-error) ended in error: Flow 'Main' could not be serialized");
    }

    @Test
    void aFullProjectWithoutRotateFailsPreconditionNamingTheLimit() throws Exception {
        // on Cognigy the POST is accepted and its TASK fails
        cognigy.stubFor(post(SNAPSHOTS).willReturn(accepted("task-create", "queued")));
        cognigy.stubFor(get(urlEqualTo("/new/v2.0/tasks/task-create"))
                .willReturn(json(task("task-create", "error", "Limit of allowed Snapshots"))));

        JsonNode result = run(request("v2-full", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("already holds the 10 snapshots Cognigy allows")
                .contains("Limit of allowed Snapshots").contains("rotate: true");
        assertThat(calls()).containsExactly("POST " + SNAPSHOTS, "GET /new/v2.0/tasks/task-create");
    }

    /** Ten snapshots: two not ours, ours oldest first — the oldest served by an endpoint. */
    String[] fullProject() {
        String[] items = new String[10];
        items[0] = snapshot("s-manual", "release 1.0", 1_700_000_000L, true);
        items[1] = snapshot("s-ours-live", "cognigy-ops-old-live", 1_700_000_100L, true);
        items[2] = snapshot("s-ours-oldest-free", "cognigy-ops-oldest-free", 1_700_000_200L, true);
        for (int i = 3; i < 9; i++) {
            items[i] = snapshot("s-ours-" + i, "cognigy-ops-run-" + i, 1_700_000_200L + i * 100, true);
        }
        items[9] = snapshot("s-manual-2", "release 2.0", 1_700_100_000L, true);
        return items;
    }

    @Test
    void aFullProjectWithRotateFirstDeletesTheOldestOfOursThatNoEndpointUses() throws Exception {
        cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/endpoints")).withQueryParam("projectId", equalTo(PROJECT))
                .willReturn(json(page("{\"_id\":\"e-1\",\"name\":\"Webchat\",\"entrypoint\":\"s-ours-live\",\"flowId\":\"f\"}",
                        "{\"_id\":\"e-2\",\"name\":\"Voice\",\"entrypoint\":\"" + PROJECT + "\",\"flowId\":\"f\"}"))));
        cognigy.stubFor(delete(SNAPSHOTS + "/s-ours-oldest-free").inScenario("rotate").willReturn(accepted("task-delete", "queued"))
                .willSetStateTo("deleted"));
        taskAnswers("task-delete", "active", "done");
        cognigy.stubFor(post(SNAPSHOTS).willReturn(accepted("task-create", "done")));
        afterCreate("cognigy-ops-v2-rotate");
        // until the delete, the listing shows the full project (afterCreate's listing, which shows the new
        // snapshot, answers after it)
        cognigy.stubFor(get(urlPathEqualTo(SNAPSHOTS)).atPriority(1).inScenario("rotate").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(page(fullProject()))));

        JsonNode result = run(request("v2-rotate", ",\"rotate\":true"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode rotated = result.path("output").path("rotated");
        assertThat(rotated.path("snapshotId").asText()).isEqualTo("s-ours-oldest-free");
        assertThat(rotated.path("snapshotName").asText()).isEqualTo("cognigy-ops-oldest-free");
        assertThat(calls()).containsExactly(
                LIST,
                "GET /new/v2.0/endpoints?limit=100&projectId=" + PROJECT + "&skip=0",
                "DELETE " + SNAPSHOTS + "/s-ours-oldest-free",
                "GET /new/v2.0/tasks/task-delete",
                "GET /new/v2.0/tasks/task-delete",
                "POST " + SNAPSHOTS,
                LIST,
                "POST " + SNAPSHOTS + "/snap-1/package",
                "GET /new/v2.0/tasks/task-pack",
                "GET /new/v2.0/tasks/task-pack",
                "POST " + SNAPSHOTS + "/snap-1/downloadlink",
                "GET " + LINK_PATH + "?X-Amz-Signature=0ff1ce");
        assertThat(auditActions("v2-rotate")).contains("SNAPSHOT_ROTATION", "SNAPSHOT_DELETE_REQUESTED");
    }

    @Test
    void aFullProjectWithRotateButNothingDeletableFailsBeforeAnyWrite() throws Exception {
        String[] items = new String[10];
        for (int i = 0; i < 10; i++) {
            items[i] = snapshot("s-" + i, i == 0 ? "cognigy-ops-live" : "release " + i, 1_700_000_000L + i, true);
        }
        listing(null, null, items);
        cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/endpoints"))
                .willReturn(json(page("{\"_id\":\"e-1\",\"name\":\"Webchat\",\"entrypoint\":\"s-0\"}"))));

        JsonNode result = run(request("v2-rotate-none", ",\"rotate\":true"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("project " + PROJECT + " holds 10 snapshots, the "
                + "limit of 10 Cognigy allows, and none can be rotated: no snapshot named cognigy-ops-* that no endpoint uses");
        assertThat(calls()).allMatch(c -> c.startsWith("GET "));
    }

    @Test
    void aNotFullProjectWithRotateDeletesNothing() throws Exception {
        happyStubs("cognigy-ops-v2-rotate-room");
        // one listing serves the count and the find-by-name after the create
        listing(null, null, snapshot("s-a", "cognigy-ops-a", 1_700_000_000L, true),
                snapshot("snap-1", "cognigy-ops-v2-rotate-room", 1_763_700_000L, false));

        JsonNode result = run(request("v2-rotate-room", ",\"rotate\":true"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").has("rotated")).isFalse();
        assertThat(calls()).noneMatch(c -> c.startsWith("DELETE") || c.contains("/endpoints"));
    }

    @Test
    void aDownloadLinkRefused409UntilPackagedIsAskedAgain() throws Exception {
        happyStubs("cognigy-ops-v2-409");
        String link = SNAPSHOTS + "/snap-1/downloadlink";
        cognigy.stubFor(post(link).inScenario("link").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("second")
                .willReturn(problem(409, "Conflict", "Snapshot snap-1 is not packaged yet", "tr-409")));
        cognigy.stubFor(post(link).inScenario("link").whenScenarioStateIs("second").willSetStateTo("third")
                .willReturn(problem(409, "Conflict", "Snapshot snap-1 is not packaged yet", "tr-409b")));
        cognigy.stubFor(post(link).inScenario("link").whenScenarioStateIs("third")
                .willReturn(json("{\"downloadLink\":\"" + cognigy.baseUrl() + LINK_PATH + "?X-Amz-Signature=0ff1ce\"}")));

        JsonNode result = run(request("v2-409", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(3), postRequestedFor(urlEqualTo(link)));
        assertThat(s3().getBytes(bucket, "snapshots/" + PROJECT + "/cognigy-ops-v2-409.csnap")).isEqualTo(csnap);
    }

    @Test
    void aDownloadLinkRefusedForEverFailsAfterItsBoundedAttempts() throws Exception {
        happyStubs("cognigy-ops-v2-409-ever");
        cognigy.stubFor(post(SNAPSHOTS + "/snap-1/downloadlink").atPriority(1)
                .willReturn(problem(409, "Conflict", "Snapshot snap-1 is not packaged yet", "tr-409")));

        JsonNode result = run(request("v2-409-ever", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText()).contains("after 10 requests")
                .contains("cognigy.v2.nlu-export.link-attempts");
        cognigy.verify(exactly(10), postRequestedFor(urlEqualTo(SNAPSHOTS + "/snap-1/downloadlink")));
    }

    @Test
    void a429StormIsWaitedOut() throws Exception {
        happyStubs("cognigy-ops-v2-429");
        ResponseDefinitionBuilder tooMany = problem(429, "Too Many Requests", "1000 requests per 5 minutes", "tr-429")
                .withHeader("Retry-After", "0");
        // the POST and the listing are refused three times each before they are answered
        for (String what : List.of("post", "list")) {
            for (int i = 0; i < 3; i++) {
                var stub = (what.equals("post") ? post(urlEqualTo(SNAPSHOTS)) : get(urlPathEqualTo(SNAPSHOTS)))
                        .atPriority(1).inScenario(what).whenScenarioStateIs(i == 0 ? Scenario.STARTED : "429-" + i)
                        .willSetStateTo(i == 2 ? "answered" : "429-" + (i + 1)).willReturn(tooMany);
                cognigy.stubFor(stub);
            }
        }

        JsonNode result = run(request("v2-429", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(4), postRequestedFor(urlEqualTo(SNAPSHOTS)));
        cognigy.verify(exactly(4), com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlPathEqualTo(SNAPSHOTS)));
    }

    @Test
    void aCreateAnswered500IsReadBackByNameNotRepeated() throws Exception {
        cognigy.stubFor(post(SNAPSHOTS).willReturn(problem(500, "Internal Server Error", "worker lost", "tr-500")));
        afterCreate("cognigy-ops-v2-500");

        JsonNode result = run(request("v2-500", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(SNAPSHOTS)));
        assertThat(calls().subList(0, 3)).containsExactly("POST " + SNAPSHOTS,
                LIST,
                "POST " + SNAPSHOTS + "/snap-1/package");
        assertThat(auditActions("v2-500")).contains("SNAPSHOT_READ_BACK");
    }

    @Test
    void aCreateAnswered500AndNotFoundIsPostedAgainOnce() throws Exception {
        cognigy.stubFor(post(SNAPSHOTS).inScenario("c").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("posted")
                .willReturn(problem(503, "Service Unavailable", "try later", "tr-503")));
        cognigy.stubFor(post(SNAPSHOTS).inScenario("c").whenScenarioStateIs("posted").willSetStateTo("created")
                .willReturn(accepted("task-create", "done")));
        afterCreate("cognigy-ops-v2-503");
        cognigy.stubFor(get(urlPathEqualTo(SNAPSHOTS)).atPriority(1).inScenario("c").whenScenarioStateIs("posted")
                .willReturn(json(page())));

        JsonNode result = run(request("v2-503", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls().subList(0, 4)).containsExactly("POST " + SNAPSHOTS,
                LIST, "POST " + SNAPSHOTS,
                LIST);
    }

    @Test
    void aNameAlreadyTakenIsAConflict() throws Exception {
        cognigy.stubFor(post(SNAPSHOTS).willReturn(problem(409, "Conflict", "A snapshot named nightly already exists", "tr-c")));

        JsonNode result = run(request("v2-taken", ",\"snapshotName\":\"nightly\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("CONFLICT");
        assertThat(calls()).containsExactly("POST " + SNAPSHOTS);
    }

    @Test
    void aRunResumedAfterTheSnapshotTaskStartedWaitsForItAndDoesNotPostAgain() throws Exception {
        SnapshotExportRun saved = savedFor("v2-resume").waitingFor(SnapshotExportRun.Phase.CREATE_REQUESTED, "task-create", "queued");
        taskAnswers("task-create", "active", "done");
        afterCreate("cognigy-ops-v2-resume");

        JsonNode result = runFrom(saved, request("v2-resume", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(SNAPSHOTS)));
        assertThat(calls().subList(0, 3)).containsExactly("GET /new/v2.0/tasks/task-create", "GET /new/v2.0/tasks/task-create",
                LIST);
    }

    @Test
    void aRunResumedWithTheCreateDueLooksForTheSnapshotBeforeItPosts() throws Exception {
        SnapshotExportRun saved = savedFor("v2-resume-due");
        afterCreate("cognigy-ops-v2-resume-due");

        JsonNode result = runFrom(saved, request("v2-resume-due", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(SNAPSHOTS)));
        assertThat(calls().get(0)).isEqualTo(LIST);
    }

    @Test
    void aRunResumedAfterStoringOnlyNotifies() throws Exception {
        SnapshotExportRun saved = new SnapshotExportRun(SnapshotExportRun.Phase.ARTIFACT_STORED, "v2-resume-stored", PROJECT,
                "cognigy-ops-v2-resume-stored", "", bucket, "k.csnap", cognigy.baseUrl() + HOOK, false,
                System.currentTimeMillis(), null, null, null, "snap-1", 0, 1,
                new StoredObject(bucket, "k.csnap", 5, "abc", 0.1), null);

        JsonNode result = runFrom(saved, request("v2-resume-stored", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly("POST " + HOOK);
    }

    SnapshotExportRun savedFor(String runId) {
        return SnapshotExportRun.start(new SnapshotExportRequest(PROJECT, "cognigy-ops-" + runId, "", bucket, null, null, false),
                runId, System.currentTimeMillis());
    }

    @Test
    void payloadRulesOfTheProfileNameEveryViolation() throws Exception {
        JsonNode rejected = run("{\"operation\":\"nlu-export\",\"requestId\":\"v2-rules\",\"payload\":{\"modelId\":\"m\","
                + "\"modelVersion\":\"1.0\",\"format\":\"ONNX\",\"snapshotName\":\"a/b:c\",\"rotate\":\"yes\",\"bogus\":1}}");

        assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("error").path("violations")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "payload.modelId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds NLU model; on a real tenant the export is a snapshot of the project (projectId)",
                "payload.modelVersion: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds NLU model's version; a snapshot is the project as it is now",
                "payload.format: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a snapshot is always a .csnap file",
                "payload.bogus: is not a known field (known: description, projectId, rotate, s3Bucket, s3Key, snapshotName, webhookUrl)",
                "payload.projectId: is required",
                "payload.snapshotName: must not contain '/', ':' (Cognigy refuses any of \\/:*?\"<>|)",
                "payload.rotate: must be true or false");
        assertThat(calls()).isEmpty();
    }
}
