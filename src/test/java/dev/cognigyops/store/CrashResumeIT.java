package dev.cognigyops.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.JarTestServers;
import dev.cognigyops.botdeploy.DeployStubs;
import dev.cognigyops.flowdeploy.FlowStubs;
import dev.cognigyops.nlpretrain.RetrainStubs;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppProcess;
import dev.cognigyops.testsupport.Fixtures;
import dev.cognigyops.trainingmonitor.MonitorStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 in the middle of a run, once per operation. The built jar runs as a service on a work
 * folder (inbox, results, audit file and the embedded run store, all named by environment variables),
 * takes a dropped request, and is ended with SIGKILL at the run's most dangerous point: a call that
 * changed something on Cognigy has been answered and the run waits on its outcome, or a
 * state-changing call is in flight. Started again on the same folders, the same node takes its run
 * back at once and goes on from the last checkpoint. Then, as a user would check:
 * <ul>
 * <li>one result file, for the run, with its expected status; one RUN_FINISHED, one RUN_RESUMED
 * naming the checkpoint it went on from, and the dropped file read again only as a duplicate;</li>
 * <li>in WireMock's journal (Cognigy, both lives), no state-changing call (POST, PUT, PATCH, DELETE)
 * received twice — except the one in flight at the kill, which was sent but never recorded and is
 * sent again with the same Idempotency-Key. Reads may repeat.</li>
 * </ul>
 * Each life runs in a folder of its own ({@code first-life/}, {@code second-life/}: its standard
 * output and error), both on the same inbox, results, audit file and data folder.
 */
class CrashResumeIT {

    static final String NODE = "crash-node";
    /** How long the answer the kill waits in is held back: ample time to kill while it is in flight. */
    static final int SLOW_MS = 5_000;
    static final Duration KILL_POINT_WAIT = Duration.ofSeconds(60);
    static final Duration RESUME_WAIT = Duration.ofSeconds(60);
    static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    /** No call is expected to be sent twice. */
    static final Predicate<LoggedRequest> NOTHING_IN_FLIGHT = call -> false;

