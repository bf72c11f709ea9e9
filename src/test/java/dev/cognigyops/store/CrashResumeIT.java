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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.cognigyops.botdeploy.DeployStubs.DEPLOYMENT;
import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 in the middle of a run, for each operation. The built jar runs as a service on a work
 * folder of its own (inbox, results, audit file and the embedded run store, all named by environment
 * variables), takes a dropped request, and is ended with SIGKILL at the run's most dangerous point:
 * an answer it waits for is held back, right after a call that changed something on Cognigy, or
 * while such a call is in flight. Started again on the same folders, the same node takes its run back
 * at once and goes on from the last checkpoint. Then, as a user would check:
 * <ul>
 * <li>one result file, the run's, with its expected status; one RUN_STARTED, one RUN_RESUMED naming
 * the checkpoint it went on from, one RUN_FINISHED; the dropped file, read again at the restart,
 * refused as a duplicate of the run;</li>
 * <li>in WireMock's journal (both lives), no state-changing call (POST, PUT, PATCH, DELETE) received
 * twice. A flow push in flight at the kill, sent but never recorded, is first looked for in the
 * target: found there, it is not sent again (were it not, it would go with the same Idempotency-Key).
 * Reads may repeat.</li>
 * </ul>
 * The five crashes are independent — each its own servers, folders and two lives of the jar — and
 * run side by side (started before the tests, each test waits for its own), so that ten starts of
 * the jar fit the time of a few. Each life keeps its standard output and error in its own folder
 * ({@code <runId>/first-life/}, {@code <runId>/second-life/}), kept with the run store and the
 * audit file when a test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashResumeIT {

    static final String NODE = "crash-node";
    /** How long the answer the kill waits in is held back: ample time to kill while it is in flight. */
    static final int HELD_MS = 15_000;
    /** Five jars start at once on a shared machine: the waits are generous, the kills at once. */
    static final Duration KILL_POINT_WAIT = Duration.ofSeconds(150);
    static final Duration RESUME_WAIT = Duration.ofSeconds(150);
    /**
     * The image's flags, and the JIT's first tier only: the jar starts on about 40 % less CPU (ten
     * starts on a shared machine), and nothing a crash or a resume does depends on the compiler.
     */
    static final String FLAGS = AppProcess.DOCKERFILE_FLAGS + " -XX:TieredStopAtLevel=1";
    static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
    static final Predicate<LoggedRequest> NOTHING_IN_FLIGHT = call -> false;
    static final byte[] ARTIFACT = new byte[2 * 1024 * 1024];

    static {
        new Random(11).nextBytes(ARTIFACT);
    }

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    ExecutorService cycles;
    Crash botDeploy;
    Crash nluExport;
    Crash flowDeploy;
    Crash nlpRetrain;
    Crash trainingMonitor;

    @BeforeAll
    void crashEveryOperationAtItsMostDangerousPoint() {
        cycles = Executors.newFixedThreadPool(5);
        botDeploy = botDeployCrash().begin(cycles);
        nluExport = nluExportCrash().begin(cycles);
        flowDeploy = flowDeployCrash().begin(cycles);
        nlpRetrain = nlpRetrainCrash().begin(cycles);
        trainingMonitor = trainingMonitorCrash().begin(cycles);
    }

    @AfterAll
    void stopEverything() throws Exception {
        // each test has waited for its crash: what still runs is a crash whose test did not get to wait
        cycles.shutdown();
        cycles.awaitTermination(KILL_POINT_WAIT.plus(RESUME_WAIT).toSeconds(), TimeUnit.SECONDS);
        for (Crash crash : new Crash[] {botDeploy, nluExport, flowDeploy, nlpRetrain, trainingMonitor}) {
            if (crash != null) {
                crash.close();
            }
        }
    }

    // ---- bot-deploy ----

    /** Killed while the first status read of the deployment it created is in flight. */
    Crash botDeployCrash() {
        Crash crash = new Crash("crash-bot-deploy");
        DeployStubs stubs = new DeployStubs(crash.cognigy());
        stubs.happyPath();
        stubs.statuses(DEPLOYMENT, List.of(DeployStubs.status(DEPLOYMENT, "queued").withFixedDelay(HELD_MS),
                DeployStubs.status(DEPLOYMENT, "compiling"), DeployStubs.status(DEPLOYMENT, "completed")));
        return crash.request(DeployStubs.request(crash.runId, ""))
                .settings(Map.of("COGNIGY_POLL_BOT_DEPLOY_FIRST_DELAY_MS", "50", "COGNIGY_POLL_BOT_DEPLOY_MAX_DELAY_MS", "200",
                        "COGNIGY_DEPLOY_MAX_FIRST_WAIT_SECONDS", "1", "COGNIGY_DEPLOY_SYNC_REGIONS", DeployStubs.SETTING_REGION))
                .killWhen(() -> crash.audited("DEPLOYMENT_CREATED")
                        && crash.received(getRequestedFor(urlEqualTo(DeployStubs.statusPath(DEPLOYMENT)))) == 1);
    }

    @Test
    void botDeployKilledWhileWaitingForTheDeploymentItCreatedGoesOnPollingThatDeployment() throws Exception {
        JsonNode result = botDeploy.result();

        assertThat(botDeploy.changesReceived()).containsExactly("POST " + DeployStubs.deploymentsPath(DeployStubs.BOT),
                "PUT " + DeployStubs.ROUTING_PATH, "POST " + DeployStubs.SYNC_PATH);
        botDeploy.assertNoChangeReceivedTwice(NOTHING_IN_FLIGHT);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deploymentId").asText()).isEqualTo(DEPLOYMENT);
        assertThat(result.path("output").path("syncJobIds").path(DeployStubs.SETTING_REGION).asText()).isEqualTo("sync-setting");
        botDeploy.assertEndedOnceAfterResumingFrom("DEPLOYMENT_CREATED");
        // the deployment it had created is the one it went on polling, to its end
        assertThat(botDeploy.received(getRequestedFor(urlEqualTo(DeployStubs.statusPath(DEPLOYMENT))))).isGreaterThanOrEqualTo(3);
    }

    // ---- nlu-export ----

    /** Killed while the artifact streams from Cognigy into S3: the first download trickles; a later one is answered at once. */
    Crash nluExportCrash() {
        Crash crash = new Crash("crash-nlu-export");
        crash.cognigy().stubFor(get(ExportStubs.ARTIFACT_PATH).inScenario("artifact").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(ARTIFACT)
                        .withChunkedDribbleDelay(40, HELD_MS)).willSetStateTo("downloaded once"));
        crash.cognigy().stubFor(get(ExportStubs.ARTIFACT_PATH).inScenario("artifact").whenScenarioStateIs("downloaded once")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(ARTIFACT)));
        return crash.request(ExportStubs.request(crash.runId, ""))
                .killWhen(() -> crash.received(getRequestedFor(urlEqualTo(ExportStubs.ARTIFACT_PATH))) == 1);
    }

    @Test
    void nluExportKilledWhileTheArtifactStreamsIntoS3StoresItWholeFromItsOwnExportJob() throws Exception {
        JsonNode result = nluExport.result();

        assertThat(nluExport.changesReceived()).containsExactly("POST " + ExportStubs.EXPORTS_PATH);
        nluExport.assertNoChangeReceivedTwice(NOTHING_IN_FLIGHT);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("s3Uri").asText()).isEqualTo("s3://crash-it/" + ExportStubs.KEY);
        assertThat(result.path("output").path("artifactSizeBytes").asLong()).isEqualTo(ARTIFACT.length);
        nluExport.assertEndedOnceAfterResumingFrom("JOB_COMPLETED");
        // the transfer cut short left nothing behind: one object, the whole artifact
        assertThat(nluExport.servers.s3.listKeys("crash-it")).containsExactly(ExportStubs.KEY);
        assertThat(nluExport.servers.s3.getBytes("crash-it", ExportStubs.KEY)).isEqualTo(ARTIFACT);
    }

    // ---- flow-deploy ----

    static final Predicate<LoggedRequest> THIRD_PUSH = call -> call.getUrl().equals(FlowStubs.IMPORT) && "flow_c".equals(pushedFlow(call));

    /**
     * Killed while the third of four pushes is in flight: Cognigy takes it, but its answer is held
     * back. The resumed run finds flow_c in the target at the pushed version and does not push it again.
     */
    Crash flowDeployCrash() {
        Crash crash = new Crash("crash-flow-deploy");
        FlowStubs stubs = new FlowStubs(crash.cognigy());
        // pushed in dependency order: flow_a, flow_b, flow_c, flow_d
        stubs.listing(List.of(flow("flow_a", "2.0.0"), flow("flow_b", "2.0.0", "flow:flow_a"),
                flow("flow_c", "2.0.0", "flow:flow_b"), flow("flow_d", "2.0.0", "flow:flow_c")), 100);
        stubs.flowInTarget("flow_a", "1.4.0", "deployed", 201);
        stubs.flowInTarget("flow_b", "1.7.0", "deployed", 201);
        stubs.flowInTarget("flow_c", "1.1.0", "deployed", 201);
        stubs.flowInTarget("flow_d", "1.0.0", "deployed", 201);
        crash.cognigy().stubFor(post(urlPathEqualTo(FlowStubs.IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c")))
                .inScenario(FlowStubs.scenario("flow_c")).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"id\":\"flow_c\"}").withFixedDelay(HELD_MS)).willSetStateTo("imported"));
        crash.cognigy().stubFor(post(urlPathEqualTo(FlowStubs.IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c")))
                .inScenario(FlowStubs.scenario("flow_c")).whenScenarioStateIs("imported")
                .willReturn(okJson("{\"id\":\"flow_c\"}")));
        return crash.request(FlowStubs.request(crash.runId, ""))
                .settings(Map.of("COGNIGY_POLL_FLOW_DEPLOY_FIRST_DELAY_MS", "20", "COGNIGY_POLL_FLOW_DEPLOY_MAX_DELAY_MS", "50"))
                .killWhen(() -> crash.changes().stream().anyMatch(THIRD_PUSH));
    }

    @Test
    void flowDeployKilledWhileItsThirdPushIsInFlightFindsThatPushInTheTargetAndSendsNothingTwice() throws Exception {
        JsonNode result = flowDeploy.result();

        assertThat(flowDeploy.changesReceived()).as("only pushes").allMatch(call -> call.equals("POST " + FlowStubs.IMPORT));
        // the push in flight at the kill reached the target: the resumed run reads flow_c there at the
        // pushed version before anything else, and does not send it again
        assertThat(flowDeploy.changes().stream().map(CrashResumeIT::pushedFlow))
                .containsExactly("flow_a", "flow_b", "flow_c", "flow_d");
        assertThat(flowDeploy.changes().stream().filter(THIRD_PUSH).toList()).singleElement()
                .satisfies(push -> assertThat(push.getHeader("Idempotency-Key")).startsWith(flowDeploy.runId + ":FLOW_PUSHED@"));
        flowDeploy.assertNoChangeReceivedTwice(call -> false);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_a\",\"flow_b\",\"flow_c\",\"flow_d\"]");
        flowDeploy.assertEndedOnceAfterResumingFrom("PUSHING");
        JsonNode manifest = Json.parse(flowDeploy.servers.s3.getString("crash-it",
                "manifests/" + FlowStubs.ENV + "/" + flowDeploy.runId + ".json"));
        assertThat(manifest.path("outcome").asText()).isEqualTo("deployed");
    }

    // ---- nlp-retrain ----

    /** Killed while the first read of the training job it submitted is in flight. */
    Crash nlpRetrainCrash() {
        Crash crash = new Crash("crash-nlp-retrain");
        new RetrainStubs(crash.cognigy(), null).happyPath();
        crash.cognigy().stubFor(get(RetrainStubs.JOB_PATH).inScenario("job").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(Fixtures.json("nlpretrain/training-job.json")).withFixedDelay(HELD_MS)).willSetStateTo("running"));
        return crash.request(RetrainStubs.request(crash.runId, ""))
                .killWhen(() -> crash.received(getRequestedFor(urlEqualTo(RetrainStubs.JOB_PATH))) == 1);
    }

    @Test
    void nlpRetrainKilledAfterItsJobWasSubmittedGoesOnPollingThatJob() throws Exception {
        JsonNode result = nlpRetrain.result();

        assertThat(nlpRetrain.changesReceived()).containsExactly("POST " + RetrainStubs.JOBS_PATH);
        nlpRetrain.assertNoChangeReceivedTwice(NOTHING_IN_FLIGHT);
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("jobId").asText()).isEqualTo(RetrainStubs.JOB);
        assertThat(result.path("output").path("gate").asText()).isEqualTo("PASSED");
        nlpRetrain.assertEndedOnceAfterResumingFrom("SUBMITTED");
    }

    // ---- training-monitor ----

    static final String WATCHED_JOB = "job-crash";

    /** Killed in the middle of watching: three status reads answered, the fourth in flight. */
    Crash trainingMonitorCrash() {
        Crash crash = new Crash("crash-training-monitor");
        new MonitorStubs(crash.cognigy()).responses(WATCHED_JOB, List.of(okJson(MonitorStubs.status(WATCHED_JOB, "QUEUED", 0)),
                okJson(MonitorStubs.status(WATCHED_JOB, "RUNNING", 20)), okJson(MonitorStubs.status(WATCHED_JOB, "RUNNING", 40)),
                okJson(MonitorStubs.status(WATCHED_JOB, "RUNNING", 60)).withFixedDelay(HELD_MS),
                okJson(MonitorStubs.status(WATCHED_JOB, "COMPLETED", 100))));
        return crash.request(MonitorStubs.request(crash.runId, WATCHED_JOB, ""))
                .killWhen(() -> crash.received(getRequestedFor(urlEqualTo(MonitorStubs.statusPath(WATCHED_JOB)))) == 4);
    }

    @Test
    void trainingMonitorKilledInTheMiddleOfWatchingGoesOnWatchingTheSameJob() throws Exception {
        JsonNode result = trainingMonitor.result();

        // nothing to change on a job that ends by itself: no cancel, in either life
        assertThat(trainingMonitor.changesReceived()).isEmpty();
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("finalState").asText()).isEqualTo("COMPLETED");
        trainingMonitor.assertEndedOnceAfterResumingFrom("WATCHING");
        List<String> actions = trainingMonitor.auditActions();
        assertThat(actions.stream().filter("MONITOR_START"::equals)).as("the watching was not begun again").hasSize(1);
        assertThat(actions.stream().filter("MONITOR_COMPLETE"::equals)).hasSize(1);
    }

    static String pushedFlow(LoggedRequest importCall) {
        try {
            return Json.parse(importCall.getBodyAsString()).path("flow").path("id").asText();
        } catch (IOException e) {
            return "(not JSON)";
        }
    }

    /**
     * One operation's crash: its Cognigy (WireMock) and S3, its work folder, the request it drops and
     * the point at which the service is killed; then the service started again, and the run's result.
     */
    final class Crash implements AutoCloseable {

        final String runId;
        final Path work;
        final JarTestServers servers = new JarTestServers("crash-it");
        private String request;
        private Map<String, String> settings = Map.of();
        private Callable<Boolean> killPoint;
        private Future<JsonNode> result;

        Crash(String runId) {
            this.runId = runId;
            this.work = dir.resolve(runId);
        }

        WireMockServer cognigy() {
            return servers.cognigy;
        }

        Crash request(String text) {
            this.request = text;
            return this;
        }

        Crash settings(Map<String, String> values) {
            this.settings = values;
            return this;
        }

        Crash killWhen(Callable<Boolean> point) {
            this.killPoint = point;
            return this;
        }

        Crash begin(ExecutorService executor) {
            result = executor.submit(this::crashAndResume);
            return this;
        }

        /** The run's result after the restart (this crash's failure, if it failed). */
        JsonNode result() throws Exception {
            try {
                return result.get(KILL_POINT_WAIT.plus(RESUME_WAIT).toSeconds() + 60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError failed) {
                    throw failed;
                }
                throw e;
            }
        }

        /**
         * Starts the service, drops the request, kills the process with SIGKILL once the kill point
         * holds, starts it again on the same folders and data dir, and returns the run's result.
         */
        private JsonNode crashAndResume() throws Exception {
            Path resultFile = work.resolve("results").resolve(runId + ".json");
            AppProcess firstLife = AppProcess.in(work.resolve("first-life")).flags(FLAGS).env(env()).start();
            try {
                drop();
                await(runId + " at its kill point").atMost(KILL_POINT_WAIT)
                        .failFast("the first life ended by itself", () -> !firstLife.isAlive())
                        .until(killPoint);
                assertThat(firstLife.command()).as("SIGKILL goes to the JVM itself").endsWith("/java");
                assertThat(firstLife.kill()).as("ended by SIGKILL").isEqualTo(128 + 9);
            } catch (Throwable e) {
                throw new AssertionError(e.getMessage() + "\n" + runId + ", first life's stderr:\n" + tail(firstLife.stderr()), e);
            } finally {
                firstLife.close();
            }
            assertThat(resultFile).as("the run had not finished when it was killed").doesNotExist();
            assertThat(auditActions()).doesNotContain("RUN_FINISHED");

            try (AppProcess secondLife = AppProcess.in(work.resolve("second-life")).flags(FLAGS).env(env()).start()) {
                try {
                    // the result, and the dropped file read again at start: a duplicate of the run, moved on
                    await("the result of " + runId + " after the restart").atMost(RESUME_WAIT)
                            .failFast("the second life ended by itself", () -> !secondLife.isAlive())
                            .until(() -> Files.exists(resultFile) && Files.exists(work.resolve("inbox/.done/" + runId + ".json")));
                } catch (Throwable e) {
                    throw new AssertionError(e.getMessage() + "\n" + runId + ", second life's stderr:\n" + tail(secondLife.stderr()), e);
                }
            }
            return Json.MAPPER.readTree(resultFile.toFile());
        }

        /** The service's environment: this crash's servers and folders, this node, Kafka off. */
        private Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>(servers.env());
            env.put("COGNIGY_INBOX_DIR", work.resolve("inbox").toString());
            env.put("COGNIGY_RESULTS_DIR", work.resolve("results").toString());
            env.put("COGNIGY_AUDIT_FILE", work.resolve("audit/audit.jsonl").toString());
            env.put("COGNIGY_SPOOL_DIR", work.resolve("spool").toString());
            env.put("COGNIGY_DATA_DIR", work.resolve("data").toString());
            env.put("COGNIGY_CLUSTER_NODE_ID", NODE);
            env.put("COGNIGY_KAFKA_BROKERS", "");
            env.put("COGNIGY_POLL_MAX_DELAY_MS", "200");
            env.putAll(settings);
            return env;
        }

        /** Written beside the inbox under a name the service never reads, then renamed into it. */
        private void drop() throws IOException {
            Path inbox = Files.createDirectories(work.resolve("inbox"));
            Path part = inbox.resolve("." + runId + ".part");
            Files.writeString(part, request, StandardCharsets.UTF_8);
            Files.move(part, inbox.resolve(runId + ".json"), StandardCopyOption.ATOMIC_MOVE);
        }

        // ---- what a user checks afterwards ----

        /**
         * One result file in the results folder, the run's; its events: one RUN_STARTED, then one
         * RUN_RESUMED by a new life of this node from {@code checkpoint}, then one RUN_FINISHED, last,
         * with the result's status; and the dropped file, read again at the restart, refused as a
         * duplicate of the run.
         */
        void assertEndedOnceAfterResumingFrom(String checkpoint) throws IOException {
            try (var files = Files.list(work.resolve("results"))) {
                assertThat(files.map(f -> f.getFileName().toString())).containsExactly(runId + ".json");
            }
            List<String> actions = auditActions();
            assertThat(actions.stream().filter("RUN_STARTED"::equals)).as(actions.toString()).hasSize(1);
            assertThat(actions.stream().filter("RUN_RESUMED"::equals)).as(actions.toString()).hasSize(1);
            assertThat(actions.stream().filter("RUN_FINISHED"::equals)).as(actions.toString()).hasSize(1);
            assertThat(actions).startsWith("RUN_STARTED").endsWith("RUN_FINISHED").containsSubsequence("RUN_STARTED", "RUN_RESUMED");
            JsonNode resumed = event("RUN_RESUMED");
            assertThat(resumed.path("details").path("checkpoint").asText()).as(resumed.toString()).isEqualTo(checkpoint);
            assertThat(resumed.path("details").path("previousOwner").asText()).startsWith(NODE + "#");
            assertThat(resumed.path("details").path("instance").asText()).startsWith(NODE + "#")
                    .isNotEqualTo(resumed.path("details").path("previousOwner").asText());
            String status = Json.MAPPER.readTree(work.resolve("results/" + runId + ".json").toFile()).path("status").asText();
            assertThat(event("RUN_FINISHED").path("outcome").asText()).isEqualTo(status);
            assertThat(auditEvents()).filteredOn(e -> "DUPLICATE_REQUEST".equals(e.path("action").asText()))
                    .singleElement().satisfies(e -> assertThat(e.path("details").path("duplicateOf").asText()).isEqualTo(runId));
        }

        /**
         * No state-changing call received twice — the same method, URL and body — except those
         * {@code inFlightAtKill} names: each of them exactly twice, with one Idempotency-Key. Every
         * state-changing call carries a key of this run, and two different calls never share one.
         */
        void assertNoChangeReceivedTwice(Predicate<LoggedRequest> inFlightAtKill) {
            Map<String, List<LoggedRequest>> byCall = changes().stream().collect(Collectors.groupingBy(
                    call -> call.getMethod() + " " + call.getUrl() + " " + call.getBodyAsString(), LinkedHashMap::new,
                    Collectors.toList()));
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

        boolean audited(String action) throws IOException {
            return auditActions().contains(action);
        }

        List<String> auditActions() throws IOException {
            return auditEvents().stream().filter(e -> runId.equals(e.path("runId").asText()))
                    .map(e -> e.path("action").asText()).toList();
        }

        JsonNode event(String action) throws IOException {
            return auditEvents().stream()
                    .filter(e -> runId.equals(e.path("runId").asText()) && action.equals(e.path("action").asText()))
                    .findFirst().orElseThrow();
        }

        /** The audit file's complete lines (the service may be writing the last one). */
        List<JsonNode> auditEvents() throws IOException {
            Path file = work.resolve("audit/audit.jsonl");
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

        private static String tail(String text) {
            return text.length() <= 6000 ? text : "…" + text.substring(text.length() - 6000);
        }

        @Override
        public void close() {
            servers.close();
        }
    }
}
