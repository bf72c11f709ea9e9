package dev.cognigyops.flowdeploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
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
 * flow-deploy on profile cognigy-v2 (docs/contract.md §9), the whole app against WireMock standing in for a
 * real tenant: two flows of project {@code src} (Booking executes Payment) promoted into project {@code tgt}
 * as a package behind a rollback snapshot — the calls Cognigy received in order and by body; a merge task that
 * fails and the target restored; a dependency missing; a dry run; a task in error; a full target's oldest
 * cognigy-ops-* snapshot rotated away (none that may go: refused before any change; a resume that deletes nothing
 * twice); the snapshot limit hit anyway; a 429 storm; a 5xx after a POST read back, not repeated; a resume that repeats no change; the API key
 * nowhere it must not be; the payload's rules.
 */
class FlowDeployV2Test extends AppTestSupport {

    static final String API_KEY = "ak-Cognigy-v2-flowdeploy-key-91c2";
    static final String V2 = "/new/v2.0";
    static final String SRC = "65a1000000000000000000a1";
    static final String TGT = "65a1000000000000000000b2";
    static final byte[] PACKAGE = "PK\u0003\u0004 a cognigy package of two flows".getBytes(StandardCharsets.ISO_8859_1);

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", API_KEY);
        p.setProperty("cognigy.poll.flow-deploy.first-delay-ms", "20");
        p.setProperty("cognigy.poll.flow-deploy.max-delay-ms", "50");
        p.setProperty("cognigy.retry.retry-after-cap-seconds", "1");
        return p;
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    static String task(String id, String status, String data, String failReason) {
        return "{\"_id\":\"" + id + "\",\"name\":\"t\",\"status\":\"" + status + "\",\"currentStep\":1,\"totalStep\":1,"
                + "\"data\":" + (data == null ? "{}" : data) + ",\"failReason\":" + (failReason == null ? "null" : "\"" + failReason + "\"") + "}";
    }

    static String chart(String... references) {
        StringBuilder nodes = new StringBuilder("{\"_id\":\"n0\",\"type\":\"start\",\"label\":\"Start\",\"config\":{}}");
        int i = 1;
        for (String ref : references) {
            nodes.append(",{\"_id\":\"n").append(i).append("\",\"type\":\"").append(i % 2 == 1 ? "executeFlow" : "goTo")
                    .append("\",\"label\":\"To\",\"config\":{\"flowNode\":{\"flow\":\"").append(ref).append("\",\"node\":\"x\"}}}");
            i++;
        }
        nodes.append(",{\"_id\":\"n9\",\"type\":\"say\",\"label\":\"Say\",\"config\":{\"say\":{\"text\":[\"hi\"]}}}");
        return "{\"_id\":\"c1\",\"nodes\":[" + nodes + "],\"relations\":[]}";
    }