    /** Kept when a test fails: both lives' standard error, the audit file and the run store are the evidence. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    JarTestServers servers;

    @BeforeEach
    void startServers() {
        servers = new JarTestServers("crash-it");
    }

    @AfterEach
    void stopServers() {
        servers.close();
    }

    @Test
    void botDeployKilledWhileWaitingForTheDeploymentItCreatedGoesOnPollingThatDeployment() throws Exception {
        String runId = "crash-bot-deploy";
        DeployStubs stubs = new DeployStubs(servers.cognigy);
        stubs.happyPath();
        // the first status read is answered slowly: the process dies while it waits for it
        stubs.statuses(DeployStubs.DEPLOYMENT, List.of(DeployStubs.status(DeployStubs.DEPLOYMENT, "queued").withFixedDelay(SLOW_MS),
                DeployStubs.status(DeployStubs.DEPLOYMENT, "compiling"), DeployStubs.status(DeployStubs.DEPLOYMENT, "completed")));

        JsonNode result = crashAndResume(runId, DeployStubs.request(runId, ""),
                Map.of("COGNIGY_POLL_BOT_DEPLOY_FIRST_DELAY_MS", "50", "COGNIGY_POLL_BOT_DEPLOY_MAX_DELAY_MS", "200",
                        "COGNIGY_DEPLOY_MAX_FIRST_WAIT_SECONDS", "1", "COGNIGY_DEPLOY_SYNC_REGIONS", DeployStubs.SETTING_REGION),
                () -> audited(runId, "DEPLOYMENT_CREATED")
                        && received(getRequestedFor(urlEqualTo(DeployStubs.statusPath(DeployStubs.DEPLOYMENT)))) == 1);

        assertThat(changesReceived()).containsExactly("POST " + DeployStubs.deploymentsPath(DeployStubs.BOT),
                "PUT " + DeployStubs.ROUTING_PATH, "POST " + DeployStubs.SYNC_PATH);
        assertNoChangeReceivedTwice(runId, NOTHING_IN_FLIGHT);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deploymentId").asText()).isEqualTo(DeployStubs.DEPLOYMENT);
        assertThat(result.path("output").path("syncJobIds").path(DeployStubs.SETTING_REGION).asText()).isEqualTo("sync-setting");
        assertEndedOnceAfterResumingFrom(runId, "DEPLOYMENT_CREATED");
        // the deployment it had created is the one it went on polling, to its end
        assertThat(received(getRequestedFor(urlEqualTo(DeployStubs.statusPath(DeployStubs.DEPLOYMENT))))).isGreaterThanOrEqualTo(3);
    }

    @Test
    void nluExportKilledWhileTheArtifactStreamsIntoS3StoresItWholeFromItsOwnExportJob() throws Exception {
        String runId = "crash-nlu-export";
        byte[] artifact = new byte[2 * 1024 * 1024];
        new java.util.Random(11).nextBytes(artifact);
        // the first download trickles out in 40 chunks over 8 s: the process dies in the middle of the
        // transfer; a download after that is answered at once
        servers.cognigy.stubFor(get(ExportStubs.ARTIFACT_PATH).inScenario("artifact").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(artifact)
                        .withChunkedDribbleDelay(40, 8_000)).willSetStateTo("downloaded once"));
        servers.cognigy.stubFor(get(ExportStubs.ARTIFACT_PATH).inScenario("artifact").whenScenarioStateIs("downloaded once")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(artifact)));

        JsonNode result = crashAndResume(runId, ExportStubs.request(runId, ""), Map.of(),
                () -> received(getRequestedFor(urlEqualTo(ExportStubs.ARTIFACT_PATH))) == 1);

        assertThat(changesReceived()).containsExactly("POST " + ExportStubs.EXPORTS_PATH);
        assertNoChangeReceivedTwice(runId, NOTHING_IN_FLIGHT);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("s3Uri").asText()).isEqualTo("s3://crash-it/" + ExportStubs.KEY);
        assertThat(result.path("output").path("artifactSizeBytes").asLong()).isEqualTo(artifact.length);
        assertEndedOnceAfterResumingFrom(runId, "JOB_COMPLETED");
        // the transfer cut short left nothing behind: one object, the whole artifact
        assertThat(servers.s3.listKeys("crash-it")).containsExactly(ExportStubs.KEY);
        assertThat(servers.s3.getBytes("crash-it", ExportStubs.KEY)).isEqualTo(artifact);
    }

    @Test
    void flowDeployKilledWhileItsThirdPushIsInFlightSendsThatPushAgainWithTheSameKeyAndNothingElse() throws Exception {
        String runId = "crash-flow-deploy";
        FlowStubs stubs = new FlowStubs(servers.cognigy);
        // pushed in dependency order: flow_a, flow_b, flow_c, flow_d
        stubs.listing(List.of(flow("flow_a", "2.0.0"), flow("flow_b", "2.0.0", "flow:flow_a"),
                flow("flow_c", "2.0.0", "flow:flow_b"), flow("flow_d", "2.0.0", "flow:flow_c")), 100);
        stubs.flowInTarget("flow_a", "1.4.0", "deployed", 201);
        stubs.flowInTarget("flow_b", "1.7.0", "deployed", 201);
        stubs.flowInTarget("flow_c", "1.1.0", "deployed", 201);
        stubs.flowInTarget("flow_d", "1.0.0", "deployed", 201);
        // the third push is taken, but its answer is slow: the process dies before it arrives; the
        // same push sent again (the same Idempotency-Key) is answered as the first one would have been
        servers.cognigy.stubFor(post(urlPathEqualTo(FlowStubs.IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c")))
                .inScenario(FlowStubs.scenario("flow_c")).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"id\":\"flow_c\"}").withFixedDelay(SLOW_MS)).willSetStateTo("imported"));
        servers.cognigy.stubFor(post(urlPathEqualTo(FlowStubs.IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c")))
                .inScenario(FlowStubs.scenario("flow_c")).whenScenarioStateIs("imported")
                .willReturn(okJson("{\"id\":\"flow_c\"}")));
        Predicate<LoggedRequest> thirdPush = call -> call.getUrl().equals(FlowStubs.IMPORT) && "flow_c".equals(pushedFlow(call));

        JsonNode result = crashAndResume(runId, FlowStubs.request(runId, ""),
                Map.of("COGNIGY_POLL_FLOW_DEPLOY_FIRST_DELAY_MS", "20", "COGNIGY_POLL_FLOW_DEPLOY_MAX_DELAY_MS", "50"),
                () -> changes().stream().anyMatch(thirdPush));

        assertThat(changesReceived()).as("only pushes").allMatch(call -> call.equals("POST " + FlowStubs.IMPORT));
        assertThat(changes().stream().map(CrashResumeIT::pushedFlow)).containsExactly("flow_a", "flow_b", "flow_c", "flow_c", "flow_d");
        List<LoggedRequest> thirdPushes = changes().stream().filter(thirdPush).toList();
        assertThat(thirdPushes.get(1).getHeader("Idempotency-Key")).as("the push in flight at the kill, sent again")
                .startsWith(runId + ":FLOW_PUSHED@").isEqualTo(thirdPushes.get(0).getHeader("Idempotency-Key"));
        assertNoChangeReceivedTwice(runId, thirdPush);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_a\",\"flow_b\",\"flow_c\",\"flow_d\"]");
        assertEndedOnceAfterResumingFrom(runId, "PUSHING");
        JsonNode manifest = Json.parse(servers.s3.getString("crash-it", "manifests/" + FlowStubs.ENV + "/" + runId + ".json"));
        assertThat(manifest.path("outcome").asText()).isEqualTo("deployed");
    }

    @Test
    void nlpRetrainKilledAfterItsJobWasSubmittedGoesOnPollingThatJob() throws Exception {
        String runId = "crash-nlp-retrain";
        RetrainStubs stubs = new RetrainStubs(servers.cognigy, null);
        stubs.happyPath();
        // the first read of the submitted job is answered slowly: the process dies while it waits for it
        servers.cognigy.stubFor(get(RetrainStubs.JOB_PATH).inScenario("job").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(Fixtures.json("nlpretrain/training-job.json")).withFixedDelay(SLOW_MS)).willSetStateTo("running"));

        JsonNode result = crashAndResume(runId, RetrainStubs.request(runId, ""), Map.of(),
                () -> received(getRequestedFor(urlEqualTo(RetrainStubs.JOB_PATH))) == 1);

        assertThat(changesReceived()).containsExactly("POST " + RetrainStubs.JOBS_PATH);
        assertNoChangeReceivedTwice(runId, NOTHING_IN_FLIGHT);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("jobId").asText()).isEqualTo(RetrainStubs.JOB);
        assertThat(result.path("output").path("gate").asText()).isEqualTo("PASSED");
        assertEndedOnceAfterResumingFrom(runId, "SUBMITTED");
    }

    @Test
    void trainingMonitorKilledInTheMiddleOfWatchingGoesOnWatchingTheSameJob() throws Exception {
        String runId = "crash-training-monitor";
        String job = "job-crash";
        String statusPath = MonitorStubs.statusPath(job);
        // three reads answered, the fourth slow: the process dies while it waits for it
        new MonitorStubs(servers.cognigy).responses(job, List.of(okJson(MonitorStubs.status(job, "QUEUED", 0)),
                okJson(MonitorStubs.status(job, "RUNNING", 20)), okJson(MonitorStubs.status(job, "RUNNING", 40)),
                okJson(MonitorStubs.status(job, "RUNNING", 60)).withFixedDelay(SLOW_MS),
                okJson(MonitorStubs.status(job, "COMPLETED", 100))));

        JsonNode result = crashAndResume(runId, MonitorStubs.request(runId, job, ""), Map.of(),
                () -> received(getRequestedFor(urlEqualTo(statusPath))) == 4);

        // nothing to change on a job that ends by itself: no cancel, in either life
        assertThat(changesReceived()).isEmpty();
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("finalState").asText()).isEqualTo("COMPLETED");
        assertEndedOnceAfterResumingFrom(runId, "WATCHING");
        assertThat(auditActions(runId).stream().filter("MONITOR_START"::equals)).as("the watching was not begun again").hasSize(1);
        assertThat(auditActions(runId).stream().filter("MONITOR_COMPLETE"::equals)).hasSize(1);
    }

    // ---- the crash: one life killed at its kill point, then the next on the same folders ----

    /**
     * Starts the service, drops the request, kills the process with SIGKILL once {@code killPoint}
     * holds, starts it again on the same folders and data dir, and returns the run's result.
     */
    JsonNode crashAndResume(String runId, String request, Map<String, String> settings, Callable<Boolean> killPoint)
            throws Exception {
        Map<String, String> env = env(settings);
        Path resultFile = dir.resolve("results").resolve(runId + ".json");
        AppProcess firstLife = AppProcess.in(dir.resolve("first-life")).flags(AppProcess.DOCKERFILE_FLAGS).env(env).start();
        try {
            drop(runId, request);
            await("run " + runId + " at its kill point").atMost(KILL_POINT_WAIT)
                    .failFast("the first life ended by itself", () -> !firstLife.isAlive())
                    .until(killPoint);
            assertThat(firstLife.command()).as("SIGKILL goes to the JVM itself").endsWith("/java");
            assertThat(firstLife.kill()).as("ended by SIGKILL").isEqualTo(128 + 9);
        } catch (Throwable e) {
            throw new AssertionError(e.getMessage() + "\nfirst life's stderr:\n" + firstLife.stderr(), e);
        } finally {
            firstLife.close();
        }
        assertThat(resultFile).as("the run had not finished when it was killed").doesNotExist();
        assertThat(auditActions(runId)).doesNotContain("RUN_FINISHED");

        try (AppProcess secondLife = AppProcess.in(dir.resolve("second-life")).flags(AppProcess.DOCKERFILE_FLAGS).env(env).start()) {
            // the result, and the dropped file read again at start: a duplicate of the run, moved on
            await("the result of " + runId + " after the restart").atMost(RESUME_WAIT)
                    .failFast("the second life ended by itself", () -> !secondLife.isAlive())
                    .until(() -> Files.exists(resultFile) && Files.exists(dir.resolve("inbox/.done/" + runId + ".json")));
            assertThat(secondLife.isAlive()).as(secondLife.stderr()).isTrue();
        }
        return Json.MAPPER.readTree(resultFile.toFile());
    }

