package dev.cognigyops.botdeploy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * Cognigy's side of a bot-deploy, as WireMock stubs: bot {@value #BOT} with flows flow-order
 * (v2.0.3) and flow-refund (v1.5.0), NLU model {@value #MODEL}, blue-green environments
 * {@value #BLUE} / {@value #GREEN}, deployment {@value #DEPLOYMENT}.
 */
public final class DeployStubs {

    public static final String BOT = "bot-customer-service";
    public static final String MODEL = "nlu-intent-classifier-v4";
    public static final String BLUE = "env-prod-blue";
    public static final String GREEN = "env-prod-green";
    public static final String DEPLOYMENT = "dep-1";
    public static final String MODEL_PATH = "/v1/nlu/models/" + MODEL;
    public static final String ROUTING_PATH = "/v1/environments/routing";
    public static final String SYNC_PATH = "/v1/sync/jobs";
    /** The region the tests' setting cognigy.deploy.sync-regions names. */
    public static final String SETTING_REGION = "eu-central-1";

    private final WireMockServer cognigy;

    public DeployStubs(WireMockServer cognigy) {
        this.cognigy = cognigy;
    }

    public static String flowPath(String bot, String flowId) {
        return "/v1/bots/" + bot + "/flows/" + flowId + "/versions";
    }

    public static String deploymentsPath(String bot) {
        return "/v1/bots/" + bot + "/deployments";
    }

    public static String statusPath(String deploymentId) {
        return "/v1/deployments/" + deploymentId + "/status";
    }

    public static String rollbackPath(String deploymentId) {
        return "/v1/deployments/" + deploymentId + "/rollback";
    }

    /** A run request deploying {@value #BOT} to green (fixture botdeploy/request.json); {@code extraPayload} starts with a comma. */
    public static String request(String requestId, String extraPayload) {
        return request(requestId, BOT, extraPayload);
    }

    public static String request(String requestId, String bot, String extraPayload) {
        ObjectNode request = Fixtures.object("botdeploy/request.json");
        ((ObjectNode) request.get("payload")).put("botId", bot);
        return Fixtures.runRequest(request, requestId, extraPayload);
    }

    public void publishedModel() {
        cognigy.stubFor(get(MODEL_PATH).willReturn(okJson(Fixtures.json("botdeploy/model-published.json"))));
    }

    public void flows(String bot) {
        cognigy.stubFor(get(flowPath(bot, "flow-order")).willReturn(okJson(Fixtures.json("botdeploy/flow-order-versions.json"))));
        cognigy.stubFor(get(flowPath(bot, "flow-refund")).willReturn(okJson(Fixtures.json("botdeploy/flow-refund-versions.json"))));
    }

    /** 202 with the deployment id, Location and an estimate of {@code estimatedSeconds} (none when null). */
    public void deploymentCreated(String bot, String deploymentId, Integer estimatedSeconds) {
        ObjectNode created = Fixtures.object("botdeploy/deployment-created.json", Map.of("deploymentId", deploymentId));
        if (estimatedSeconds != null) {
            created.put("estimatedCompletionSeconds", estimatedSeconds);
        }
        cognigy.stubFor(post(deploymentsPath(bot)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withHeader("Location", statusPath(deploymentId))
                .withBody(Json.write(created))));
    }

    /** Successive status reads answer these, the last one from then on. */
    public void statuses(String deploymentId, List<ResponseDefinitionBuilder> answers) {
        String scenario = "status-" + deploymentId;
        for (int i = 0; i < answers.size(); i++) {
            ScenarioMappingBuilder read = get(urlEqualTo(statusPath(deploymentId))).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "read-" + i).willReturn(answers.get(i));
            if (i < answers.size() - 1) {
                read = read.willSetStateTo("read-" + (i + 1));
            }
            cognigy.stubFor(read);
        }
    }

    public static ResponseDefinitionBuilder status(String deploymentId, String status) {
        return okJson(Fixtures.json("botdeploy/deployment-status.json", Map.of("deploymentId", deploymentId, "status", status)));
    }

    public static ResponseDefinitionBuilder failed(String deploymentId, String status, String errorMessage) {
        return okJson(Fixtures.json("botdeploy/deployment-failed.json",
                Map.of("deploymentId", deploymentId, "status", status, "errorMessage", errorMessage)));
    }

    public void rollback(String deploymentId) {
        cognigy.stubFor(post(rollbackPath(deploymentId)).willReturn(okJson(Fixtures.json("botdeploy/rollback-started.json",
                Map.of("deploymentId", deploymentId)))));
    }

    public void routing() {
        cognigy.stubFor(put(ROUTING_PATH).willReturn(okJson(Fixtures.json("botdeploy/routing-switched.json"))));
    }

    public void syncJob(String region, String syncJobId) {
        cognigy.stubFor(post(SYNC_PATH).withRequestBody(matchingJsonPath("$.targetRegion", equalTo(region)))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(Fixtures.json("botdeploy/sync-job-created.json", Map.of("syncJobId", syncJobId)))));
    }

    public void webhook(String path, int status) {
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("HEAD", urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
    }

    /** Everything up to a deployment that completes after queued, compiling, deploying. */
    public void happyPath() {
        publishedModel();
        flows(BOT);
        deploymentCreated(BOT, DEPLOYMENT, null);
        statuses(DEPLOYMENT, List.of(status(DEPLOYMENT, "queued"), status(DEPLOYMENT, "compiling"),
                status(DEPLOYMENT, "deploying"), status(DEPLOYMENT, "completed")));
        routing();
        rollback(DEPLOYMENT);
        syncJob(SETTING_REGION, "sync-setting");
    }
}
