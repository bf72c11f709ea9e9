package dev.cognigyops.cancel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.store.RunStore;
import dev.cognigyops.store.StoreSetup;

/**
 * Cancels on profile cognigy-v2 (docs/contract.md §8, §9): a bot-deploy cancelled after its PATCH PATCHes the
 * endpoint back to what it served; a training-monitor cancelled with cancelJob=true cancels its task (POST
 * tasks/{id}/cancel) once; a run resumed at start with a cancel pending in the store ends CANCELLED before it
 * asks Cognigy anything.
 */
class CancelRunV2Test extends AppTestSupport {

    static final String NODE = "cancel-node";
    static final String PROJECT = "65f0aa000000000000000001";
    static final String ENDPOINT = "/new/v2.0/endpoints/ep-1";
    static final String SWITCH = "{\"entrypoint\":\"snap-new\",\"flowId\":\"flow-main\",\"localeId\":\"loc-en\"}";
    static final String BACK = "{\"entrypoint\":\"snap-old\",\"flowId\":\"flow-main\",\"localeId\":\"loc-en\"}";

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", "ak-Cancel-v2-test-key-0c41d2");
        p.setProperty("cognigy.cluster.node-id", NODE);
        p.setProperty("cognigy.runs.cancel-check-ms", "200");
        p.setProperty("cognigy.poll.max-attempts", "1000");
        p.setProperty("cognigy.poll.deadline-seconds", "120");
        return p;
    }

    /** Before the service starts: a task monitor an earlier life of this instance left, with a cancel asked meanwhile. */
    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        try (HikariDataSource ds = StoreSetup.open(new StoreSetup.Config("", "", "", workDir.resolve("data"), 2,
                Duration.ofSeconds(5)))) {
            RunStore store = new RunStore(ds);
            Instant crashedAt = Instant.now().minusSeconds(3);
            store.insert(new RunStore.NewRun("resumed-cancelled", "resumed-cancelled", "training-monitor", "kafka", "topic/0/9",
                    monitorRequest("resumed-cancelled", "t-resumed"), crashedAt.minusSeconds(10)), NODE, NODE + "#dead",
                    crashedAt, Duration.ofMinutes(10)).orElseThrow();
            store.requestCancel("resumed-cancelled", false, "other-node#1", crashedAt.plusSeconds(1));
        }
    }

    @Test
    void aBotDeployCancelledAfterItsPatchIsPatchedBackAndAMonitorCancelsItsTaskWhenAsked() throws Exception {
        // the run left with a cancel pending: resumed at start, it ends CANCELLED having asked Cognigy nothing
        await().atMost(seconds(20)).until(() -> Files.exists(workDir.resolve("results/resumed-cancelled.json")));
        JsonNode resumed = resultFile("resumed-cancelled");
        assertThat(resumed.path("status").asText()).as(resumed.toString()).isEqualTo("CANCELLED");
        assertThat(resumed.path("error").path("code").asText()).isEqualTo("CANCELLED_BY_USER");
        assertThat(resumed.path("error").path("message").asText()).contains("other-node#1");
        assertThat(auditActions("resumed-cancelled")).containsSubsequence("RUN_RESUMED", "RUN_FINISHED")
                .doesNotContain("RUN_STARTED");
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo("/new/v2.0/tasks/t-resumed")));

        // bot-deploy: the PATCH is in flight when the cancel comes; the read-back is not made, the endpoint is PATCHed back
        cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/snapshots")).withQueryParam("projectId", equalTo(PROJECT)).willReturn(json(
                "{\"items\":[{\"_id\":\"snap-old\",\"name\":\"v1\"},{\"_id\":\"snap-new\",\"name\":\"v2\"}],\"total\":2,"
                        + "\"nextCursor\":null,\"previousCursor\":null}")));
        cognigy.stubFor(get(urlPathEqualTo("/new/v2.0/snapshots/snap-new/resources")).withQueryParam("resourceType", equalTo("flow"))
                .willReturn(json("{\"items\":[{\"_id\":\"f1\",\"referenceId\":\"flow-main\"}],\"total\":1,"
                        + "\"nextCursor\":null,\"previousCursor\":null}")));
        cognigy.stubFor(get(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(endpoint("snap-old"))));
        cognigy.stubFor(patch(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(equalToJson(SWITCH)).willReturn(aResponse().withStatus(204).withFixedDelay(1500))
                .willSetStateTo("patched"));
        cognigy.stubFor(get(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs("patched")
                .willReturn(json(endpoint("snap-new"))));
        cognigy.stubFor(patch(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs("patched")
                .withRequestBody(equalToJson(BACK)).willReturn(aResponse().withStatus(204)).willSetStateTo("back"));
        var deploying = runInBackground("{\"operation\":\"bot-deploy\",\"requestId\":\"v2-deploy-cancelled\",\"payload\":"
                + "{\"projectId\":\"" + PROJECT + "\",\"endpointId\":\"ep-1\",\"snapshotId\":\"snap-new\"}}");
        await().atMost(seconds(20)).until(() -> !cognigy.findAll(patchRequestedFor(urlEqualTo(ENDPOINT))).isEmpty());
        assertThat(cancel("v2-deploy-cancelled", null)).isEqualTo(202);
        JsonNode deployed = deploying.get(20, TimeUnit.SECONDS);

        assertThat(deployed.path("status").asText()).as(deployed.toString()).isEqualTo("CANCELLED");
        assertThat(deployed.path("error").path("code").asText()).isEqualTo("CANCELLED_BY_USER");
        assertThat(deployed.path("output").path("rollbackTriggered").asBoolean()).isTrue();
        assertThat(cognigy.findAll(patchRequestedFor(urlEqualTo(ENDPOINT))).stream().map(LoggedRequest::getBodyAsString).toList())
                .as("the switch, then back to exactly what it served").hasSize(2)
                .satisfies(bodies -> assertThat(bodies.get(1)).contains("snap-old"));
        assertThat(auditActions("v2-deploy-cancelled")).containsSubsequence("CANCEL_REQUESTED", "ENDPOINT_ROLLBACK", "RUN_FINISHED");

        // training-monitor with cancelJob=true: the task is cancelled once, the watch stops
        cognigy.stubFor(get(urlEqualTo("/new/v2.0/tasks/t-long")).willReturn(json(
                "{\"_id\":\"t-long\",\"name\":\"trainFlow\",\"status\":\"active\",\"currentStep\":2,\"totalStep\":9,"
                        + "\"failReason\":null,\"lastFinishedAt\":null}")));
        cognigy.stubFor(post(urlEqualTo("/new/v2.0/tasks/t-long/cancel")).willReturn(json("{\"_id\":\"t-long\",\"status\":\"cancelling\"}")));
        var watching = runInBackground(monitorRequest("v2-watch-cancelled", "t-long"));
        await().atMost(seconds(20)).until(() -> cognigy.findAll(getRequestedFor(urlEqualTo("/new/v2.0/tasks/t-long"))).size() >= 2);
        assertThat(cancel("v2-watch-cancelled", "true")).isEqualTo(202);
        JsonNode watched = watching.get(20, TimeUnit.SECONDS);

        assertThat(watched.path("status").asText()).as(watched.toString()).isEqualTo("CANCELLED");
        assertThat(watched.path("error").path("code").asText()).isEqualTo("CANCELLED_BY_USER");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/new/v2.0/tasks/t-long/cancel")));
        assertThat(auditActions("v2-watch-cancelled").stream().filter("RUN_FINISHED"::equals)).hasSize(1);
    }

    static String monitorRequest(String requestId, String taskId) {
        return "{\"operation\":\"training-monitor\",\"requestId\":\"" + requestId + "\",\"payload\":{\"taskId\":\"" + taskId
                + "\",\"pollIntervalSeconds\":1}}";
    }

    static String endpoint(String entrypoint) {
        return "{\"_id\":\"ep-1\",\"referenceId\":\"9b1c\",\"name\":\"Webchat\",\"channel\":\"webchat3\",\"entrypoint\":\""
                + entrypoint + "\",\"flowId\":\"flow-main\",\"localeId\":\"loc-en\",\"active\":true}";
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    CompletableFuture<JsonNode> runInBackground(String request) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(request);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** Through the route behind the verb (this test serves no HTTP); its answer's status. */
    Object cancel(String runId, String cancelJob) {
        return template.send("direct:cancel-run", e -> {
            e.getMessage().setHeader("runId", runId);
            e.getMessage().setHeader("cancelJob", cancelJob);
        }).getMessage().getHeader("CamelHttpResponseCode");
    }
}