    /** The service's environment: the test's servers, the work folder's parts, this node, Kafka off. */
    Map<String, String> env(Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>(servers.env());
        env.put("COGNIGY_INBOX_DIR", dir.resolve("inbox").toString());
        env.put("COGNIGY_RESULTS_DIR", dir.resolve("results").toString());
        env.put("COGNIGY_AUDIT_FILE", dir.resolve("audit/audit.jsonl").toString());
        env.put("COGNIGY_SPOOL_DIR", dir.resolve("spool").toString());
        env.put("COGNIGY_DATA_DIR", dir.resolve("data").toString());
        env.put("COGNIGY_CLUSTER_NODE_ID", NODE);
        env.put("COGNIGY_KAFKA_BROKERS", "");
        env.put("COGNIGY_POLL_MAX_DELAY_MS", "200");
        env.putAll(settings);
        return env;
    }

    /** Written beside the inbox under a name the service never reads, then renamed into it. */
    void drop(String runId, String request) throws IOException {
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path part = inbox.resolve("." + runId + ".part");
        Files.writeString(part, request, StandardCharsets.UTF_8);
        Files.move(part, inbox.resolve(runId + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- what a user checks afterwards ----

    /**
     * One result file in the results folder, the run's; its events: one RUN_STARTED, then one
     * RUN_RESUMED by a new life of this node from {@code checkpoint}, then one RUN_FINISHED, last;
     * and the dropped file, read again at the restart, refused as a duplicate of the run.
     */
    void assertEndedOnceAfterResumingFrom(String runId, String checkpoint) throws IOException {
        try (var files = Files.list(dir.resolve("results"))) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(runId + ".json");
        }
        List<String> actions = auditActions(runId);
        assertThat(actions.stream().filter("RUN_STARTED"::equals)).as(actions.toString()).hasSize(1);
        assertThat(actions.stream().filter("RUN_RESUMED"::equals)).as(actions.toString()).hasSize(1);
        assertThat(actions.stream().filter("RUN_FINISHED"::equals)).as(actions.toString()).hasSize(1);
        assertThat(actions).startsWith("RUN_STARTED").endsWith("RUN_FINISHED").containsSubsequence("RUN_STARTED", "RUN_RESUMED");
        JsonNode resumed = auditEvents().stream()
                .filter(e -> runId.equals(e.path("runId").asText()) && "RUN_RESUMED".equals(e.path("action").asText()))
                .findFirst().orElseThrow();
        assertThat(resumed.path("details").path("checkpoint").asText()).as(resumed.toString()).isEqualTo(checkpoint);
        assertThat(resumed.path("details").path("previousOwner").asText()).startsWith(NODE + "#");
        assertThat(resumed.path("details").path("instance").asText()).startsWith(NODE + "#")
                .isNotEqualTo(resumed.path("details").path("previousOwner").asText());
        JsonNode finished = auditEvents().stream()
                .filter(e -> runId.equals(e.path("runId").asText()) && "RUN_FINISHED".equals(e.path("action").asText()))
                .findFirst().orElseThrow();
        assertThat(finished.path("outcome").asText()).isEqualTo(Json.MAPPER.readTree(dir.resolve("results/" + runId + ".json").toFile())
                .path("status").asText());
        assertThat(auditEvents()).filteredOn(e -> "DUPLICATE_REQUEST".equals(e.path("action").asText()))
                .singleElement().satisfies(e -> assertThat(e.path("details").path("duplicateOf").asText()).isEqualTo(runId));
    }

    /**
     * No state-changing call to Cognigy received twice — the same method, URL and body — except
     * those {@code inFlightAtKill} names: each of them exactly twice, with one Idempotency-Key. Every
     * state-changing call carries a key of this run, and two different calls never share one.
     */
    void assertNoChangeReceivedTwice(String runId, Predicate<LoggedRequest> inFlightAtKill) {
        Map<String, List<LoggedRequest>> byCall = changes().stream().collect(Collectors.groupingBy(
                call -> call.getMethod() + " " + call.getUrl() + " " + call.getBodyAsString(), LinkedHashMap::new, Collectors.toList()));
        byCall.forEach((call, received) -> {
            List<String> keys = received.stream().map(r -> r.getHeader("Idempotency-Key")).toList();
            assertThat(keys).as("the Idempotency-Key of " + call).allSatisfy(key -> assertThat(key).startsWith(runId + ":"));
            if (inFlightAtKill.test(received.get(0))) {
                assertThat(received).as("the call in flight at the kill, sent again: " + call).hasSize(2);
                assertThat(keys.get(1)).as("its key the second time").isEqualTo(keys.get(0));
            } else {
                assertThat(received).as("received twice: " + call).hasSize(1);
            }
        });
        assertThat(byCall.values().stream().map(received -> received.get(0).getHeader("Idempotency-Key")).distinct())
                .as("one key per call").hasSize(byCall.size());
    }

    // ---- WireMock's journal and the audit file ----

    /** Every state-changing call Cognigy received (the token endpoint aside), in the order received. */
    List<LoggedRequest> changes() {
        return servers.cognigy.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> CHANGING.contains(r.getMethod().getName()) && !r.getUrl().startsWith("/oauth/"))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    /** {@link #changes()} as {@code METHOD path}. */
    List<String> changesReceived() {
        return changes().stream().map(r -> r.getMethod().getName() + " " + r.getUrl()).toList();
    }

    int received(RequestPatternBuilder pattern) {
        return servers.cognigy.findAll(pattern).size();
    }

    static String pushedFlow(LoggedRequest importCall) {
        try {
            return Json.parse(importCall.getBodyAsString()).path("flow").path("id").asText();
        } catch (IOException e) {
            return "(not JSON)";
        }
    }

    boolean audited(String runId, String action) throws IOException {
        return auditActions(runId).contains(action);
    }

    List<String> auditActions(String runId) throws IOException {
        return auditEvents().stream().filter(e -> runId.equals(e.path("runId").asText())).map(e -> e.path("action").asText()).toList();
    }

    /** The audit file's complete lines (the service may be writing the last one). */
    List<JsonNode> auditEvents() throws IOException {
        Path file = dir.resolve("audit/audit.jsonl");
        List<JsonNode> events = new ArrayList<>();
        if (!Files.exists(file)) {
            return events;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isBlank()) {
                events.add(Json.parse(line));
            }
        }
        return events;
    }
}
