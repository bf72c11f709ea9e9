package dev.cognigyops.demo.simulator.v2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cognigyops.demo.simulator.v2.CognigyV2Simulator.FlowInfo;
import dev.cognigyops.testsupport.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CognigyV2SimulatorTest {

    private static final String API_KEY = "test-api-key-0123";
    private static final String V2 = "/new/v2.0/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock();
    private final HttpClient http = HttpClient.newHttpClient();
    private CognigyV2Simulator cognigy;

    @BeforeEach
    void startSimulator() {
        cognigy = new CognigyV2Simulator(API_KEY, clock).start();
    }

    @AfterEach
    void stopSimulator() {
        cognigy.close();
    }

    // ---- auth and errors

    @Test
    void refusesMissingOrWrongApiKeyWithProblem() throws Exception {
        String projectId = cognigy.seedProject("Bot", 1);
        String path = "snapshots?projectId=" + projectId;

        HttpResponse<String> without = http.send(HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofString());
        HttpResponse<String> wrong = send("GET", path, null, "not-the-key");
        HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + API_KEY).build(), BodyHandlers.ofString());

        for (HttpResponse<String> response : List.of(without, wrong, bearer)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(json(response)).containsEntry("status", 401).containsKeys("title", "detail", "traceId");
        }
        assertThat(get(path).statusCode()).isEqualTo(200);
        assertThat(cognigy.requestsWithKeyInUrl()).isZero();
    }

    @Test
    void acceptsBearerTokensFromTheOAuthClientWhenConfigured() throws Exception {
        cognigy.withOAuthClient("ops", "secret");
        String projectId = cognigy.seedProject("Bot", 1);

        HttpResponse<String> wrongClient = token("client_id=ops&client_secret=nope");
        HttpResponse<String> token = token("client_id=ops&client_secret=secret");
        String accessToken = (String) json(token).get("access_token");
        HttpResponse<String> withToken = http.send(HttpRequest.newBuilder(uri("snapshots?projectId=" + projectId))
                .header("Authorization", "Bearer " + accessToken).build(), BodyHandlers.ofString());
        HttpResponse<String> withOtherToken = http.send(HttpRequest.newBuilder(uri("snapshots?projectId=" + projectId))
                .header("Authorization", "Bearer x" + accessToken).build(), BodyHandlers.ofString());

        assertThat(wrongClient.statusCode()).isEqualTo(401);
        assertThat(token.statusCode()).isEqualTo(200);
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withOtherToken.statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> token(String client) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cognigy.baseUrl() + "/auth/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("grant_type=client_credentials&" + client)).build(), BodyHandlers.ofString());
    }

    @Test
    void acceptsTheDocumentedQueryKeyButCountsIt() throws Exception {
        String projectId = cognigy.seedProject("Bot", 1);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                uri("snapshots?projectId=" + projectId + "&api_key=" + API_KEY)).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(cognigy.requestsWithKeyInUrl()).isEqualTo(1);
    }

    @Test
    void errorsAreRfc7807WithAFreshTraceIdEach() throws Exception {
        HttpResponse<String> first = get("snapshots/000000000000000000000001");
        HttpResponse<String> second = get("snapshots/000000000000000000000001");
        HttpResponse<String> unknownRoute = get("no/such/thing");
        HttpResponse<String> missing = post("snapshots", Map.of("name", "x"));

        assertThat(first.statusCode()).isEqualTo(404);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        Map<String, Object> problem = json(first);
        assertThat(problem.keySet()).containsExactly(
                "type", "title", "status", "detail", "instance", "code", "traceId", "details");
        assertThat(problem).containsEntry("status", 404).containsEntry("code", 1002)
                .containsEntry("instance", V2 + "snapshots/000000000000000000000001");
        assertThat((String) problem.get("detail")).contains("000000000000000000000001");
        assertThat(json(second).get("traceId")).isNotEqualTo(problem.get("traceId"));
        assertThat(unknownRoute.statusCode()).isEqualTo(404);
        assertThat(json(unknownRoute)).containsEntry("code", 1002);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing)).containsEntry("code", 1000);
    }

    @Test
    void refusesJsonBodiesOver60Kb() throws Exception {
        String projectId = cognigy.seedProject("Bot", 1);

        HttpResponse<String> response = post("snapshots",
                Map.of("projectId", projectId, "name", "big", "description", "x".repeat(61 * 1024)));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(cognigy.snapshots(projectId)).isEmpty();
    }

    @Test
    void rateLimitAnswers429WithRetryAfterUntilTheWindowEnds() throws Exception {
        cognigy.withRateLimit(3, Duration.ofSeconds(60));
        String path = "tasks?limit=1";

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(get(path).statusCode());
        }
        clock.advance(Duration.ofSeconds(20));
        HttpResponse<String> limited = get(path);
        HttpResponse<String> unauthenticatedToo = http.send(HttpRequest.newBuilder(uri(path)).build(), BodyHandlers.ofString());
        clock.advance(Duration.ofSeconds(40));
        HttpResponse<String> nextWindow = get(path);

        assertThat(statuses).containsOnly(200);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("40");
        assertThat(json(limited)).containsEntry("status", 429).containsKey("traceId");
        assertThat(unauthenticatedToo.statusCode()).isEqualTo(429);
        assertThat(nextWindow.statusCode()).isEqualTo(200);
        assertThat(cognigy.requestCount()).isEqualTo(6);
        assertThat(cognigy.rateLimitedCount()).isEqualTo(2);
    }

    // ---- tasks

    @Test
    void taskMovesQueuedActiveDoneWithEachRead() throws Exception {
        cognigy.withTaskStages(1, 2);
        String projectId = cognigy.seedProject("Bot", 2);

        HttpResponse<String> created = post("snapshots", Map.of("projectId", projectId, "name", "s1", "description", "d"));
        assertThat(created.statusCode()).isEqualTo(202);
        Map<String, Object> task = json(created);
        assertThat(task).containsEntry("status", "queued").containsEntry("currentStep", 0).containsKeys(
                "_id", "name", "data", "totalStep", "failReason", "lastRunAt", "lastFinishedAt", "createdAt", "lastChanged");
        String taskId = (String) task.get("_id");

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Map<String, Object> read = json(get("tasks/" + taskId));
            seen.add(read.get("status") + "@" + read.get("currentStep") + "/" + read.get("totalStep"));
        }

        assertThat(seen).containsExactly("queued@0/2", "active@1/2", "active@2/2", "done@2/2", "done@2/2");
        assertThat(cognigy.snapshots(projectId)).extracting(CognigyV2Simulator.SnapshotInfo::name).containsExactly("s1");
    }

    @Test
    void tasksAlsoMoveOnWithTheClock() throws Exception {
        cognigy.withTaskStages(2, 3).withTaskStepDuration(Duration.ofSeconds(2));
        String projectId = cognigy.seedProject("Bot", 1);

        post("snapshots", Map.of("projectId", projectId, "name", "by-time"));
        assertThat(cognigy.snapshots(projectId)).isEmpty();
        clock.advance(Duration.ofSeconds(12));

        assertThat(cognigy.snapshots(projectId)).hasSize(1);
        assertThat(cognigy.tasks()).singleElement().satisfies(t -> assertThat(t.status()).isEqualTo("done"));
    }

    @Test
    void stalledTaskStaysActiveUntilCancelled() throws Exception {
        cognigy.stallNextTask(CognigyV2Simulator.TRAIN_INTENTS);
        String projectId = cognigy.seedProject("Bot", 1);
        FlowInfo flow = cognigy.flows(projectId).get(0);

        String taskId = taskId(post("flows/" + flow.id() + "/intents/train",
                Map.of("localeId", cognigy.localeId(projectId), "mode", "full")));
        List<Object> steps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Map<String, Object> read = json(get("tasks/" + taskId));
            steps.add(read.get("status") + "@" + read.get("currentStep"));
        }
        HttpResponse<String> cancel = post("tasks/" + taskId + "/cancel", Map.of());
        Map<String, Object> afterCancel = json(get("tasks/" + taskId));
        HttpResponse<String> cancelAgain = post("tasks/" + taskId + "/cancel", Map.of());

        assertThat(steps).containsExactly("queued@0", "active@1", "active@1", "active@1", "active@1", "active@1");
        assertThat(cancel.statusCode()).isEqualTo(200);
        assertThat(json(cancel)).containsEntry("status", "cancelling");
        assertThat(afterCancel).containsEntry("status", "cancelled");
        assertThat(cancelAgain.statusCode()).isEqualTo(409);
        assertThat(json(cancelAgain)).containsEntry("code", 1004);
        assertThat(cognigy.flows(projectId).get(0).feedbackReport()).isNull();
    }

    @Test
    void failNextTaskEndsThatKindInErrorOnce() throws Exception {
        cognigy.withInstantTasks().failNextTask(CognigyV2Simulator.PACKAGE_SNAPSHOT, "Packaging exploded");
        String projectId = cognigy.seedProject("Bot", 1);
        String snapshotId = cognigy.seedSnapshot(projectId, "s", false);

        Map<String, Object> first = json(get("tasks/" + taskId(post("snapshots/" + snapshotId + "/package", Map.of()))));
        Map<String, Object> second = json(get("tasks/" + taskId(post("snapshots/" + snapshotId + "/package", Map.of()))));

        assertThat(first).containsEntry("status", "error").containsEntry("failReason", "Packaging exploded");
        assertThat(second).containsEntry("status", "done").containsEntry("failReason", null);
    }

    @Test
    void listsTasksOfAProjectNewestFirstPaged() throws Exception {
        cognigy.withInstantTasks();
        String projectId = cognigy.seedProject("Bot", 1);
        String other = cognigy.seedProject("Other", 1);
        for (int i = 0; i < 3; i++) {
            post("snapshots", Map.of("projectId", projectId, "name", "s" + i));
        }
        post("snapshots", Map.of("projectId", other, "name", "elsewhere"));

        Map<String, Object> page = json(get("tasks?projectId=" + projectId + "&limit=2&skip=0"));

        assertThat(page).containsEntry("total", 3);
        assertThat(items(page)).extracting(t -> (Object) ((Map<?, ?>) t.get("data")).get("name")).containsExactly("s2", "s1");
    }

    // ---- snapshots

    @Test
    void snapshotChainFromCreateToDownloadMatchesSha256() throws Exception {
        cognigy.withTaskStages(1, 1).withSnapshotSize(300_000);
        String projectId = cognigy.seedProject("Bot", 3);

        awaitDone(taskId(post("snapshots", Map.of("projectId", projectId, "name", "release-7", "description", "r7"))));
        Map<String, Object> listed = items(json(get("snapshots?projectId=" + projectId))).stream()
                .filter(s -> "release-7".equals(s.get("name"))).findFirst().orElseThrow();
        String snapshotId = (String) listed.get("_id");
        HttpResponse<String> tooEarly = post("snapshots/" + snapshotId + "/downloadlink", Map.of());
        awaitDone(taskId(post("snapshots/" + snapshotId + "/package", Map.of())));
        Map<String, Object> link = json(post("snapshots/" + snapshotId + "/downloadlink", Map.of()));
        HttpResponse<InputStream> download = http.send(
                HttpRequest.newBuilder(URI.create((String) link.get("downloadLink"))).build(), BodyHandlers.ofInputStream());

        assertThat(listed).containsEntry("description", "r7").containsEntry("isPackaged", false)
                .containsKeys("hash", "createdAt");
        assertThat(tooEarly.statusCode()).isEqualTo(409);
        assertThat(json(tooEarly)).containsEntry("code", 1004);
        assertThat((String) link.get("downloadLink")).doesNotContain(API_KEY);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(300_000);
        assertThat(sha256(download.body())).isEqualTo(cognigy.expectedSnapshotSha256(snapshotId));
        assertThat(cognigy.snapshots(projectId)).singleElement().satisfies(s -> assertThat(s.packaged()).isTrue());

        clock.advance(Duration.ofDays(1));
        assertThat(http.send(HttpRequest.newBuilder(URI.create((String) link.get("downloadLink"))).build(),
                BodyHandlers.discarding()).statusCode()).as("a link is valid one day").isEqualTo(403);
    }

    @Test
    void eleventhSnapshotFailsItsTaskNotThePost() throws Exception {
        cognigy.withInstantTasks();
        String projectId = cognigy.seedProject("Bot", 1);
        for (int i = 1; i <= 10; i++) {
            assertThat(json(get("tasks/" + taskId(post("snapshots", Map.of("projectId", projectId, "name", "s" + i))))))
                    .containsEntry("status", "done");
        }

        HttpResponse<String> eleventh = post("snapshots", Map.of("projectId", projectId, "name", "s11"));
        Map<String, Object> task = json(get("tasks/" + taskId(eleventh)));

        assertThat(eleventh.statusCode()).isEqualTo(202);
        assertThat(task).containsEntry("status", "error").containsEntry("failReason", "Limit of allowed Snapshots");
        assertThat(cognigy.snapshots(projectId)).hasSize(10).noneMatch(s -> s.name().equals("s11"));
    }

    @Test
    void snapshotNamesAreUniqueAndAtMost200Characters() throws Exception {
        cognigy.withInstantTasks();
        String projectId = cognigy.seedProject("Bot", 1);
        post("snapshots", Map.of("projectId", projectId, "name", "same"));

        HttpResponse<String> twin = post("snapshots", Map.of("projectId", projectId, "name", "same"));
        HttpResponse<String> tooLong = post("snapshots", Map.of("projectId", projectId, "name", "n".repeat(201)));
        HttpResponse<String> longest = post("snapshots", Map.of("projectId", projectId, "name", "n".repeat(200)));
        HttpResponse<String> badChar = post("snapshots", Map.of("projectId", projectId, "name", "a/b"));

        assertThat(twin.statusCode()).isEqualTo(409);
        assertThat(json(twin)).containsEntry("code", 1004);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(json(tooLong)).containsEntry("code", 1005);
        assertThat(longest.statusCode()).isEqualTo(202);
        assertThat(badChar.statusCode()).isEqualTo(400);
        assertThat(cognigy.snapshots(projectId)).hasSize(2);
    }

    @Test
    void deleteOfASnapshotAnEndpointUsesFailsItsTask() throws Exception {
        cognigy.withInstantTasks();
        String projectId = cognigy.seedProject("Bot", 1);
        String used = cognigy.seedSnapshot(projectId, "used", true);
        String unused = cognigy.seedSnapshot(projectId, "unused", true);
        cognigy.seedEndpointOnSnapshot(used, "Webchat");

        HttpResponse<String> refused = send("DELETE", "snapshots/" + used, null, API_KEY);
        Map<String, Object> refusedTask = json(get("tasks/" + taskId(refused)));
        Map<String, Object> deletedTask = json(get("tasks/" + taskId(send("DELETE", "snapshots/" + unused, null, API_KEY))));

        assertThat(refused.statusCode()).isEqualTo(202);
        assertThat(refusedTask).containsEntry("status", "error");
        assertThat((String) refusedTask.get("failReason")).contains("Webchat");
        assertThat(deletedTask).containsEntry("status", "done");
        assertThat(cognigy.snapshots(projectId)).extracting(CognigyV2Simulator.SnapshotInfo::id).containsExactly(used);
        assertThat(get("snapshots/" + unused).statusCode()).isEqualTo(404);
    }

    @Test
    void snapshotResourcesAndRestoreKeepReferenceIdsWithNewIds() throws Exception {
        cognigy.withInstantTasks();
        String projectId = cognigy.seedProject("Bot", 2);
        List<FlowInfo> before = cognigy.flows(projectId);
        String snapshotId = cognigy.seedSnapshot(projectId, "before", false);
        cognigy.addFlow(projectId, "Added later");

        List<Map<String, Object>> resources = items(json(get("snapshots/" + snapshotId + "/resources?resourceType=flow")));
        Map<String, Object> restore = json(get("tasks/" + taskId(
                post("snapshots/" + snapshotId + "/restore", Map.of("projectId", projectId)))));
        List<FlowInfo> after = cognigy.flows(projectId);

        assertThat(resources).extracting(r -> r.get("referenceId"))
                .containsExactlyElementsOf(before.stream().map(FlowInfo::referenceId).toList());
        assertThat(resources).allSatisfy(r -> assertThat(r).containsKey("_id"));
        assertThat(restore).containsEntry("status", "done");
        assertThat(after).extracting(FlowInfo::referenceId)
                .containsExactlyElementsOf(before.stream().map(FlowInfo::referenceId).toList());
        assertThat(after).extracting(FlowInfo::id).doesNotContainAnyElementsOf(before.stream().map(FlowInfo::id).toList());
    }

    // ---- endpoints

    @Test
    void endpointPatchIsValidatedAgainstTheEntrypointsFlows() throws Exception {
        String projectId = cognigy.seedProject("Bot", 2);
        String s1 = cognigy.seedSnapshot(projectId, "s1", true);
        FlowInfo added = cognigy.addFlow(projectId, "New flow");
        String s2 = cognigy.seedSnapshot(projectId, "s2", true);
        String endpointId = cognigy.seedEndpointOnSnapshot(s1, "Webchat");
        String locale = cognigy.localeId(projectId);

        Map<String, Object> endpoint = json(get("endpoints/" + endpointId));
        HttpResponse<String> unknownEntrypoint = patch(endpointId,
                Map.of("entrypoint", "ffffffffffffffffffffffff", "flowId", added.referenceId(), "localeId", locale));
        HttpResponse<String> flowNotInSnapshot = patch(endpointId,
                Map.of("entrypoint", s1, "flowId", added.referenceId(), "localeId", locale));
        HttpResponse<String> flowByIdNotReference = patch(endpointId,
                Map.of("entrypoint", s2, "flowId", added.id(), "localeId", locale));
        HttpResponse<String> unknownLocale = patch(endpointId,
                Map.of("entrypoint", s2, "flowId", added.referenceId(), "localeId", UUID.randomUUID().toString()));
        HttpResponse<String> ok = patch(endpointId,
                Map.of("entrypoint", s2, "flowId", added.referenceId(), "localeId", locale));
        Map<String, Object> readBack = json(get("endpoints/" + endpointId));
        HttpResponse<String> toProject = patch(endpointId, Map.of("entrypoint", projectId));

        assertThat(endpoint).containsEntry("_id", endpointId).containsEntry("name", "Webchat")
                .containsEntry("entrypoint", s1).containsEntry("localeId", locale).containsKey("flowId");
        for (HttpResponse<String> refused : List.of(unknownEntrypoint, flowNotInSnapshot, flowByIdNotReference, unknownLocale)) {
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(json(refused)).containsEntry("code", 1005);
        }
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(readBack).containsEntry("entrypoint", s2).containsEntry("flowId", added.referenceId());
        assertThat(toProject.statusCode()).isEqualTo(204);
        assertThat(cognigy.endpoint(endpointId).entrypoint()).isEqualTo(projectId);
        assertThat(cognigy.endpointPatches()).isEqualTo(2);
    }

    @Test
    void endpointPatchHooksFailAfterApplyingOrDoNotTakeEffect() throws Exception {
        String projectId = cognigy.seedProject("Bot", 1);
        String s1 = cognigy.seedSnapshot(projectId, "s1", true);
        String s2 = cognigy.seedSnapshot(projectId, "s2", true);
        String endpointId = cognigy.seedEndpointOnSnapshot(s1, "Webchat");
        String flow = cognigy.endpoint(endpointId).flowId();

        cognigy.failNextEndpointPatchAfterApplying();
        HttpResponse<String> failed = patch(endpointId, Map.of("entrypoint", s2, "flowId", flow));
        String afterFailure = cognigy.endpoint(endpointId).entrypoint();
        cognigy.ignoreNextEndpointPatch();
        HttpResponse<String> ignored = patch(endpointId, Map.of("entrypoint", s1, "flowId", flow));

        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(json(failed)).containsEntry("code", 1008);
        assertThat(afterFailure).isEqualTo(s2);
        assertThat(ignored.statusCode()).isEqualTo(204);
        assertThat(json(get("endpoints/" + endpointId))).containsEntry("entrypoint", s2);
    }

    // ---- flows

    @Test
    void flowsArePagedWithLimitSkipAndCursorsAndLimitOver100IsRefused() throws Exception {
        String projectId = cognigy.seedProject("Big bot", 130);

        Map<String, Object> byDefault = json(get("flows?projectId=" + projectId));
        Map<String, Object> first = json(get("flows?projectId=" + projectId + "&limit=50&skip=0"));
        Map<String, Object> viaCursor = json(get("flows?projectId=" + projectId + "&limit=50&next=" + first.get("nextCursor")));
        Map<String, Object> last = json(get("flows?projectId=" + projectId + "&limit=50&skip=100"));
        Map<String, Object> max = json(get("flows?projectId=" + projectId + "&limit=100"));
        HttpResponse<String> over = get("flows?projectId=" + projectId + "&limit=101");

        assertThat(items(byDefault)).hasSize(25);
        assertThat(byDefault).containsEntry("total", 130).containsEntry("previousCursor", null);
        assertThat(items(first).get(0)).containsKeys("_id", "referenceId", "name", "isTrainingOutOfDate")
                .containsEntry("name", "Flow 1");
        assertThat((String) first.get("nextCursor")).hasSize(24);
        assertThat(items(viaCursor).get(0)).containsEntry("name", "Flow 51");
        assertThat(items(last)).hasSize(30);
        assertThat(items(last).get(0)).containsEntry("name", "Flow 101");
        assertThat(last).containsEntry("nextCursor", null);
        assertThat((String) last.get("previousCursor")).hasSize(24);
        assertThat(items(max)).hasSize(100);
        assertThat(over.statusCode()).isEqualTo(400);
        assertThat(json(over)).containsEntry("code", 1005);
    }

    @Test
    void chartNamesTheFlowsAFlowExecutesOrJumpsTo() throws Exception {
        String projectId = cognigy.seedProject("Bot", 2);
        List<FlowInfo> flows = cognigy.flows(projectId);
        FlowInfo both = cognigy.addFlow(projectId, "Router", flows.get(0).referenceId(), flows.get(1).referenceId());

        Map<String, Object> chart = json(get("flows/" + both.id() + "/chart"));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) chart.get("nodes");
        assertThat(chart).containsKeys("_id", "relations");
        assertThat(nodes).filteredOn(n -> Set.of("executeFlow", "goTo").contains(n.get("type")))
                .extracting(n -> (Object) ((Map<?, ?>) ((Map<?, ?>) n.get("config")).get("flowNode")).get("flow"))
                .containsExactly(flows.get(0).referenceId(), flows.get(1).referenceId());
        assertThat(json(get("flows/" + flows.get(1).id() + "/chart")).get("nodes").toString())
                .doesNotContain("executeFlow", "goTo");
    }

    @Test
    void trainingSetsTheFeedbackReport() throws Exception {
        cognigy.withTaskStages(0, 1).withTrainingResult(0.71, List.of(
                CognigyV2Simulator.poorIntentFinding("refund", 0.42), CognigyV2Simulator.fewSentencesFinding("hello")));
        String projectId = cognigy.seedProject("Bot", 2);
        FlowInfo flow = cognigy.flows(projectId).get(0);

        HttpResponse<String> badMode = post("flows/" + flow.id() + "/intents/train",
                Map.of("localeId", cognigy.localeId(projectId), "mode", "partial"));
        HttpResponse<String> noLocale = post("flows/" + flow.id() + "/intents/train", Map.of("mode", "full"));
        Map<String, Object> before = items(json(get("flows?projectId=" + projectId + "&includeFeedbackReport=true"))).get(0);
        awaitDone(taskId(post("flows/" + flow.id() + "/intents/train",
                Map.of("localeId", cognigy.localeId(projectId), "mode", "quick"))));
        Map<String, Object> after = items(json(get("flows?projectId=" + projectId + "&includeFeedbackReport=true"))).get(0);

        assertThat(json(badMode)).containsEntry("code", 1005);
        assertThat(json(noLocale)).containsEntry("code", 1000);
        assertThat(before).containsEntry("feedbackReport", null).containsEntry("isTrainingOutOfDate", true);
        assertThat(after).containsEntry("isTrainingOutOfDate", false);
        Map<?, ?> report = (Map<?, ?>) after.get("feedbackReport");
        assertThat(((Map<?, ?>) report.get("info")).get("fScore")).isEqualTo(0.71);
        List<?> findings = (List<?>) report.get("findings");
        assertThat(findings).hasSize(2);
        assertThat(((Map<?, ?>) findings.get(0)).get("intentName")).isEqualTo("refund");
        assertThat(((Map<?, ?>) findings.get(0)).get("accuracy")).isEqualTo(0.42);
    }

    // ---- packages

    @Test
    void packageCreatedDownloadedUploadedAndMergedIntoAnotherProject() throws Exception {
        cognigy.withTaskStages(0, 1);
        String source = cognigy.seedProject("Source", 3);
        String target = cognigy.seedProject("Target", 0);
        List<FlowInfo> flows = cognigy.flows(source);
        List<String> resourceIds = List.of(flows.get(0).id(), flows.get(1).id());

        HttpResponse<String> unknownResource = post("packages",
                Map.of("projectId", source, "name", "p", "description", "d", "resourceIds", List.of("nope")));
        Map<String, Object> created = awaitDone(taskId(post("packages",
                Map.of("projectId", source, "name", "promote", "description", "d", "resourceIds", resourceIds))));
        String packageId = (String) ((Map<?, ?>) created.get("data")).get("packageId");
        Map<String, Object> link = json(post("packages/" + packageId + "/downloadlink", Map.of()));
        byte[] file = http.send(HttpRequest.newBuilder(URI.create((String) link.get("downloadLink"))).build(),
                BodyHandlers.ofByteArray()).body();
        Map<String, Object> uploaded = awaitDone(taskId(upload(target, file)));
        String uploadedId = (String) ((Map<?, ?>) uploaded.get("data")).get("packageId");
        Map<String, Object> merged = awaitDone(taskId(post("packages/" + uploadedId + "/merge", Map.of(
                "resourceIds", resourceIds, "localeMapping", List.of(),
                "strategies", resourceIds.stream().map(id -> Map.of("_id", id, "identityConflictStrategy", "replace")).toList()))));
        List<FlowInfo> inTarget = cognigy.flows(target);

        assertThat(json(unknownResource)).containsEntry("code", 1005);
        assertThat(uploadedId).isNotEqualTo(packageId);
        assertThat(merged).containsEntry("status", "done");
        assertThat(inTarget).extracting(FlowInfo::referenceId)
                .containsExactly(flows.get(0).referenceId(), flows.get(1).referenceId());
        assertThat(inTarget).extracting(FlowInfo::id).doesNotContainAnyElementsOf(resourceIds);

        // a second merge replaces in place; without a strategy a conflict aborts; a hook fails the next merge
        Map<String, Object> again = awaitDone(taskId(post("packages/" + uploadedId + "/merge", Map.of(
                "resourceIds", resourceIds,
                "strategies", resourceIds.stream().map(id -> Map.of("_id", id, "identityConflictStrategy", "replace")).toList()))));
        Map<String, Object> aborted = awaitDone(taskId(post("packages/" + uploadedId + "/merge", Map.of("resourceIds", resourceIds))));
        cognigy.failNextMerge("Merge failed: database unavailable");
        Map<String, Object> hooked = awaitDone(taskId(post("packages/" + uploadedId + "/merge", Map.of(
                "resourceIds", resourceIds,
                "strategies", resourceIds.stream().map(id -> Map.of("_id", id, "identityConflictStrategy", "replace")).toList()))));

        assertThat(again).containsEntry("status", "done");
        assertThat(cognigy.flows(target)).extracting(FlowInfo::id)
                .containsExactlyElementsOf(inTarget.stream().map(FlowInfo::id).toList());
        assertThat(aborted).containsEntry("status", "error");
        assertThat((String) aborted.get("failReason")).contains("conflict");
        assertThat(hooked).containsEntry("status", "error").containsEntry("failReason", "Merge failed: database unavailable");
    }

    @Test
    void uploadOfAFileThatIsNoPackageFailsItsTask() throws Exception {
        cognigy.withInstantTasks();
        String target = cognigy.seedProject("Target", 0);

        HttpResponse<String> response = upload(target, "not a package".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> noProject = upload(null, "x".getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(get("tasks/" + taskId(response)))).containsEntry("status", "error");
        assertThat(noProject.statusCode()).isEqualTo(400);
        assertThat(json(noProject)).containsEntry("code", 1000);
    }

    @Test
    void packageDownloadLinkIsRefusedUntilThePackageIsMade() throws Exception {
        cognigy.withTaskStages(1, 1);
        String source = cognigy.seedProject("Source", 1);
        Map<String, Object> task = json(post("packages", Map.of("projectId", source, "name", "p",
                "resourceIds", List.of(cognigy.flows(source).get(0).id()))));
        String packageId = (String) ((Map<?, ?>) task.get("data")).get("packageId");

        HttpResponse<String> early = post("packages/" + packageId + "/downloadlink", Map.of());
        awaitDone((String) task.get("_id"));
        HttpResponse<String> late = post("packages/" + packageId + "/downloadlink", Map.of());

        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(late.statusCode()).isEqualTo(200);
    }

    // ---- helpers

    private Map<String, Object> awaitDone(String taskId) throws Exception {
        for (int i = 0; i < 20; i++) {
            Map<String, Object> task = json(get("tasks/" + taskId));
            if (Set.of("done", "error", "cancelled").contains(task.get("status"))) {
                return task;
            }
        }
        throw new AssertionError("task " + taskId + " did not end in 20 reads");
    }

    private static String taskId(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return (String) json(response).get("_id");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, API_KEY);
    }

    private HttpResponse<String> post(String path, Object body) throws Exception {
        return send("POST", path, body, API_KEY);
    }

    private HttpResponse<String> patch(String endpointId, Object body) throws Exception {
        return send("PATCH", "endpoints/" + endpointId, body, API_KEY);
    }

    private HttpResponse<String> send(String method, String path, Object body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Accept", "application/json")
                .header("X-API-Key", key);
        if (body == null) {
            request.method(method, BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> upload(String projectId, byte[] file) throws Exception {
        String boundary = "----sim" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (projectId != null) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\n" + projectId
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"package.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(uri("packages/upload"))
                .header("X-API-Key", API_KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.ofByteArray(body.toByteArray())).build(), BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(cognigy.baseUrl() + V2 + path);
    }

    private static Map<String, Object> json(HttpResponse<String> response) throws Exception {
        return JSON.readValue(response.body(), new TypeReference<>() {});
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