    static String flows(String... idRefName) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < idRefName.length; i += 3) {
            items.append(i == 0 ? "" : ",").append("{\"_id\":\"").append(idRefName[i]).append("\",\"referenceId\":\"")
                    .append(idRefName[i + 1]).append("\",\"name\":\"").append(idRefName[i + 2]).append("\",\"isTrainingOutOfDate\":false}");
        }
        return "{\"items\":[" + items + "],\"total\":" + idRefName.length / 3 + ",\"nextCursor\":null,\"previousCursor\":null}";
    }

    /** The source's two flows and their charts; the target's flows before the merge (Payment only) and after (both). */
    void stubFlows() {
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/flows")).withQueryParam("projectId", equalTo(SRC))
                .willReturn(json(flows("fA", "ref-booking", "Booking", "fB", "ref-payment", "Payment"))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/flows/fA/chart")).willReturn(json(chart("ref-payment"))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/flows/fB/chart")).willReturn(json(chart())));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/flows")).withQueryParam("projectId", equalTo(TGT)).inScenario("target")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(json(flows("t1", "ref-payment", "Payment"))));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/flows")).withQueryParam("projectId", equalTo(TGT)).inScenario("target")
                .whenScenarioStateIs("merged").willReturn(json(flows("t1", "ref-payment", "Payment", "t2", "ref-booking", "Booking"))));
    }

    /** Everything up to the merge answers; the merge task answers {@code mergeTask}. */
    void stubDeployment(String runId, String mergeTask) {
        stubFlows();
        cognigy.stubFor(post(V2 + "/snapshots").willReturn(json(task("task-snap", "queued", null, null))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-snap")).willReturn(json(task("task-snap", "done", null, null))));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/snapshots")).withQueryParam("projectId", equalTo(TGT))
                .willReturn(json("{\"items\":[{\"_id\":\"snap-old\",\"name\":\"v1\"},{\"_id\":\"snap-1\",\"name\":\"cognigy-ops-before-"
                        + runId + "\"}],\"total\":2}")));
        cognigy.stubFor(post(V2 + "/packages").willReturn(json(task("task-pkg", "queued", null, null))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-pkg")).willReturn(json(task("task-pkg", "done", "{\"packageId\":\"pkg-1\"}", null))));
        cognigy.stubFor(post(V2 + "/packages/pkg-1/downloadlink").willReturn(json("{\"downloadLink\":\"" + cognigy.baseUrl()
                + "/downloads/pkg-1.zip?sig=abc\"}")));
        cognigy.stubFor(get(urlPathEqualTo("/downloads/pkg-1.zip")).willReturn(aResponse()
                .withHeader("Content-Type", "application/zip").withBody(PACKAGE)));
        cognigy.stubFor(post(V2 + "/packages/upload").willReturn(json(task("task-up", "queued", null, null))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-up")).willReturn(json(task("task-up", "done", "{\"packageId\":\"pkg-up\"}", null))));
        cognigy.stubFor(post(V2 + "/packages/pkg-up/merge").inScenario("target").willSetStateTo("merged")
                .willReturn(json(task("task-merge", "queued", null, null))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-merge")).willReturn(json(mergeTask)));
    }

    static String request(String requestId, String extra) {
        return "{\"operation\":\"flow-deploy\",\"requestId\":\"" + requestId + "\",\"payload\":{\"sourceProjectId\":\"" + SRC
                + "\",\"targetProjectId\":\"" + TGT + "\"" + extra + "}}";
    }

    /** What Cognigy received, in order: method, path and the query sorted by name (its order is not the API's concern). */
    List<String> calls() {
        return cognigy.findAll(anyRequestedFor(anyUrl())).stream().map(FlowDeployV2Test::call).toList();
    }

    static String call(LoggedRequest r) {
        int q = r.getUrl().indexOf('?');
        if (q < 0) {
            return r.getMethod() + " " + r.getUrl();
        }
        return r.getMethod() + " " + r.getUrl().substring(0, q) + "?" + java.util.Arrays.stream(r.getUrl().substring(q + 1)
                .split("&")).sorted().collect(java.util.stream.Collectors.joining("&"));
    }

    static final String LIST_SRC = "GET " + V2 + "/flows?limit=100&projectId=" + SRC + "&skip=0";
    static final String LIST_TGT = "GET " + V2 + "/flows?limit=100&projectId=" + TGT + "&skip=0";
    static final String LIST_SNAPSHOTS = "GET " + V2 + "/snapshots?limit=100&projectId=" + TGT + "&skip=0";

    @Test
    void twoFlowsArePromotedAsAPackageBehindARollbackSnapshotAndTheKeyIsNeverWrittenAnywhere() throws Exception {
        stubDeployment("v2-fd-happy", task("task-merge", "done", "{\"packageId\":\"pkg-up\"}", null));

        JsonNode result = run(request("v2-fd-happy", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly(
                LIST_SRC, "GET " + V2 + "/flows/fA/chart", "GET " + V2 + "/flows/fB/chart", LIST_TGT, LIST_SNAPSHOTS,
                "POST " + V2 + "/snapshots", "GET " + V2 + "/tasks/task-snap", LIST_SNAPSHOTS,
                "POST " + V2 + "/packages", "GET " + V2 + "/tasks/task-pkg",
                "POST " + V2 + "/packages/pkg-1/downloadlink", "GET /downloads/pkg-1.zip?sig=abc",
                "POST " + V2 + "/packages/upload", "GET " + V2 + "/tasks/task-up",
                "POST " + V2 + "/packages/pkg-up/merge", "GET " + V2 + "/tasks/task-merge", LIST_TGT);
        List<LoggedRequest> requests = cognigy.findAll(anyRequestedFor(anyUrl()));
        // the bodies
        assertThat(Json.parse(requests.get(5).getBodyAsString())).isEqualTo(Json.parse("{\"projectId\":\"" + TGT
                + "\",\"name\":\"cognigy-ops-before-v2-fd-happy\",\"description\":\"cognigy-ops flow-deploy v2-fd-happy: the "
                + "rollback point before flows of project " + SRC + " are merged\"}"));
        JsonNode pkg = Json.parse(requests.get(8).getBodyAsString());
        assertThat(pkg.path("projectId").asText()).isEqualTo(SRC);
        assertThat(pkg.path("name").asText()).isEqualTo("cognigy-ops-v2-fd-happy");
        assertThat(pkg.path("resourceIds")).extracting(JsonNode::asText).containsExactly("fA", "fB");
        LoggedRequest upload = requests.get(12);
        assertThat(upload.getHeader("Content-Type")).startsWith("multipart/form-data");
        assertThat(upload.getPart("projectId").getBody().asString()).isEqualTo(TGT);
        assertThat(upload.getPart("file").getBody().asBytes()).isEqualTo(PACKAGE);
        assertThat(Json.parse(requests.get(14).getBodyAsString())).isEqualTo(Json.parse("{\"resourceIds\":[\"fA\",\"fB\"],"
                + "\"localeMapping\":[],\"strategies\":[{\"_id\":\"fA\",\"identityConflictStrategy\":\"replace\"},"
                + "{\"_id\":\"fB\",\"identityConflictStrategy\":\"replace\"}]}"));
        // the key on every call to the tenant, none on the download link
        for (LoggedRequest r : requests) {
            if (r.getUrl().startsWith("/downloads/")) {
                assertThat(r.containsHeader("X-API-Key")).as("the pre-signed link gets no key").isFalse();
            } else {
                assertThat(r.getHeader("X-API-Key")).as(r.getUrl()).isEqualTo(API_KEY);
            }
            assertThat(r.containsHeader("Authorization")).isFalse();
        }

        JsonNode out = result.path("output");
        String dir = "s3://" + bucket + "/manifests/" + TGT + "/v2-fd-happy";
        assertThat(out.path("manifestUri").asText()).isEqualTo(dir + ".json");
        assertThat(out.path("packageUri").asText()).isEqualTo(dir + ".package.zip");
        assertThat(out.path("deployed")).extracting(JsonNode::asText).containsExactly("fA", "fB");
        assertThat(out.path("rolledBack")).isEmpty();
        assertThat(out.path("rollbackSnapshotId").asText()).isEqualTo("snap-1");
        assertThat(out.has("rotated")).as("a target with room loses no snapshot").isFalse();
        assertThat(s3().getBytes(bucket, "manifests/" + TGT + "/v2-fd-happy.package.zip")).isEqualTo(PACKAGE);
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + TGT + "/v2-fd-happy.json"));
        assertThat(manifest).isEqualTo(out.path("manifest"));
        assertThat(manifest.path("outcome").asText()).isEqualTo("DEPLOYED");
        JsonNode booking = manifest.path("flows").get(0);
        assertThat(booking.path("referenceId").asText()).isEqualTo("ref-booking");
        assertThat(booking.path("contentHash").asText())
                .isEqualTo(dev.cognigyops.support.CanonicalJson.sha256(Json.parse(chart("ref-payment"))));
        assertThat(booking.path("inTarget").asBoolean()).isFalse();
        assertThat(booking.path("references")).extracting(JsonNode::asText).containsExactly("ref-payment");
        assertThat(booking.path("state").asText()).isEqualTo("DEPLOYED");
        assertThat(manifest.path("flows").get(1).path("inTarget").asBoolean()).isTrue();
        assertThat(manifest.path("dependencyGraph").toString()).isEqualTo("{\"ref-booking\":[\"ref-payment\"],\"ref-payment\":[]}");
        assertThat(s3().head(bucket, "manifests/" + TGT + "/v2-fd-happy.json").serverSideEncryptionAsString()).isEqualTo("AES256");
        assertThat(auditActions("v2-fd-happy")).contains("FLOWS_SELECTED", "DEPENDENCIES_RESOLVED", "MANIFEST_STORED",
                "ROLLBACK_SNAPSHOT_TAKEN", "PACKAGE_STORED", "FLOWS_VERIFIED", "DEPLOYMENT_COMPLETED").last().isEqualTo("RUN_FINISHED");

        // the key: in no URL, no body, no log line, no result, no audit event
        for (LoggedRequest r : requests) {
            assertThat(r.getAbsoluteUrl()).doesNotContain(API_KEY).doesNotContain("api_key");
            assertThat(r.getBodyAsString()).doesNotContain(API_KEY);
        }
        assertThat(capturedLog()).doesNotContain(API_KEY).doesNotContain("sig=abc");
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/data/")).toList()) {
                assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(API_KEY);
            }
        }
    }

    @Test
    void aMergeTaskThatFailsRestoresTheTargetFromTheRollbackSnapshot() throws Exception {
        stubDeployment("v2-fd-merge-fails", task("task-merge", "error", null, "Identity conflict on resource fA"));
        cognigy.stubFor(post(V2 + "/snapshots/snap-1/restore").willReturn(json(task("task-restore", "queued", null, null))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-restore")).willReturn(json(task("task-restore", "done", null, null))));

        JsonNode result = run(request("v2-fd-merge-fails", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText())
                .contains("package merge task task-merge ended in error: Identity conflict on resource fA")
                .contains("was restored from the rollback snapshot cognigy-ops-before-v2-fd-merge-fails (snap-1)");
        List<String> calls = calls();
        assertThat(calls.subList(calls.size() - 3, calls.size())).containsExactly("GET " + V2 + "/tasks/task-merge",
                "POST " + V2 + "/snapshots/snap-1/restore", "GET " + V2 + "/tasks/task-restore");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(V2 + "/snapshots/snap-1/restore"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson("{\"projectId\":\"" + TGT + "\"}")));
        JsonNode out = result.path("output");
        assertThat(out.path("rolledBack")).extracting(JsonNode::asText).containsExactly("fA", "fB");
        assertThat(out.path("deployed")).isEmpty();
        assertThat(out.path("rollbackSnapshotId").asText()).isEqualTo("snap-1");
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + TGT + "/v2-fd-merge-fails.json"));
        assertThat(out.path("manifest")).isEqualTo(manifest);
        assertThat(manifest.path("outcome").asText()).isEqualTo("ROLLED_BACK");
        assertThat(manifest.path("flows")).extracting(f -> f.path("state").asText()).containsExactly("RESTORED", "RESTORED");
    }

    @Test
    void aFlowExecutedByASelectedOneThatIsNeitherSelectedNorInTheTargetFailsDependencyMissing() throws Exception {
        stubFlows();
        JsonNode result = run(request("v2-fd-missing", ",\"flowIds\":[\"fA\"],\"dryRun\":true"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        // Payment is in the target: fine. Now a target without it:
        cognigy.resetAll();
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/flows")).withQueryParam("projectId", equalTo(SRC))
                .willReturn(json(flows("fA", "ref-booking", "Booking", "fB", "ref-payment", "Payment"))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/flows/fA/chart")).willReturn(json(chart("ref-payment", "ref-gone"))));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/flows")).withQueryParam("projectId", equalTo(TGT)).willReturn(json(flows())));

        JsonNode missing = run(request("v2-fd-missing-2", ",\"flowIds\":[\"fA\"],\"dryRun\":true"));

        assertThat(missing.path("status").asText()).as(missing.toString()).isEqualTo("FAILED");
        assertThat(missing.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(missing.path("error").path("message").asText()).isEqualTo("2 missing dependencies; nothing was changed: "
                + "flow Booking (fA) executes or jumps to ref-gone (not a flow of the source project), which is not in target project " + TGT
                + " | flow Booking (fA) executes or jumps to ref-payment (Payment, fB, not selected), which is not in target project " + TGT);
        assertThat(calls()).noneMatch(c -> c.startsWith("POST"));
    }

    @Test
    void aDryRunStoresTheManifestAndChangesNothing() throws Exception {
        stubFlows();

        JsonNode result = run(request("v2-fd-dry", ",\"dryRun\":true"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly(LIST_SRC, "GET " + V2 + "/flows/fA/chart", "GET " + V2 + "/flows/fB/chart", LIST_TGT);
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + TGT + "/v2-fd-dry.json"));
        assertThat(manifest.path("outcome").asText()).isEqualTo("DRY_RUN");
        assertThat(manifest.path("flows")).extracting(f -> f.path("state").asText()).containsExactly("PLANNED", "PLANNED");
        assertThat(result.path("output").path("deployed")).isEmpty();
        assertThat(result.path("output").path("packageUri").isNull()).isTrue();
        assertThat(auditActions("v2-fd-dry")).contains("DRY_RUN_COMPLETED");
    }

    static final String PROBLEM_500 = "{\"title\":\"Internal Server Error\",\"status\":500,\"detail\":\"worker lost\","
            + "\"code\":1008,\"traceId\":\"tr-500\"}";

    @Test
    void postsAnswered500AreReadBackNotRepeated() throws Exception {
        stubDeployment("v2-fd-500", task("task-merge", "done", null, null));
        // the snapshot POST fails with a 500 and took effect: the snapshot is there by its name
        cognigy.stubFor(post(V2 + "/snapshots").willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/problem+json").withBody(PROBLEM_500)));
        // so does the merge POST: its task is among the target's tasks
        cognigy.stubFor(post(V2 + "/packages/pkg-up/merge").inScenario("target").willSetStateTo("merged")
                .willReturn(aResponse().withStatus(502).withBody("bad gateway")));
        long now = System.currentTimeMillis() / 1000;
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/tasks")).withQueryParam("projectId", equalTo(TGT))
                .willReturn(json("{\"items\":[{\"_id\":\"task-other\",\"name\":\"mergePackage\",\"status\":\"done\","
                        + "\"data\":{\"packageId\":\"pkg-else\"},\"createdAt\":" + now + "},{\"_id\":\"task-merge\","
                        + "\"name\":\"mergePackage\",\"status\":\"active\",\"data\":{\"packageId\":\"pkg-up\"},\"createdAt\":" + now
                        + "}],\"total\":2}")));

        JsonNode result = run(request("v2-fd-500", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(V2 + "/snapshots")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(V2 + "/packages/pkg-up/merge")));
        List<String> calls = calls();
        int snapshot = calls.indexOf("POST " + V2 + "/snapshots");
        assertThat(calls.subList(snapshot, snapshot + 3)).as("read back by its name, its task not waited for")
                .containsExactly("POST " + V2 + "/snapshots", LIST_SNAPSHOTS, "POST " + V2 + "/packages");
        int merge = calls.indexOf("POST " + V2 + "/packages/pkg-up/merge");
        assertThat(calls.subList(merge, calls.size())).containsExactly("POST " + V2 + "/packages/pkg-up/merge",
                "GET " + V2 + "/tasks?limit=100&projectId=" + TGT + "&skip=0", "GET " + V2 + "/tasks/task-merge", LIST_TGT);
        assertThat(result.path("output").path("rollbackSnapshotId").asText()).isEqualTo("snap-1");
        assertThat(auditActions("v2-fd-500")).contains("WRITE_OUTCOME_UNKNOWN", "READ_BACK");
    }

    @Test
    void a429StormIsWaitedOutAndAPostRefusedWith429IsSentAgain() throws Exception {
        stubDeployment("v2-fd-429", task("task-merge", "done", null, null));
        ResponseDefinitionBuilder tooMany = aResponse().withStatus(429).withHeader("Retry-After", "0")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"1000 requests per 5 minutes\",\"traceId\":\"tr-429\"}");
        for (int i = 0; i < 3; i++) {
            cognigy.stubFor(get(urlEqualTo(V2 + "/flows/fA/chart")).inScenario("chart").whenScenarioStateIs(i == 0 ? Scenario.STARTED : "c" + i)
                    .willSetStateTo("c" + (i + 1)).willReturn(tooMany));
            cognigy.stubFor(post(V2 + "/packages").inScenario("pkg").whenScenarioStateIs(i == 0 ? Scenario.STARTED : "p" + i)
                    .willSetStateTo("p" + (i + 1)).willReturn(tooMany));
        }
        cognigy.stubFor(get(urlEqualTo(V2 + "/flows/fA/chart")).inScenario("chart").whenScenarioStateIs("c3").willReturn(json(chart("ref-payment"))));
        cognigy.stubFor(post(V2 + "/packages").inScenario("pkg").whenScenarioStateIs("p3").willReturn(json(task("task-pkg", "queued", null, null))));

        JsonNode result = run(request("v2-fd-429", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(4), com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo(V2 + "/flows/fA/chart")));
        cognigy.verify(exactly(4), postRequestedFor(urlEqualTo(V2 + "/packages")));
        assertThat(result.path("output").path("deployed")).hasSize(2);
    }

    @Test
    void aPackageTaskThatEndsInErrorFailsWithItsFailReasonAndChangesNothingInTheTarget() throws Exception {
        stubDeployment("v2-fd-pkg-error", task("task-merge", "done", null, null));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-pkg")).willReturn(json(task("task-pkg", "error", null,
                "Resource fB no longer exists in project " + SRC))));

        JsonNode result = run(request("v2-fd-pkg-error", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText())
                .isEqualTo("package task task-pkg ended in error: Resource fB no longer exists in project " + SRC
                        + "; nothing was merged into project " + TGT + " (its rollback snapshot cognigy-ops-before-v2-fd-pkg-error "
                        + "(snap-1) is left there); manifest s3://" + bucket + "/manifests/" + TGT + "/v2-fd-pkg-error.json");
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + TGT + "/v2-fd-pkg-error.json"));
        assertThat(manifest.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(manifest.path("failure").path("restore").asText()).isEqualTo("not needed: nothing was merged");
        assertThat(manifest.path("flows")).extracting(f -> f.path("state").asText()).containsExactly("NOT_DEPLOYED", "NOT_DEPLOYED");
        assertThat(calls()).doesNotContain("POST " + V2 + "/packages/upload", "POST " + V2 + "/snapshots/snap-1/restore")
                .last().isEqualTo("GET " + V2 + "/tasks/task-pkg");
    }

    /** Counted below the limit, the snapshot task still hits Cognigy's limit (a snapshot taken meanwhile). */
    @Test
    void aSnapshotTaskThatHitsTheLimitAnywayFailsPreconditionFailedNamingIt() throws Exception {
        stubDeployment("v2-fd-full", task("task-merge", "done", null, null));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-snap")).willReturn(json(task("task-snap", "error", null,
                "Limit of allowed Snapshots reached (10)"))));

        JsonNode result = run(request("v2-fd-full", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("target project " + TGT + " holds the most "
                + "snapshots Cognigy allows: the rollback snapshot cognigy-ops-before-v2-fd-full could not be taken "
                + "(Limit of allowed Snapshots reached (10)) although fewer than 10 (cognigy.v2.flow-deploy.snapshot-limit) "
                + "were counted before; run again (the oldest cognigy-ops-* snapshot no endpoint uses is then deleted first), "
                + "or lower that setting to the tenant's limit; nothing was merged into project " + TGT + "; manifest s3://"
                + bucket + "/manifests/" + TGT + "/v2-fd-full.json");
        assertThat(calls()).last().isEqualTo("GET " + V2 + "/tasks/task-snap");
    }

    // ---- a full target: rotation (docs/contract.md §9, as nlu-export's rotate)

    static final String LIST_ENDPOINTS = "GET " + V2 + "/endpoints?limit=100&projectId=" + TGT + "&skip=0";

    static String snapshot(String id, String name, long createdAt) {
        return "{\"_id\":\"" + id + "\",\"name\":\"" + name + "\",\"createdAt\":" + createdAt + "}";
    }

    /**
     * The target holds 10 snapshots: cognigy-ops-live (the oldest of ours, an endpoint serves it), cognigy-ops-before-x
     * (an old rollback point, 2023-11-14), cognigy-ops-nlu (newer) and seven releases older than all of them. Once
     * snap-x is deleted the listing shows the other nine and this run's rollback snapshot.
     */
    void stubFullTarget(String runId, String... entrypoints) {
        List<String> others = new java.util.ArrayList<>(List.of(snapshot("snap-live", "cognigy-ops-live", 1_650_000_000L),
                snapshot("snap-nlu", "cognigy-ops-nlu", 1_750_000_000L)));
        for (int i = 1; i <= 7; i++) {
            others.add(snapshot("snap-r" + i, "release-" + i, 1_600_000_000L + i));
        }
        List<String> full = new java.util.ArrayList<>(others);
        full.add(1, snapshot("snap-x", "cognigy-ops-before-x", 1_700_000_000L));
        List<String> after = new java.util.ArrayList<>(others);
        after.add(snapshot("snap-1", "cognigy-ops-before-" + runId, 1_800_000_000L));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/snapshots")).withQueryParam("projectId", equalTo(TGT)).inScenario("rotation")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(json("{\"items\":[" + String.join(",", full) + "],\"total\":10}")));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/snapshots")).withQueryParam("projectId", equalTo(TGT)).inScenario("rotation")
                .whenScenarioStateIs("deleted").willReturn(json("{\"items\":[" + String.join(",", after) + "],\"total\":10}")));
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlEqualTo(V2 + "/snapshots/snap-x"))
                .inScenario("rotation").willSetStateTo("deleted").willReturn(json(task("task-del", "queued", null, null))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-del")).willReturn(json(task("task-del", "done", null, null))));
        StringBuilder endpoints = new StringBuilder();
        for (int i = 0; i < entrypoints.length; i++) {
            endpoints.append(i == 0 ? "" : ",").append("{\"_id\":\"ep").append(i).append("\",\"name\":\"Webchat ").append(i)
                    .append("\",\"entrypoint\":\"").append(entrypoints[i]).append("\"}");
        }
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/endpoints")).withQueryParam("projectId", equalTo(TGT))
                .willReturn(json("{\"items\":[" + endpoints + "],\"total\":" + entrypoints.length + "}")));
    }

    @Test
    void aFullTargetLosesItsOldestSnapshotOfOursThatNoEndpointUsesBeforeTheRollbackSnapshot() throws Exception {
        stubDeployment("v2-fd-rotate", task("task-merge", "done", null, null));
        stubFullTarget("v2-fd-rotate", "snap-live", TGT);

        JsonNode result = run(request("v2-fd-rotate", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly(
                LIST_SRC, "GET " + V2 + "/flows/fA/chart", "GET " + V2 + "/flows/fB/chart", LIST_TGT,
                LIST_SNAPSHOTS, LIST_ENDPOINTS, "DELETE " + V2 + "/snapshots/snap-x", "GET " + V2 + "/tasks/task-del",
                "POST " + V2 + "/snapshots", "GET " + V2 + "/tasks/task-snap", LIST_SNAPSHOTS,
                "POST " + V2 + "/packages", "GET " + V2 + "/tasks/task-pkg",
                "POST " + V2 + "/packages/pkg-1/downloadlink", "GET /downloads/pkg-1.zip?sig=abc",
                "POST " + V2 + "/packages/upload", "GET " + V2 + "/tasks/task-up",
                "POST " + V2 + "/packages/pkg-up/merge", "GET " + V2 + "/tasks/task-merge", LIST_TGT);
        JsonNode out = result.path("output");
        assertThat(out.path("rotated")).isEqualTo(Json.parse("{\"snapshotId\":\"snap-x\",\"snapshotName\":"
                + "\"cognigy-ops-before-x\",\"createdAt\":\"2023-11-14T22:13:20Z\"}"));
        assertThat(out.path("rollbackSnapshotId").asText()).isEqualTo("snap-1");
        assertThat(out.path("deployed")).extracting(JsonNode::asText).containsExactly("fA", "fB");
        JsonNode rotation = auditEvents().stream().filter(e -> e.path("runId").asText().equals("v2-fd-rotate")
                && e.path("action").asText().equals("SNAPSHOT_ROTATION")).findFirst().orElseThrow();
        assertThat(rotation.path("outcome").asText()).isEqualTo("DELETE_OLDEST");
        assertThat(rotation.path("details").path("snapshots_held").asInt()).isEqualTo(10);
        assertThat(rotation.path("details").path("snapshot_limit").asInt()).isEqualTo(10);
        assertThat(rotation.path("details").path("rotated").path("snapshotId").asText()).isEqualTo("snap-x");
    }

    @Test
    void aFullTargetWhoseSnapshotsOfOursAllServeAnEndpointIsRefusedBeforeAnythingChanges() throws Exception {
        stubDeployment("v2-fd-rotate-none", task("task-merge", "done", null, null));
        stubFullTarget("v2-fd-rotate-none", "snap-live", "snap-x", "snap-nlu");

        JsonNode result = run(request("v2-fd-rotate-none", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("target project " + TGT + " holds 10 snapshots, "
                + "the limit of 10 (cognigy.v2.flow-deploy.snapshot-limit), and none can be rotated to make room for the "
                + "rollback snapshot cognigy-ops-before-v2-fd-rotate-none: no snapshot named cognigy-ops-* that no endpoint uses; "
                + "nothing was merged into project " + TGT + "; manifest s3://" + bucket + "/manifests/" + TGT
                + "/v2-fd-rotate-none.json");
        assertThat(calls()).containsExactly(LIST_SRC, "GET " + V2 + "/flows/fA/chart", "GET " + V2 + "/flows/fB/chart",
                LIST_TGT, LIST_SNAPSHOTS, LIST_ENDPOINTS);
        assertThat(result.path("output").has("rotated")).isFalse();
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + TGT + "/v2-fd-rotate-none.json"));
        assertThat(manifest.path("flows")).extracting(f -> f.path("state").asText()).containsExactly("NOT_DEPLOYED", "NOT_DEPLOYED");
        assertThat(auditEvents()).filteredOn(e -> e.path("runId").asText().equals("v2-fd-rotate-none")
                && e.path("action").asText().equals("SNAPSHOT_ROTATION")).extracting(e -> e.path("outcome").asText())
                .containsExactly("NONE_DELETABLE");
    }

    /** A run saved while the rotation's delete task ran: the DELETE is not sent again, its task is read. */
    @Test
    void aRunResumedWhileTheDeleteTaskRanDeletesNothingTwice() throws Exception {
        stubDeployment("v2-fd-rotate-resume", task("task-merge", "done", null, null));
        stubFullTarget("v2-fd-rotate-resume", "snap-live");
        cognigy.setScenarioState("rotation", "deleted");
        FlowPromotionRun.Next n = plannedRun("v2-fd-rotate-resume").next().phase(FlowPromotionRun.Phase.ROTATION_DELETE_TASK);
        n.rotated = new dev.cognigyops.nluexport.SnapshotRotation.Snapshot("snap-x", "cognigy-ops-before-x", "2023-11-14T22:13:20Z");
        n.taskId = "task-del";

        JsonNode result = runFrom(n.build(), request("v2-fd-rotate-resume", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(0), anyRequestedFor(urlPathMatching(V2 + "/snapshots/snap-x")));
        assertThat(calls()).startsWith("GET " + V2 + "/tasks/task-del", "POST " + V2 + "/snapshots",
                "GET " + V2 + "/tasks/task-snap", LIST_SNAPSHOTS, "POST " + V2 + "/packages");
        assertThat(result.path("output").path("rotated").path("snapshotId").asText()).isEqualTo("snap-x");
        assertThat(result.path("output").path("rollbackSnapshotId").asText()).isEqualTo("snap-1");
    }

    /** A run saved with the DELETE about to be sent: sent again, a 404 says the snapshot is gone and the run goes on. */
    @Test
    void aRunResumedWithTheDeleteDueTakesA404AsGone() throws Exception {
        stubDeployment("v2-fd-rotate-404", task("task-merge", "done", null, null));
        stubFullTarget("v2-fd-rotate-404", "snap-live");
        cognigy.setScenarioState("rotation", "deleted");
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlEqualTo(V2 + "/snapshots/snap-x"))
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no snapshot snap-x\",\"traceId\":\"tr-404\"}")));
        FlowPromotionRun.Next n = plannedRun("v2-fd-rotate-404").next().phase(FlowPromotionRun.Phase.ROTATION_DELETE_DUE);
        n.rotated = new dev.cognigyops.nluexport.SnapshotRotation.Snapshot("snap-x", "cognigy-ops-before-x", "2023-11-14T22:13:20Z");

        JsonNode result = runFrom(n.build(), request("v2-fd-rotate-404", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).startsWith("DELETE " + V2 + "/snapshots/snap-x", "POST " + V2 + "/snapshots",
                "GET " + V2 + "/tasks/task-snap", LIST_SNAPSHOTS, "POST " + V2 + "/packages");
        cognigy.verify(exactly(1), anyRequestedFor(urlPathMatching(V2 + "/snapshots/snap-x")));
        assertThat(result.path("output").path("rotated").path("snapshotId").asText()).isEqualTo("snap-x");
    }

    /** A run saved while the package task ran: the snapshot and the package are not made again. */
    @Test
    void aRunResumedWhileThePackageTaskRanMakesNoChangeTwice() throws Exception {
        stubDeployment("v2-fd-resume", task("task-merge", "done", null, null));
        FlowPromotionRun saved = plannedRun("v2-fd-resume").next().phase(FlowPromotionRun.Phase.PACKAGE_TASK).build();
        FlowPromotionRun.Next n = saved.next();
        n.snapshotId = "snap-1";
        n.taskId = "task-pkg";
        saved = n.build();

        JsonNode result = runFrom(saved, request("v2-fd-resume", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly("GET " + V2 + "/tasks/task-pkg",
                "POST " + V2 + "/packages/pkg-1/downloadlink", "GET /downloads/pkg-1.zip?sig=abc",
                "POST " + V2 + "/packages/upload", "GET " + V2 + "/tasks/task-up",
                "POST " + V2 + "/packages/pkg-up/merge", "GET " + V2 + "/tasks/task-merge", LIST_TGT);
        assertThat(result.path("output").path("deployed")).extracting(JsonNode::asText).containsExactly("fA", "fB");
    }

    /** A run saved just before its upload POST: it may have been sent; the target's tasks show it was. */
    @Test
    void aRunResumedWithItsUploadPostDueReadsBackBeforePosting() throws Exception {
        stubDeployment("v2-fd-resume-post", task("task-merge", "done", null, null));
        long now = System.currentTimeMillis();
        FlowPromotionRun.Next n = plannedRun("v2-fd-resume-post").next().posting(FlowPromotionRun.Phase.UPLOAD_POSTING, now);
        n.snapshotId = "snap-1";
        n.packageId = "pkg-1";
        FlowPromotionRun saved = n.build();
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/tasks")).withQueryParam("projectId", equalTo(TGT))
                .willReturn(json("{\"items\":[{\"_id\":\"task-up\",\"name\":\"uploadPackage\",\"status\":\"done\","
                        + "\"data\":{\"packageId\":\"pkg-up\"},\"createdAt\":\"" + java.time.Instant.ofEpochMilli(now + 1000) + "\"}],\"total\":1}")));

        JsonNode result = runFrom(saved, request("v2-fd-resume-post", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly("GET " + V2 + "/tasks?limit=100&projectId=" + TGT + "&skip=0",
                "GET " + V2 + "/tasks/task-up", "POST " + V2 + "/packages/pkg-up/merge", "GET " + V2 + "/tasks/task-merge", LIST_TGT);
    }

    /** The state of a run whose planned manifest is stored: Booking and Payment selected, Payment in the target. */
    FlowPromotionRun plannedRun(String runId) {
        String dir = "manifests/" + TGT + "/" + runId;
        FlowPromotionRun.Next n = FlowPromotionRun.started(runId, new FlowPromotionRequest(SRC, TGT, null, false), bucket,
                dir + ".json", dir + ".package.zip").next().phase(FlowPromotionRun.Phase.MANIFEST_STORED);
        n.flows = List.of(
                new FlowPromotionRun.PromotedFlow("fA", "ref-booking", "Booking", "h1", List.of("ref-payment"), false,
                        FlowPromotionRun.FlowState.PLANNED),
                new FlowPromotionRun.PromotedFlow("fB", "ref-payment", "Payment", "h2", List.of(), true,
                        FlowPromotionRun.FlowState.PLANNED));
        n.chartIndex = 2;
        n.targetReferenceIds = List.of("ref-payment");
        n.createdAt = "2026-12-01T10:00:00Z";
        n.manifestUri = "s3://" + bucket + "/" + dir + ".json";
        return n.build();
    }

    @Test
    void seedsFieldsAreRejectedByName() throws Exception {
        JsonNode rejected = run("{\"operation\":\"flow-deploy\",\"requestId\":\"v2-fd-seeds\",\"payload\":{"
                + "\"targetEnvironmentId\":\"prod\",\"sourceProjectId\":\"" + SRC + "\",\"bogus\":1,\"flowIds\":[]}}");

        assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("error").path("violations")).extracting(JsonNode::asText).containsExactlyInAnyOrder(
                "payload.targetEnvironmentId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds "
                        + "environment; on a real tenant flows go from sourceProjectId to targetProjectId",
                "payload.bogus: is not a known field (known: dryRun, flowIds, sourceProjectId, targetProjectId)",
                "payload.targetProjectId: is required",
                "payload.flowIds: must name at least one flow when given (leave it out to deploy every flow)");
        cognigy.verify(exactly(0), anyRequestedFor(urlPathMatching("/new/.*")));
    }

    @Test
    void aFlowMissingAfterTheMergeRestoresAndARestoreThatFailsIsSaid() throws Exception {
        stubDeployment("v2-fd-restore-fails", task("task-merge", "done", null, null));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/flows")).withQueryParam("projectId", equalTo(TGT)).inScenario("target")
                .whenScenarioStateIs("merged").willReturn(json(flows("t1", "ref-payment", "Payment"))));
        cognigy.stubFor(post(V2 + "/snapshots/snap-1/restore").willReturn(json(task("task-restore", "queued", null, null))));
        cognigy.stubFor(get(urlEqualTo(V2 + "/tasks/task-restore")).willReturn(json(task("task-restore", "error", null,
                "Snapshot snap-1 is corrupt"))));

        JsonNode result = run(request("v2-fd-restore-fails", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText()).isEqualTo("deployment to project " + TGT + " failed after "
                + "the merge started: the merge task task-merge is done but project " + TGT + " lacks Booking (referenceId "
                + "ref-booking); restoring project " + TGT + " from the rollback snapshot cognigy-ops-before-v2-fd-restore-fails "
                + "(snap-1) FAILED: restore task task-restore ended in error: Snapshot snap-1 is corrupt — check the project; "
                + "manifest s3://" + bucket + "/manifests/" + TGT + "/v2-fd-restore-fails.json");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(V2 + "/snapshots/snap-1/restore")));
        assertThat(result.path("output").path("rolledBack")).isEmpty();
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + TGT + "/v2-fd-restore-fails.json"));
        assertThat(manifest.path("outcome").asText()).isEqualTo("ROLLBACK_FAILED");
        assertThat(manifest.path("flows")).extracting(f -> f.path("state").asText()).containsExactly("UNKNOWN", "UNKNOWN");
        assertThat(auditActions("v2-fd-restore-fails")).contains("DEPLOYMENT_FAILED", "ROLLBACK_FAILED");
    }

    @Test
    void aPostWhoseEffectStaysUnknownIsSentOnceMoreThenTheRunFails() throws Exception {
        stubDeployment("v2-fd-unknown", task("task-merge", "done", null, null));
        cognigy.stubFor(post(V2 + "/packages").willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/problem+json").withBody(PROBLEM_500)));
        cognigy.stubFor(get(urlPathEqualTo(V2 + "/tasks")).withQueryParam("projectId", equalTo(SRC))
                .willReturn(json("{\"items\":[{\"_id\":\"t-old\",\"name\":\"createPackage\",\"status\":\"done\","
                        + "\"createdAt\":1000000000}],\"total\":1}")));

        JsonNode result = run(request("v2-fd-unknown", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText()).startsWith("the package failed 2 times with its effect "
                + "unknown and no task of it was found in project " + SRC + "; not sent again; nothing was merged into project " + TGT);
        String tasksOfSource = "GET " + V2 + "/tasks?limit=100&projectId=" + SRC + "&skip=0";
        List<String> calls = calls();
        assertThat(calls.subList(calls.indexOf("POST " + V2 + "/packages"), calls.size())).containsExactly(
                "POST " + V2 + "/packages", tasksOfSource, "POST " + V2 + "/packages", tasksOfSource);
    }
}
