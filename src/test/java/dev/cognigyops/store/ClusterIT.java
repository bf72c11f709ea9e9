package dev.cognigyops.store;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.JarTestServers;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppProcess;
import dev.cognigyops.testsupport.Fixtures;
import dev.cognigyops.testsupport.PostgresServer;

/**
 * Two instances of the built jar, as a user runs them, on one PostgreSQL started by the test: a run
 * whose instance is killed (SIGKILL) is resumed by the other once its lease has lapsed, with one
 * result; a requestId that runs on one is refused on the other.
 *
 * <p>Each start of the jar costs 6-8 s of CPU, so the tests that need nothing but a plain pair share one
 * ({@link OnePairOnOneStore}: node-a and node-b, one store, one WireMock and S3Proxy, both serving HTTP),
 * each with runIds, jobIds and file names of its own, and each looking at the audit lines of its own runIds;
 * the one that kills node-a runs last. The tests whose instances differ (Kafka, a restart, a shared
 * inbox) start their own ({@link EachWithInstancesOfItsOwn}).
 */
class ClusterIT {

    static final int LEASE_SECONDS = 6;
    static PostgresServer postgres;

    // the cluster the test at hand runs on: set by the nested class that starts it (ClusterIT.this is one
    // instance for all the tests of OnePairOnOneStore, a new one for each test of EachWithInstancesOfItsOwn)
    Path home;
    JarTestServers servers;
    String storeUrl;
    final List<AppProcess> instances = new ArrayList<>();

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A WireMock and an S3Proxy of the cluster's own, and an empty database; its folders under {@code home}. */
    void startServers(Path home) {
        this.home = home;
        servers = new JarTestServers("cluster-" + System.nanoTime());
        storeUrl = postgres.createDatabase();
    }

    void stopAll() throws Exception {
        for (AppProcess app : instances) {
            app.close();
        }
        instances.clear();
        if (servers != null) {
            servers.close();
        }
    }

    /** An instance named {@code node}: its own inbox, audit file and working folder; the results folder and the store shared. */
    AppProcess instance(String node) throws IOException {
        return instance(node, Map.of());
    }

    AppProcess instance(String node, Map<String, String> more) throws IOException {
        return instance(node, more, false);
    }

    AppProcess instance(String node, Map<String, String> more, boolean serving) throws IOException {
        Map<String, String> env = servers.env();
        env.put("COGNIGY_CLUSTER_NODE_ID", node);
        env.put("COGNIGY_CLUSTER_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
        env.put("COGNIGY_CLUSTER_HEARTBEAT_MS", "1000");
        env.put("COGNIGY_CLUSTER_CLAIM_INTERVAL_MS", "1000");
        env.put("COGNIGY_STORE_URL", storeUrl);
        env.put("COGNIGY_STORE_USER", postgres.user());
        env.put("COGNIGY_STORE_PASSWORD", postgres.password());
        env.put("COGNIGY_STORE_READS_CHECKPOINT_SECONDS", "0");
        env.put("COGNIGY_INBOX_DIR", inbox(node).toString());
        env.put("COGNIGY_RESULTS_DIR", home.resolve("results").toString());
        env.put("COGNIGY_AUDIT_FILE", audit(node).toString());
        env.put("COGNIGY_KAFKA_BROKERS", "");
        env.putAll(more);
        AppProcess app = AppProcess.in(home.resolve("work-" + node)).env(env);
        if (serving) {
            app.serving();
        }
        app.start();
        instances.add(app);
        return app;
    }

    /** {@code java -jar cognigy-ops.jar run FILE} on the cluster's store, in a working folder of its own. */
    AppProcess commandLine(String name, String request) throws IOException {
        Path work = home.resolve("cli-" + name);
        Files.createDirectories(work);
        Files.writeString(work.resolve("request.json"), request);
        Map<String, String> env = servers.env();
        env.put("COGNIGY_STORE_URL", storeUrl);
        env.put("COGNIGY_STORE_USER", postgres.user());
        env.put("COGNIGY_STORE_PASSWORD", postgres.password());
        env.put("COGNIGY_KAFKA_BROKERS", "");
        AppProcess app = AppProcess.in(work).env(env).start("run", "request.json");
        instances.add(app);
        return app;
    }

    Path inbox(String node) {
        return home.resolve("inbox-" + node);
    }

    Path audit(String node) {
        return home.resolve("audit-" + node + "/audit.jsonl");
    }

    static void drop(Path inbox, String name, String request) throws IOException {
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("." + name), request);
        Files.move(inbox.resolve("." + name), inbox.resolve(name));
    }

