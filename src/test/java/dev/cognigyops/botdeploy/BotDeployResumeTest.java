package dev.cognigyops.botdeploy;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;



import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.cognigyops.botdeploy.DeployStubs.BLUE;
import static dev.cognigyops.botdeploy.DeployStubs.BOT;
import static dev.cognigyops.botdeploy.DeployStubs.DEPLOYMENT;
import static dev.cognigyops.botdeploy.DeployStubs.GREEN;
import static dev.cognigyops.botdeploy.DeployStubs.MODEL;
import static dev.cognigyops.botdeploy.DeployStubs.MODEL_PATH;
import static dev.cognigyops.botdeploy.DeployStubs.ROUTING_PATH;
import static dev.cognigyops.botdeploy.DeployStubs.SYNC_PATH;
import static dev.cognigyops.botdeploy.DeployStubs.deploymentsPath;
import static dev.cognigyops.botdeploy.DeployStubs.flowPath;
import static dev.cognigyops.botdeploy.DeployStubs.rollbackPath;
import static dev.cognigyops.botdeploy.DeployStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run entered with a saved state goes on from its phase (a resumed bot-deploy polls the
 * deployment it created"): from "deployment created, polling" it checks no model, reads no flow
 * versions and creates no deployment, but polls the deployment it has, switches traffic and syncs.
 * The loops resume at their place: a run saved after its first flow asks only about the second.
 */
class BotDeployResumeTest extends AppTestSupport {

    static final BotDeployRun.Request REQUEST = new BotDeployRun.Request("resumed", BOT, GREEN, MODEL, BLUE, GREEN,
            List.of(new FlowReferences.Ref("flow-order", "v2.0.3"), new FlowReferences.Ref("flow-refund", "v1.5.0")),
            List.of(), List.of("eu-west-1", "us-east-1"));

    DeployStubs stubs;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.bot-deploy.first-delay-ms", "50");
        p.setProperty("cognigy.poll.bot-deploy.max-delay-ms", "100");
        p.setProperty("cognigy.deploy.max-first-wait-seconds", "1");
        return p;
    }

    @Override
    protected void doPostSetup() {
        stubs = new DeployStubs(cognigy);
        stubs.happyPath();
        stubs.syncJob("eu-west-1", "sync-eu");
        stubs.syncJob("us-east-1", "sync-us");
    }

    JsonNode resume(String runId, BotDeployRun saved) throws Exception {
        return runFrom(saved, DeployStubs.request(runId, ",\"syncRegions\":[\"eu-west-1\",\"us-east-1\"]"));
    }

    @Test
    void aRunSavedWhileItsDeploymentWasPolledPollsThatDeploymentAndFinishes() throws Exception {
        BotDeployRun saved = BotDeployRun.start(REQUEST, System.currentTimeMillis())
                .at(BotDeployRun.Phase.MODEL_CHECKED).withFlowChecked(List.of("v2.0.3")).withFlowChecked(List.of("v1.5.0"))
                .at(BotDeployRun.Phase.FLOWS_CHECKED).withValidated(System.currentTimeMillis())
                .withDeployment(DEPLOYMENT, statusPath(DEPLOYMENT), null, System.currentTimeMillis(), "queued");

        JsonNode result = resume("resumed-polling", saved);

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deploymentId").asText()).isEqualTo(DEPLOYMENT);
        assertThat(result.path("output").path("syncJobIds"))
                .isEqualTo(Json.parse("{\"eu-west-1\":\"sync-eu\",\"us-east-1\":\"sync-us\"}"));
        // nothing done before the deployment was created is done again
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(MODEL_PATH)));
        cognigy.verify(exactly(0), getRequestedFor(urlPathMatching("/v1/bots/.*/flows/.*/versions")));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(deploymentsPath(BOT))));
        cognigy.verify(exactly(0), new RequestPatternBuilder(RequestMethod.HEAD, anyUrl()));
        // the deployment it has is polled to the end, then switched and synced
        assertThat(cognigy.findAll(getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))))).hasSize(4);
        cognigy.verify(exactly(1), putRequestedFor(urlEqualTo(ROUTING_PATH)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(SYNC_PATH)).withRequestBody(matchingJsonPath("$.targetRegion", equalTo("eu-west-1"))));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(SYNC_PATH)).withRequestBody(matchingJsonPath("$.targetRegion", equalTo("us-east-1"))));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(rollbackPath(DEPLOYMENT))));
        assertThat(auditActions("resumed-polling")).doesNotContain("NLU_MODEL_CHECKED", "FLOW_VERSIONS_CHECKED", "DEPLOYMENT_CREATED")
                .containsSubsequence("RUN_STARTED", "DEPLOYMENT_STATUS", "ROUTING_SWITCHED", "SYNC_JOB_STARTED",
                        "SYNC_JOB_STARTED", "DEPLOYMENT_COMPLETED", "RUN_FINISHED");
    }

    @Test
    void aRunSavedAfterItsFirstFlowAsksOnlyAboutTheSecond() throws Exception {
        BotDeployRun saved = BotDeployRun.start(REQUEST, System.currentTimeMillis())
                .at(BotDeployRun.Phase.MODEL_CHECKED).withFlowChecked(List.of("v2.0.2", "v2.0.3"));

        JsonNode result = resume("resumed-flows", saved);

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(MODEL_PATH)));
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(flowPath(BOT, "flow-order"))));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(flowPath(BOT, "flow-refund"))));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(deploymentsPath(BOT))));
    }

    @Test
    void aRunSavedAfterItsFirstRegionSyncsOnlyTheSecond() throws Exception {
        BotDeployRun saved = BotDeployRun.start(REQUEST, System.currentTimeMillis())
                .withDeployment(DEPLOYMENT, null, null, System.currentTimeMillis(), "queued")
                .withStatus(BotDeployRun.Phase.DEPLOYMENT_FINISHED, "completed")
                .withRouting(Map.of("strategy", "blue_green")).withSync("sync-eu-before", null);

        JsonNode result = resume("resumed-sync", saved);

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("syncJobIds"))
                .isEqualTo(Json.parse("{\"eu-west-1\":\"sync-eu-before\",\"us-east-1\":\"sync-us\"}"));
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))));
        cognigy.verify(exactly(0), putRequestedFor(urlEqualTo(ROUTING_PATH)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(SYNC_PATH)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(SYNC_PATH)).withRequestBody(matchingJsonPath("$.targetRegion", equalTo("us-east-1"))));
    }
}
