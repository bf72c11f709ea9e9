package dev.cognigyops.flowdeploy;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/** Cognigy's side of a flow-deploy to environment {@value #ENV}, as WireMock stubs. */
public final class FlowStubs {

    public static final String ENV = "env-prod";
    public static final String FLOWS = "/api/v2/flows";
    public static final String IMPORT = "/api/v2/flows/import";

    private final WireMockServer cognigy;
    /** each listed flow's version: what the target reports once the flow's import is taken */
    private final java.util.Map<String, String> listedVersions = new java.util.LinkedHashMap<>();

    public FlowStubs(WireMockServer cognigy) {
        this.cognigy = cognigy;
    }

    /** A run request deploying to {@value #ENV} (fixture flowdeploy/request.json); {@code extraPayload} starts with a comma. */
    public static String request(String requestId, String extraPayload) {
        return Fixtures.runRequest(Fixtures.object("flowdeploy/request.json"), requestId, extraPayload);
    }

    public static String status(String flowId) {
        return "/api/v2/flows/" + flowId + "/status";
    }

    public static String rollback(String flowId) {
        return "/api/v2/flows/" + flowId + "/rollback";
    }

    /** The listing, {@code pageSize} flows a page, each page at its offset. */
    public void listing(List<? extends JsonNode> flows, int pageSize) {
        flows.forEach(f -> listedVersions.put(f.path("id").asText(), f.path("version").asText()));
        for (int offset = 0; offset == 0 || offset < flows.size(); offset += pageSize) {
            ObjectNode page = Json.object();
            page.putArray("items").addAll(flows.subList(offset, Math.min(flows.size(), offset + pageSize)).stream()
                    .map(JsonNode.class::cast).toList());
            page.put("total", flows.size());
            page.put("limit", pageSize);
            page.put("offset", offset);
            cognigy.stubFor(get(urlPathEqualTo(FLOWS)).withQueryParam("offset", equalTo(Integer.toString(offset)))
                    .willReturn(okJson(Json.write(page))));
        }
    }

    /** The target's intents and entities. */
    public void target(List<String> intents, List<String> entities) {
        cognigy.stubFor(get(urlPathEqualTo("/api/v2/intents")).withQueryParam("environmentId", equalTo(ENV))
                .willReturn(okJson(items(intents))));
        cognigy.stubFor(get(urlPathEqualTo("/api/v2/entities")).withQueryParam("environmentId", equalTo(ENV))
                .willReturn(okJson(items(entities))));
    }

    /**
     * Every listed flow is at {@code version} in the target, and deployed; every import is taken,
     * after which the target reports the flow deployed at its listed version.
     */
    public void everyFlowDeployedAt(String version) {
        listedVersions.keySet().forEach(id -> flowInTarget(id, version, "deployed", 201));
    }

    /** Every flow is at {@code version} in the target, deployed, whatever is imported: an import never shows. */
    public void targetNeverChanges(String version) {
        cognigy.stubFor(get(urlPathMatching("/api/v2/flows/[^/]+/status")).withQueryParam("environmentId", equalTo(ENV))
                .willReturn(okJson(Fixtures.json("flowdeploy/flow-status.json", java.util.Map.of("version", version)))));
        cognigy.stubFor(post(urlPathEqualTo(IMPORT)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.json("flowdeploy/import-taken.json"))));
        cognigy.stubFor(post(urlPathMatching("/api/v2/flows/[^/]+/rollback")).willReturn(okJson("{}")));
    }

    /** The WireMock scenario of one flow in the target: {@code Started} until its import is taken, then {@code imported}. */
    public static String scenario(String flowId) {
        return "flow-" + flowId;
    }

    /**
     * One flow in the target: at {@code previous} (null: not there, 404) until its import, then
     * {@code afterImport} ({@code deployed}, {@code failed}, ...) at the flow's listed version; its
     * import answers {@code importStatus}.
     */
    public void flowInTarget(String flowId, String previous, String afterImport, int importStatus) {
        flowInTarget(flowId, flowId, previous, afterImport, importStatus);
    }

    /** As above, for a flow whose id appears in its paths as {@code segment} (percent-encoded). */
    public void flowInTarget(String flowId, String segment, String previous, String afterImport, int importStatus) {
        String scenario = scenario(flowId);
        cognigy.stubFor(get(urlPathEqualTo(status(segment))).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(previous == null
                        ? aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                                .withBody(Json.write(Json.object().put("message", "flow " + flowId + " not in " + ENV)))
                        : okJson(statusBody(flowId, previous, "deployed"))));
        cognigy.stubFor(post(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo(flowId)))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(importStatus < 300 ? okJson(Json.write(Json.object().put("id", flowId)))
                        : aResponse().withStatus(importStatus).withHeader("Content-Type", "application/json")
                                .withBody(Json.write(Json.object().put("message", "import of " + flowId + " refused: node n2 has no handler"))))
                .willSetStateTo(importStatus < 300 ? "imported" : Scenario.STARTED));
        cognigy.stubFor(get(urlPathEqualTo(status(segment))).inScenario(scenario).whenScenarioStateIs("imported")
                .willReturn(okJson(statusBody(flowId, listedVersions.getOrDefault(flowId, "9.9.9"), afterImport))));
        cognigy.stubFor(post(urlPathEqualTo(rollback(segment))).willReturn(okJson(Json.write(Json.object()
                .put("id", flowId).put("status", "rolled_back")))));
    }

    static String statusBody(String flowId, String version, String status) {
        return Json.write(Json.object().put("id", flowId).put("environmentId", ENV).put("version", version).put("status", status));
    }

    static String items(List<String> ids) {
        ObjectNode body = Json.object();
        var list = body.putArray("items");
        ids.forEach(id -> list.addObject().put("id", id));
        body.put("total", ids.size());
        return Json.write(body);
    }
}
