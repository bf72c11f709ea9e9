package dev.cognigyops.botdeploy;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

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

    /** A run request deploying {@value #BOT} to green; {@code extraPayload} starts with a comma. */
    public static String request(String requestId, String extraPayload) {
        return request(requestId, BOT, extraPayload);
    }

    public static String request(String requestId, String bot, String extraPayload) {
        return "{\"operation\":\"bot-deploy\"," + (requestId == null ? "" : "\"requestId\":\"" + requestId + "\",")
                + "\"payload\":{\"botId\":\"" + bot + "\",\"targetEnvironmentId\":\"" + GREEN + "\",\"nluModelId\":\"" + MODEL + "\","
                + "\"flowReferences\":[{\"flowId\":\"flow-order\",\"version\":\"v2.0.3\"},{\"flowId\":\"flow-refund\",\"version\":\"v1.5.0\"}],"
                + "\"primaryEnvironmentId\":\"" + BLUE + "\",\"secondaryEnvironmentId\":\"" + GREEN + "\"" + extraPayload + "}}";
    }

    public void publishedModel() {
        cognigy.stubFor(get(MODEL_PATH).willReturn(okJson("{\"modelId\":\"" + MODEL + "\",\"status\":\"published\"}")));
    }

    public void flows(String bot) {
        cognigy.stubFor(get(flowPath(bot, "flow-order")).willReturn(okJson(
                "{\"items\":[{\"version\":\"v2.0.2\"},{\"version\":\"v2.0.3\"}]}")));
        cognigy.stubFor(get(flowPath(bot, "flow-refund")).willReturn(okJson("{\"items\":[{\"version\":\"v1.5.0\"}]}")));
    }

    /** 202 with the deployment id, Location and an estimate of {@code estimatedSeconds} (none when null). */
    public void deploymentCreated(String bot, String deploymentId, Integer estimatedSeconds) {
        cognigy.stubFor(post(deploymentsPath(bot)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json")
                .withHeader("Location", statusPath(deploymentId))
                .withBody("{\"deploymentId\":\"" + deploymentId + "\",\"status\":\"queued\",\"createdAt\":\"2026-01-15T10:30:00Z\""
                        + (estimatedSeconds == null ? "" : ",\"estimatedCompletionSeconds\":" + estimatedSeconds) + "}")));
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
        return okJson("{\"deploymentId\":\"" + deploymentId + "\",\"status\":\"" + status + "\"}");
    }

    public static ResponseDefinitionBuilder failed(String deploymentId, String status, String errorMessage) {
        return okJson("{\"deploymentId\":\"" + deploymentId + "\",\"status\":\"" + status + "\",\"errorMessage\":\"" + errorMessage + "\"}");
    }

    public void rollback(String deploymentId) {
        cognigy.stubFor(post(rollbackPath(deploymentId)).willReturn(okJson("{\"deploymentId\":\"" + deploymentId + "\",\"status\":\"rolling_back\"}")));
    }

    public void routing() {
        cognigy.stubFor(put(ROUTING_PATH).willReturn(okJson("{\"environments\":[{\"environmentId\":\"" + BLUE
                + "\",\"trafficWeight\":0},{\"environmentId\":\"" + GREEN + "\",\"trafficWeight\":100}],"
                + "\"strategy\":\"blue_green\",\"failoverEnabled\":true,\"updatedAt\":\"2026-01-15T10:31:00Z\"}")));
    }

    public void syncJob(String region, String syncJobId) {
        cognigy.stubFor(post(SYNC_PATH).withRequestBody(matchingJsonPath("$.targetRegion", equalTo(region)))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"syncJobId\":\"" + syncJobId + "\"}")));
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