    static String monitorRequest(String requestId, String jobId) {
        ObjectNode request = Fixtures.object("trainingmonitor/request.json");
        request.put("requestId", requestId);
        ((ObjectNode) request.get("payload")).put("jobId", jobId)
                .putObject("policy").put("maxStagnationSeconds", 3600);
        return Json.write(request);
    }

    void jobIs(String jobId, String state) {
        ObjectNode status = Fixtures.object("trainingmonitor/job-status.json");
        status.put("job_id", jobId).put("state", state);
        if (!state.equals("RUNNING")) {
            status.put("completed_at", "2026-11-21T07:00:00Z");
        }
        servers.cognigy.stubFor(get(urlEqualTo("/api/v2/projects/proj-7/ai/train/" + jobId + "/status"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(Json.write(status))));
    }

    int reads(String jobId) {
        return servers.cognigy.findAll(getRequestedFor(urlEqualTo("/api/v2/projects/proj-7/ai/train/" + jobId + "/status"))).size();
    }

    static List<JsonNode> events(Path auditFile, String runId) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        if (Files.exists(auditFile)) {
            for (String line : Files.readAllLines(auditFile)) {
                JsonNode e = Json.parse(line);
                if (runId.equals(e.path("runId").asText())) {
                    events.add(e);
                }
            }
        }
        return events;
    }

