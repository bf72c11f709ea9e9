package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;



import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.cognigyops.flowdeploy.FlowStubs.ENV;
import static dev.cognigyops.flowdeploy.FlowStubs.IMPORT;
import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment saved between the second and the third flow push (phase PUSHING, flow_a and flow_b
 * imported and verified) goes on from the third flow: it neither reads the listing, nor the target's
 * versions, nor imports the first two again; and when a later push fails, the two restored flows are
 * rolled back with the rest, to the versions the saved state recorded.
 */
class FlowDeployResumeTest extends AppTestSupport {

    static final List<ObjectNode> FLOWS = List.of(flow("flow_a", "2.0.0"), flow("flow_b", "2.0.0", "flow:flow_a"),
            flow("flow_c", "2.0.0", "flow:flow_b"), flow("flow_d", "2.0.0", "flow:flow_c"));

    FlowStubs stubs;

    @Override
    protected void doPostSetup() {
        stubs = new FlowStubs(cognigy);
        // stubbed so that a read of it would answer: the resumed run must not read it
        stubs.listing(FLOWS, 100);
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.flow-deploy.first-delay-ms", "20");
        p.setProperty("cognigy.poll.flow-deploy.max-delay-ms", "50");
        return p;
    }

    /** The state a run had after flow_b was verified: the third push is next. */
    FlowDeployRun savedBetweenSecondAndThirdPush(String runId) {
        Map<String, JsonNode> selected = new LinkedHashMap<>();
        FLOWS.forEach(f -> selected.put(f.path("id").asText(), f));
        String key = "manifests/" + ENV + "/" + runId + ".json";
        ObjectNode page = Json.object();
        page.putArray("items").addAll(new ArrayList<>(FLOWS));
        page.put("total", FLOWS.size());
        FlowDeployRun run = FlowDeployRun.started(runId, ENV, null, false, System.currentTimeMillis(), key,
                        new Pager("flows", 100, 10)).withPage(page)
                .validated(selected, List.of("flow_a", "flow_b", "flow_c", "flow_d"), null).intentsListed(null).entitiesListed()
                .resolved(DependencyResolver.resolve(new ArrayList<>(selected.values()), selected.keySet(), Set.of(), Set.of(), ENV))
                .dependenciesChecked()
                .versionRead("1.4.0").versionRead("1.7.0").versionRead("1.1.0").versionRead("1.0.0")
                .previousRecorded(System.currentTimeMillis());
        run = run.manifestStored(new StoredObject(bucket, key, 100, "ab".repeat(32), 0)).pushing()
                .imported().verified().deployedOne().imported().verified().deployedOne();
        assertThat(run.phase()).isEqualTo(FlowDeployRun.Phase.PUSHING);
        assertThat(run.currentFlow()).isEqualTo("flow_c");
        return run;
    }

    JsonNode resume(String runId, FlowDeployRun saved) throws Exception {
        return runFrom(saved, FlowStubs.request(runId, ""));
    }

    void nothingBeforeTheThirdPushIsDoneAgain() {
        cognigy.verify(exactly(0), getRequestedFor(urlPathEqualTo(FlowStubs.FLOWS)));
        cognigy.verify(exactly(0), getRequestedFor(urlPathMatching("/api/v2/flows/flow_[ab]/status")));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_a"))));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_b"))));
    }

    @Test
    void aDeploymentSavedAfterTheSecondPushPushesOnlyTheThirdAndLaterFlows() throws Exception {
        stubs.flowInTarget("flow_c", "1.1.0", "deployed", 201);
        stubs.flowInTarget("flow_d", "1.0.0", "deployed", 201);

        JsonNode result = resume("resumed-ok", savedBetweenSecondAndThirdPush("resumed-ok"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_a\",\"flow_b\",\"flow_c\",\"flow_d\"]");
        nothingBeforeTheThirdPushIsDoneAgain();
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c"))));
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_d"))));
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + ENV + "/resumed-ok.json"));
        assertThat(manifest.path("outcome").asText()).isEqualTo("deployed");
        assertThat(FlowDeployTest.statuses(manifest)).containsExactly("flow_a=deployed", "flow_b=deployed", "flow_c=deployed",
                "flow_d=deployed");
        assertThat(manifest.path("flows").get(1).path("previousVersion").asText()).isEqualTo("1.7.0");
    }

    @Test
    void whenALaterPushFailsTheTwoRestoredFlowsAreRolledBackWithTheRest() throws Exception {
        stubs.flowInTarget("flow_a", "1.4.0", "deployed", 201);
        stubs.flowInTarget("flow_b", "1.7.0", "deployed", 201);
        stubs.flowInTarget("flow_c", "1.1.0", "deployed", 201);
        stubs.flowInTarget("flow_d", "1.0.0", "deployed", 422);

        JsonNode result = resume("resumed-fails", savedBetweenSecondAndThirdPush("resumed-fails"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(result.path("error").path("message").asText()).startsWith("flow flow_d failed: POST " + IMPORT + ": HTTP 422")
                .contains("rolled back: flow_c, flow_b, flow_a");
        nothingBeforeTheThirdPushIsDoneAgain();
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c"))));
        cognigy.verify(postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_a")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.4.0\",\"environmentId\":\"" + ENV + "\"}")));
        cognigy.verify(postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_b")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.7.0\",\"environmentId\":\"" + ENV + "\"}")));
        cognigy.verify(postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_c")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.1.0\",\"environmentId\":\"" + ENV + "\"}")));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_d"))));
        assertThat(result.path("output").path("rolledBack").toString()).isEqualTo("[\"flow_c\",\"flow_b\",\"flow_a\"]");
        JsonNode manifest = Json.parse(s3().getString(bucket, "manifests/" + ENV + "/resumed-fails.json"));
        assertThat(FlowDeployTest.statuses(manifest)).containsExactly("flow_a=rolled_back", "flow_b=rolled_back",
                "flow_c=rolled_back", "flow_d=failed");
        assertThat(s3().sseRequested(bucket, "manifests/" + ENV + "/resumed-fails.json")).isTrue();
    }

    @Test
    void aPushInFlightAtTheCrashIsNotSentAgainWhenTheTargetAlreadyHasTheFlowAtItsVersion() throws Exception {
        // flow_c's import reached the target before the crash, but the run had not recorded it
        stubs.flowInTarget("flow_c", "2.0.0", "deployed", 201);
        stubs.flowInTarget("flow_d", "1.0.0", "deployed", 201);

        JsonNode result = resume("resumed-in-flight", savedBetweenSecondAndThirdPush("resumed-in-flight"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        nothingBeforeTheThirdPushIsDoneAgain();
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c"))));
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_d"))));
        assertThat(auditActions("resumed-in-flight")).contains("FLOW_IMPORT_FOUND");
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_a\",\"flow_b\",\"flow_c\",\"flow_d\"]");
    }
}
