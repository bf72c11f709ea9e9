package dev.cognigyops.cancel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.botdeploy.DeployStubs;
import dev.cognigyops.flowdeploy.FlowStubs;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.nlpretrain.RetrainStubs;
import dev.cognigyops.store.RunStore;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;
import dev.cognigyops.trainingmonitor.MonitorStubs;

/**
 * POST /api/runs/{runId}/cancel on the seeds profile, in the whole service: each operation cancelled
 * mid-run ends CANCELLED (CANCELLED_BY_USER) with one result and one RUN_FINISHED, and leaves Cognigy as
 * SPEC §8 says (asserted on WireMock's journal); an ended run is 409, an unknown one 404; a cancel
 * written to the run store by another instance is picked up by the run's owner.
 */
class CancelRunTest extends AppTestSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected boolean servesHttp() {
        return true;
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.runs.cancel-check-ms", "200");
        // the route behind the verb stays a route of its own (the REST DSL inlines it by default), to be called directly too
        p.setProperty("camel.rest.inline-routes", "false");
        p.setProperty("cognigy.deploy.max-first-wait-seconds", "1");
        p.setProperty("cognigy.deploy.status-reads-per-window", "600");
        // a monitor reads every 30 s: a cancel must not wait for the next read
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "60000");
        p.setProperty("cognigy.poll.training-monitor.deadline-seconds", "600");
        p.setProperty("cognigy.poll.training-monitor.max-attempts", "1000");
        p.setProperty("cognigy.poll.max-attempts", "1000");
        p.setProperty("cognigy.poll.deadline-seconds", "120");
        return p;
    }

    @Test
    void aBotDeployStillPollingRollsBackAndAFlowDeployRollsBackWhatItPushed() throws Exception {
        // bot-deploy: the deployment never completes; cancelled while it is polled
        var deploy = new DeployStubs(cognigy);
        deploy.happyPath();
        deploy.statuses(DeployStubs.DEPLOYMENT, List.of(DeployStubs.status(DeployStubs.DEPLOYMENT, "deploying")));
        // the rollback takes a second: the run is still running when the cancel is asked again
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(DeployStubs.rollbackPath(DeployStubs.DEPLOYMENT))
                .willReturn(okJson(Fixtures.json("botdeploy/rollback-started.json",
                        java.util.Map.of("deploymentId", DeployStubs.DEPLOYMENT))).withFixedDelay(1000)));
        var running = runInBackground(DeployStubs.request("deploy-cancelled", ""));
        await().atMost(seconds(20)).until(() -> reads(DeployStubs.statusPath(DeployStubs.DEPLOYMENT)) >= 1);

        HttpResponse<String> first = cancelOverHttp("deploy-cancelled", "");
        HttpResponse<String> again = cancelOverHttp("deploy-cancelled", "");
        JsonNode result = running.get(20, TimeUnit.SECONDS);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(Json.parse(first.body())).isEqualTo(Json.parse("{\"runId\":\"deploy-cancelled\",\"cancelRequested\":true}"));
        assertThat(again.statusCode()).as("a second cancel of a running run").isEqualTo(202);
        assertCancelled(result, "deploy-cancelled");
        assertThat(result.path("output").path("rollbackTriggered").asBoolean()).isTrue();
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(DeployStubs.rollbackPath(DeployStubs.DEPLOYMENT))));
        cognigy.verify(exactly(0), putRequestedFor(urlEqualTo(DeployStubs.ROUTING_PATH)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(DeployStubs.SYNC_PATH)));

        // an ended run: 409, over HTTP and through the route; an unknown one: 404
        HttpResponse<String> ended = cancelOverHttp("deploy-cancelled", "");
        assertThat(ended.statusCode()).isEqualTo(409);
        // the run as the API shows it: ended CANCELLED, its cancel recorded
        JsonNode shown = Json.parse(http.send(HttpRequest.newBuilder(URI.create(appUrl() + "/api/runs/deploy-cancelled")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(shown.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(shown.path("cancelRequested").asBoolean()).isTrue();
        assertThat(Json.parse(ended.body())).isEqualTo(Json.parse(
                "{\"error\":\"CONFLICT\",\"message\":\"run deploy-cancelled has ended: CANCELLED\"}"));
        assertThat(cancelThroughRoute("deploy-cancelled", null).getMessage().getHeader("CamelHttpResponseCode"))
                .isEqualTo(409);
        // a parameter the verb does not take (a misspelt cancelJob): 400 naming it, nothing recorded
        HttpResponse<String> misspelt = cancelOverHttp("no-such-run", "?cancelJobs=true");
        assertThat(misspelt.statusCode()).isEqualTo(400);
        assertThat(Json.parse(misspelt.body()).path("violations").get(0).asText()).startsWith("cancelJobs: is not a parameter here");
        HttpResponse<String> unknown = cancelOverHttp("no-such-run", "?cancelJob=true");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body())).isEqualTo(Json.parse("{\"error\":\"NOT_FOUND\",\"message\":\"no run no-such-run\"}"));
        assertThat(cancelOverHttp("deploy-cancelled", "?cancelJob=maybe").statusCode()).isEqualTo(400);

        // flow-deploy: flow_a pushed and verified, flow_b pushed and still deploying when cancelled
        cognigy.resetAll();
        stubToken("token-1", 3600);
        var flows = new FlowStubs(cognigy);
        flows.listing(List.of(dev.cognigyops.flowdeploy.Flows.flow("flow_a", "2.0.0"),
                dev.cognigyops.flowdeploy.Flows.flow("flow_b", "2.0.0", "flow:flow_a")), 100);
        flows.flowInTarget("flow_a", "1.0.0", "deployed", 201);
        flows.flowInTarget("flow_b", "1.0.0", "deploying", 201);
        var pushing = runInBackground(FlowStubs.request("flows-cancelled", ""));
        await().atMost(seconds(20)).until(() -> cognigy.findAll(getRequestedFor(urlPathEqualTo(FlowStubs.status("flow_b")))).size() >= 3);

        assertThat(cancelThroughRoute("flows-cancelled", null).getMessage().getHeader("CamelHttpResponseCode")).isEqualTo(202);
        Instant cancelledAt = Instant.now();
        JsonNode flowResult = pushing.get(20, TimeUnit.SECONDS);

        assertCancelled(flowResult, "flows-cancelled");
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_b"))));
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_a"))));
        assertThat(writesAfter(cancelledAt)).as("the only writes after the cancel: the rollbacks, newest first")
                .containsExactly("POST " + FlowStubs.rollback("flow_b"), "POST " + FlowStubs.rollback("flow_a"));
        assertThat(flowResult.path("output").path("rolledBack").toString()).contains("flow_a", "flow_b");
    }

    @Test
    void aMonitorStopsWatchingAndCancelsItsJobOnlyWhenAskedAndExportAndRetrainWriteNothingMore() throws Exception {
        var monitor = new MonitorStubs(cognigy);
        monitor.responses("job-slow", List.of(okJson(MonitorStubs.status("job-slow", "RUNNING", 40))));
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.delete(urlEqualTo(jobPath("job-slow")))
                .willReturn(okJson("{}")));

        // without cancelJob: the watch stops, the job is left alone — the monitor reads every 30 s, the cancel is not held
        var watching = runInBackground(monitorRequest("watch-stopped", "job-slow"));
        await().atMost(seconds(20)).until(() -> reads(MonitorStubs.statusPath("job-slow")) >= 1);
        long started = System.nanoTime();
        assertThat(cancelOverHttp("watch-stopped", "").statusCode()).isEqualTo(202);
        assertCancelled(watching.get(20, TimeUnit.SECONDS), "watch-stopped");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(reads(MonitorStubs.statusPath("job-slow"))).isEqualTo(1);
        cognigy.verify(exactly(0), deleteRequestedFor(urlEqualTo(jobPath("job-slow"))));

        // with cancelJob=true: the job is cancelled, once; a cancel written by another instance reaches the run
        var cancelling = runInBackground(monitorRequest("watch-and-cancel", "job-slow"));
        await().atMost(seconds(20)).until(() -> reads(MonitorStubs.statusPath("job-slow")) >= 2);
        RunStore store = new RunStore(context.getRegistry().lookupByNameAndType("runStoreDataSource", javax.sql.DataSource.class));
        assertThat(store.requestCancel("watch-and-cancel", true, "other-node#2", Instant.now()))
                .isInstanceOf(RunStore.CancelAnswer.Requested.class);
        assertCancelled(cancelling.get(20, TimeUnit.SECONDS), "watch-and-cancel", false);
        cognigy.verify(exactly(1), deleteRequestedFor(urlEqualTo(jobPath("job-slow"))));
        assertThat(storedRun("watch-and-cancel").status()).isEqualTo("CANCELLED");

        // nlu-export: cancelled while its export job runs: no download, nothing in S3, no write after the cancel
        var export = new ExportStubs(cognigy, 1024);
        export.trainedVersion();
        export.exportStart();
        cognigy.stubFor(get(ExportStubs.JOB_PATH).willReturn(okJson(Fixtures.json("nluexport/job-running.json"))));
        var exporting = runInBackground(ExportStubs.request("export-cancelled", ""));
        await().atMost(seconds(20)).until(() -> reads(ExportStubs.JOB_PATH) >= 2);
        Instant exportCancelledAt = Instant.now();
        assertThat(cancelOverHttp("export-cancelled", "").statusCode()).isEqualTo(202);
        assertCancelled(exporting.get(20, TimeUnit.SECONDS), "export-cancelled");
        assertThat(writesAfter(exportCancelledAt)).isEmpty();
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(ExportStubs.ARTIFACT_PATH)));
        assertThat(s3().client().listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();

        // nlp-retrain: cancelled while its training job runs: no metrics read, no rollback, no write after the cancel
        var retrain = new RetrainStubs(cognigy, cognigy);
        retrain.submitAccepted();
        retrain.rollbackAccepted();
        ObjectNode job = Fixtures.object("nlpretrain/training-job.json").put("status", "running");
        cognigy.stubFor(get(RetrainStubs.JOB_PATH).willReturn(okJson(Json.write(job))));
        var training = runInBackground(RetrainStubs.request("retrain-cancelled", ""));
        await().atMost(seconds(20)).until(() -> reads(RetrainStubs.JOB_PATH) >= 2);
        Instant retrainCancelledAt = Instant.now();
        assertThat(cancelOverHttp("retrain-cancelled", "").statusCode()).isEqualTo(202);
        assertCancelled(training.get(20, TimeUnit.SECONDS), "retrain-cancelled");
        assertThat(writesAfter(retrainCancelledAt)).isEmpty();
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(RetrainStubs.ROLLBACK_PATH)));
        cognigy.verify(exactly(0), getRequestedFor(urlPathEqualTo(RetrainStubs.METRICS_PATH)));
    }

    // ---- helpers

    static String jobPath(String jobId) {
        return "/api/v2/projects/" + MonitorStubs.PROJECT + "/ai/train/" + jobId;
    }

    /** A monitor of {@code jobId} that reads every 30 s. */
    static String monitorRequest(String requestId, String jobId) {
        ObjectNode request = Fixtures.object("trainingmonitor/request.json");
        request.put("requestId", requestId);
        ((ObjectNode) request.get("payload")).put("jobId", jobId).put("pollIntervalSeconds", 30);
        return Json.write(request);
    }

    /** The run, from another thread: the test cancels it meanwhile. */
    CompletableFuture<JsonNode> runInBackground(String request) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(request);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Over HTTP from loopback, without a token (none is configured: loopback is let in). */
    HttpResponse<String> cancelOverHttp(String runId, String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(appUrl() + "/api/runs/" + runId + "/cancel" + query))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    org.apache.camel.Exchange cancelThroughRoute(String runId, String cancelJob) {
        return template.send("direct:cancel-run", e -> {
            e.getMessage().setHeader("runId", runId);
            if (cancelJob != null) {
                e.getMessage().setHeader("cancelJob", cancelJob);
            }
        });
    }

    int reads(String path) {
        return cognigy.findAll(getRequestedFor(urlEqualTo(path))).size();
    }

    /** Every write (not a GET or HEAD) to Cognigy received after {@code at}, as "METHOD url", in order. */
    List<String> writesAfter(Instant at) {
        return cognigy.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> !r.getLoggedDate().before(Date.from(at)))
                .filter(r -> !List.of("GET", "HEAD").contains(r.getMethod().getName()))
                .filter(r -> !r.getUrl().startsWith("/oauth/token"))
                .sorted(java.util.Comparator.comparing(com.github.tomakehurst.wiremock.verification.LoggedRequest::getLoggedDate))
                .map(r -> r.getMethod().getName() + " " + r.getUrl())
                .toList();
    }

    RunStore.StoredRun storedRun(String runId) {
        return new RunStore(context.getRegistry().lookupByNameAndType("runStoreDataSource", javax.sql.DataSource.class))
                .find(runId).orElseThrow();
    }

    /** CANCELLED_BY_USER, one result, its trail: CANCEL_REQUESTED (which instance took it), one RUN_FINISHED CANCELLED. */
    void assertCancelled(JsonNode result, String runId) throws IOException {
        assertCancelled(result, runId, true);
    }

    /** As above; {@code askedHere}: the cancel was taken by this instance (else another audited it). */
    void assertCancelled(JsonNode result, String runId, boolean askedHere) throws IOException {
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("CANCELLED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("CANCELLED_BY_USER");
        assertThat(result.path("error").path("message").asText()).contains("cancelled through the runs API");
        assertThat(resultFile(runId)).isEqualTo(result);
        List<JsonNode> trail = auditEvents().stream().filter(e -> runId.equals(e.path("runId").asText())).toList();
        assertThat(trail.stream().filter(e -> e.path("action").asText().equals("RUN_FINISHED")))
                .singleElement().satisfies(e -> assertThat(e.path("outcome").asText()).isEqualTo("CANCELLED"));
        assertThat(trail.get(trail.size() - 1).path("action").asText()).isEqualTo("RUN_FINISHED");
        assertThat(trail.stream().filter(e -> e.path("action").asText().equals("CANCEL_REQUESTED"))).hasSize(askedHere ? 1 : 0);
        assertThat(trail.stream().filter(e -> e.path("action").asText().equals("CANCEL_REQUESTED")).limit(askedHere ? 1 : 0))
                .allSatisfy(e -> assertThat(e.path("details").path("instance").asText()).isNotBlank());
    }
}