    /** Waits until {@code app} (serving) answers its readiness probe: up, and reaching the store and S3. */
    static void awaitReady(AppProcess app, String node) {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/observe/health/ready")).build();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .failFast(() -> !app.isAlive())
                    .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(node + (app.isAlive() ? " is not ready after 90 s" : " ended while starting")
                    + "; its stderr:\n" + app.stderr(), e);
        }
    }

    static void stillRuns(AppProcess app, String node) {
        assertThat(app.isAlive()).as(() -> node + ", shared by the tests of this class, has ended (did a test before"
                + " this one fail?); its stderr:\n" + app.stderr()).isTrue();
    }

    static long count(List<JsonNode> events, String action) {
        return events.stream().filter(e -> action.equals(e.path("action").asText())).count();
    }

    /**
     * One pair for the tests below, started once: node-a and node-b on one store and one WireMock and S3Proxy,
     * each with its own inbox and audit file, both serving HTTP on ports of their own. The tests share the
     * results folder and the WireMock journal, so each has runIds, jobIds and inbox file names of its own and
     * looks only at those; the stubs one adds answer paths no other one reads.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OnePairOnOneStore {

        AppProcess a;
        AppProcess b;

        @BeforeAll
        void startThePair(@TempDir Path home) throws Exception {
            startServers(home);
            // each on its own port (CAMEL_SERVER_PORT), no token configured: the API answers loopback callers
            a = instance("node-a", Map.of(), true);
            b = instance("node-b", Map.of(), true);
            awaitReady(a, "node-a");
            awaitReady(b, "node-b");
        }

        @AfterAll
        void stopThePair() throws Exception {
            stopAll();
        }

        /** A test that failed may have left the pair broken: the tests after it say so rather than time out. */
        @BeforeEach
        void thePairStillRuns() {
            stillRuns(a, "node-a");
            stillRuns(b, "node-b");
        }

        @Test
        @Order(1)
        void aRequestIdThatRunsOnOneInstanceIsRefusedOnTheOther() throws Exception {
            jobIs("job-once", "RUNNING");
            drop(inbox("node-a"), "first.json", monitorRequest("only-once", "job-once"));
            await().atMost(Duration.ofSeconds(90)).until(() -> reads("job-once") >= 1);

            drop(inbox("node-b"), "again.json", monitorRequest("only-once", "job-once"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(inbox("node-b").resolve(".done/again.json")));
            // and from a pipeline's command line on the same store, while node-a runs it: refused, naming the holder
            AppProcess whileRunning = commandLine("while-running", monitorRequest("only-once", "job-once"));
            assertThat(whileRunning.waitFor(Duration.ofSeconds(90))).as(whileRunning.stderr()).isEqualTo(2);
            assertThat(whileRunning.stderr()).containsPattern("runs already: run only-once is held by node-a#\\S+ until \\S+; not started again");
            jobIs("job-once", "COMPLETED");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(home.resolve("results/only-once.json")));
            // once it has finished, the command line answers with its stored result
            AppProcess afterwards = commandLine("afterwards", monitorRequest("only-once", "job-once"));
            assertThat(afterwards.waitFor(Duration.ofSeconds(90))).as(afterwards.stderr()).isZero();
            assertThat(Json.parse(afterwards.stdout())).isEqualTo(Json.MAPPER.readTree(home.resolve("results/only-once.json").toFile()));

            assertThat(count(events(audit("node-b"), "only-once"), "RUN_STARTED")).isZero();
            assertThat(Files.readAllLines(audit("node-b"))).anySatisfy(line -> assertThat(line)
                    .contains("\"DUPLICATE_REQUEST\"").contains("\"duplicateOf\":\"only-once\""));
            List<JsonNode> onA = events(audit("node-a"), "only-once");
            assertThat(count(onA, "RUN_STARTED")).isEqualTo(1);
            assertThat(count(onA, "RUN_FINISHED")).isEqualTo(1);
        }

        @Test
        @Order(2)
        void anyInstanceShowsARunAndACancelTakenByOneStopsItOnTheOther() throws Exception {
            jobIs("job-api", "RUNNING");
            servers.cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(
                    urlEqualTo("/api/v2/projects/proj-7/ai/train/job-api")).willReturn(aResponse().withStatus(204)));
            drop(inbox("node-a"), "watched.json", monitorRequest("cancel-across", "job-api"));
            await().atMost(Duration.ofSeconds(90)).until(() -> reads("job-api") >= 2);

            // node-b shows node-a's run, from the store they share
            var http = java.net.http.HttpClient.newHttpClient();
            JsonNode onB = Json.parse(http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + b.port() + "/api/runs/cancel-across")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            assertThat(onB.path("status").asText()).isEqualTo("RUNNING");
            assertThat(onB.path("owner").asText()).startsWith("node-a#");
            assertThat(onB.path("progress").path("reads").asInt()).isPositive();

            // a cancel taken by node-b reaches the run on node-a through the store: it stops, and its job is cancelled
            var cancel = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + b.port()
                            + "/api/runs/cancel-across/cancel?cancelJob=true")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
            Path result = home.resolve("results/cancel-across.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));
            JsonNode ended = Json.MAPPER.readTree(result.toFile());
            assertThat(ended.path("status").asText()).isEqualTo("CANCELLED");
            assertThat(ended.path("error").path("code").asText()).isEqualTo("CANCELLED_BY_USER");
            assertThat(servers.cognigy.findAll(com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor(
                    urlEqualTo("/api/v2/projects/proj-7/ai/train/job-api")))).hasSize(1);
            List<JsonNode> onA = events(audit("node-a"), "cancel-across");
            assertThat(count(onA, "RUN_FINISHED")).isEqualTo(1);
            assertThat(count(events(audit("node-b"), "cancel-across"), "CANCEL_REQUESTED")).as("audited where it was taken").isEqualTo(1);
            // and node-a's API shows the same run ended, with node-b's event in its trail
            // (each instance writes its events to the store from a thread of its own, within a second)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode trail = Json.parse(http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + a.port() + "/api/runs/cancel-across/events")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body());
                List<String> actions = new ArrayList<>();
                trail.path("events").forEach(e -> actions.add(e.path("action").asText()));
                assertThat(actions).contains("RUN_STARTED", "CANCEL_REQUESTED", "RUN_FINISHED");
            });
        }

        @Test
        @Order(3)
        void twoFlowDeploysToOneEnvironmentOnTwoInstancesDeployOnceAndRefuseTheOtherAsConflict() throws Exception {
            var flows = new dev.cognigyops.flowdeploy.FlowStubs(servers.cognigy);
            flows.listing(List.of(dev.cognigyops.flowdeploy.Flows.flow("flow_a", "2.0.0")), 100);
            flows.flowInTarget("flow_a", "1.0.0", "deployed", 201);
            // the listing takes a while: the first deployment holds the environment meanwhile
            servers.cognigy.stubFor(get(com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(
                            dev.cognigyops.flowdeploy.FlowStubs.FLOWS)).atPriority(1)
                    .willReturn(aResponse().withHeader("Content-Type", "application/json").withFixedDelay(8000)
                            .withBody(Json.write(listingOf("flow_a", "2.0.0")))));

            drop(inbox("node-a"), "deploy-first.json", dev.cognigyops.flowdeploy.FlowStubs.request("deploy-first", ""));
            await().atMost(Duration.ofSeconds(90)).until(() -> !servers.cognigy.findAll(getRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(dev.cognigyops.flowdeploy.FlowStubs.FLOWS))).isEmpty());
            drop(inbox("node-b"), "deploy-second.json", dev.cognigyops.flowdeploy.FlowStubs.request("deploy-second", ""));

            Path second = home.resolve("results/deploy-second.json");
            Path first = home.resolve("results/deploy-first.json");
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(second) && Files.exists(first));
            JsonNode refused = Json.MAPPER.readTree(second.toFile());
            assertThat(refused.path("status").asText()).as(refused.toString()).isEqualTo("FAILED");
            assertThat(refused.path("error").path("code").asText()).isEqualTo("CONFLICT");
            assertThat(refused.path("error").path("message").asText()).contains("deploy-first");
            assertThat(Json.MAPPER.readTree(first.toFile()).path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(servers.cognigy.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                    urlEqualTo(dev.cognigyops.flowdeploy.FlowStubs.IMPORT)))).hasSize(1);
        }

        // last: it kills node-a
        @Test
        @Order(4)
        void aRunWhoseInstanceIsKilledIsResumedByTheOtherOnceItsLeaseHasLapsed() throws Exception {
            jobIs("job-cluster", "RUNNING");
            drop(inbox("node-a"), "watch.json", monitorRequest("watch-in-cluster", "job-cluster"));

            await().atMost(Duration.ofSeconds(90)).until(() -> reads("job-cluster") >= 3);
            a.kill();
            int readsAtKill = reads("job-cluster");

            // node-b takes the run over once node-a's lease has lapsed, and goes on reading the same job
            await().atMost(Duration.ofSeconds(LEASE_SECONDS + 30)).until(() -> reads("job-cluster") > readsAtKill);
            jobIs("job-cluster", "COMPLETED");
            Path result = home.resolve("results/watch-in-cluster.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));

            assertThat(Json.MAPPER.readTree(result.toFile()).path("status").asText()).isEqualTo("SUCCEEDED");
            List<JsonNode> onA = events(audit("node-a"), "watch-in-cluster");
            List<JsonNode> onB = events(audit("node-b"), "watch-in-cluster");
            assertThat(count(onA, "RUN_STARTED")).isEqualTo(1);
            assertThat(count(onA, "RUN_FINISHED") + count(onB, "RUN_FINISHED")).isEqualTo(1);
            assertThat(count(onB, "RUN_FINISHED")).isEqualTo(1);
            JsonNode resumed = onB.stream().filter(e -> "RUN_RESUMED".equals(e.path("action").asText())).findFirst().orElseThrow();
            assertThat(resumed.path("details").path("previousOwner").asText()).startsWith("node-a#");
            assertThat(resumed.path("details").path("instance").asText()).startsWith("node-b#");
            assertThat(resumed.path("details").path("checkpoint").asText()).isEqualTo("WATCHING");
        }
    }

    /** Tests whose instances differ from the pair's: each starts its own, on servers and a database of its own. */
    @Nested
    class EachWithInstancesOfItsOwn {

        @BeforeEach
        void startTheirServers(@TempDir Path home) {
            startServers(home);
        }

        @AfterEach
        void stopTheirInstances() throws Exception {
            stopAll();
        }

        @Test
        void aKafkaRequestRunsOnceWhicheverInstanceOfTheGroupTakesIt() throws Exception {
            jobIs("job-kafka", "COMPLETED");
            try (var kafka = dev.cognigyops.testsupport.EmbeddedKafka.start()) {
                kafka.createTopics("cluster.requests", "cluster.results", "cluster.audit", "cluster.dlt");
                Map<String, String> sameGroup = Map.of(
                        "COGNIGY_KAFKA_BROKERS", kafka.bootstrapServers(),
                        "COGNIGY_KAFKA_GROUP_ID", "cluster-group",
                        "COGNIGY_KAFKA_REQUESTS_TOPIC", "cluster.requests",
                        "COGNIGY_KAFKA_RESULTS_TOPIC", "cluster.results",
                        "COGNIGY_KAFKA_AUDIT_TOPIC", "cluster.audit",
                        "COGNIGY_KAFKA_DEAD_LETTER_TOPIC", "cluster.dlt",
                        "COGNIGY_KAFKA_POLL_TIMEOUT_MS", "500");
                instance("node-a", sameGroup);
                instance("node-b", sameGroup);
                kafka.send("cluster.requests", "once", monitorRequest("from-the-topic", "job-kafka"));

                await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(home.resolve("results/from-the-topic.json")));
                // asks for two: a second run, were there one, gets 10 s to publish its result too
                List<String> results = kafka.readValues("cluster.results", 2, Duration.ofSeconds(10));

                List<JsonNode> onA = events(audit("node-a"), "from-the-topic");
                List<JsonNode> onB = events(audit("node-b"), "from-the-topic");
                assertThat(count(onA, "RUN_STARTED") + count(onB, "RUN_STARTED")).isEqualTo(1);
                assertThat(count(onA, "RUN_FINISHED") + count(onB, "RUN_FINISHED")).isEqualTo(1);
                assertThat(results).hasSize(1);
                assertThat(Json.parse(results.get(0)).path("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(Json.parse(results.get(0)).path("trigger").asText()).isEqualTo("kafka");
            }
        }

        @Test
        void anInstanceStoppedWithSigtermLeavesItsRunCheckpointedAndItGoesOnWhenTheInstanceIsBack() throws Exception {
            jobIs("job-term", "RUNNING");
            AppProcess first = instance("node-t", Map.of("CAMEL_MAIN_SHUTDOWNTIMEOUT", "5"));
            drop(inbox("node-t"), "term.json", monitorRequest("through-a-restart", "job-term"));
            await().atMost(Duration.ofSeconds(90)).until(() -> reads("job-term") >= 2);

            first.close(); // SIGTERM: no new run is taken; the run in progress is left, checkpointed
            assertThat(first.isAlive()).isFalse();
            assertThat(Files.exists(home.resolve("results/through-a-restart.json"))).isFalse();
            int readsAtStop = reads("job-term");

            jobIs("job-term", "COMPLETED");
            instance("node-t");
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(home.resolve("results/through-a-restart.json")));
            assertThat(reads("job-term")).isGreaterThan(readsAtStop);
            List<JsonNode> events = events(audit("node-t"), "through-a-restart");
            assertThat(count(events, "RUN_STARTED")).isEqualTo(1);
            assertThat(count(events, "RUN_RESUMED")).isEqualTo(1);
            assertThat(count(events, "RUN_FINISHED")).isEqualTo(1);
            assertThat(Json.MAPPER.readTree(home.resolve("results/through-a-restart.json").toFile()).path("status").asText())
                    .isEqualTo("SUCCEEDED");
        }

        @Test
        void filesDroppedIntoAnInboxBothInstancesWatchRunOnceEach() throws Exception {
            jobIs("job-shared", "COMPLETED");
            Path shared = home.resolve("shared-inbox");
            Map<String, String> sameInbox = Map.of("COGNIGY_INBOX_DIR", shared.toString());
            instance("node-a", sameInbox);
            instance("node-b", sameInbox);
            // bare payloads: no requestId, so nothing but the inbox's claims keeps a file from running twice
            int files = 8;
            for (int i = 0; i < files; i++) {
                ObjectNode payload = (ObjectNode) Fixtures.object("trainingmonitor/request.json").get("payload");
                payload.put("jobId", "job-shared").putObject("policy").put("maxStagnationSeconds", 3600);
                drop(shared.resolve("training-monitor"), "m" + i + ".json", Json.write(payload));
            }

            Path done = shared.resolve(".done/training-monitor");
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(done) && Files.list(done).count() == files);
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.list(home.resolve("results")).count() == files);

            long started = 0;
            for (String node : List.of("node-a", "node-b")) {
                if (Files.exists(audit(node))) {
                    started += Files.readAllLines(audit(node)).stream().filter(l -> l.contains("\"RUN_STARTED\"")).count();
                }
            }
            assertThat(started).as("one run per dropped file across both instances").isEqualTo(files);
            assertThat(Files.list(home.resolve("results")).count()).isEqualTo(files);
        }
    }

    static ObjectNode listingOf(String id, String version) {
        ObjectNode page = Json.object();
        page.putArray("items").add(dev.cognigyops.flowdeploy.Flows.flow(id, version));
        page.put("total", 1).put("limit", 100).put("offset", 0);
        return page;
    }
}
