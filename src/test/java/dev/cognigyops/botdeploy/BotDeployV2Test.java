package dev.cognigyops.botdeploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.botdeploy.EndpointPatch.Served;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bot-deploy on profile cognigy-v2 (docs/contract.md §9), the whole app against WireMock standing in for a real
 * tenant: an endpoint switched to a snapshot (the calls Cognigy received, in order and by body, with the API key
 * and nowhere else); a 429 storm waited out; a PATCH answered 500 that applied (read back, not repeated) and one
 * that did not (read back, sent again); a read-back that does not show the snapshot, and a read-back that fails,
 * both rolled back to exactly what the endpoint served; a PATCH refused with a 4xx (no rollback); a flow not in
 * the snapshot and a dependency webhook down (nothing patched); runs resumed after the PATCH (read back first).
 * This operation starts no Cognigy task, so "a task that ends error" has no case here.
 */
class BotDeployV2Test extends AppTestSupport {

    static final String API_KEY = "ak-BotDeploy-v2-test-key-91c4e0";
    static final String PROJECT = "65f0aa000000000000000001";
    static final String ENDPOINT = "/new/v2.0/endpoints/ep-1";
    static final String SNAPSHOTS = "/new/v2.0/snapshots";
    static final String FLOWS = "/new/v2.0/snapshots/snap-new/resources";
    static final String HOOK = "/hooks/dep";
    static final String OLD = endpoint("snap-old", "flow-main", "loc-en");
    static final String NEW = endpoint("snap-new", "flow-main", "loc-en");
    static final String SWITCH = "{\"entrypoint\":\"snap-new\",\"flowId\":\"flow-main\",\"localeId\":\"loc-en\"}";
    static final String BACK = "{\"entrypoint\":\"snap-old\",\"flowId\":\"flow-main\",\"localeId\":\"loc-en\"}";

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", API_KEY);
        p.setProperty("cognigy.retry.retry-after-cap-seconds", "1");
        return p;
    }

    @Override
    protected void doPostSetup() {
        cognigy.stubFor(get(urlPathEqualTo(SNAPSHOTS)).withQueryParam("projectId", equalTo(PROJECT)).willReturn(json(
                "{\"items\":[{\"_id\":\"snap-old\",\"name\":\"v1\"},{\"_id\":\"snap-new\",\"name\":\"v2\"}],\"total\":2,"
                        + "\"nextCursor\":null,\"previousCursor\":null}")));
        cognigy.stubFor(get(urlPathEqualTo(FLOWS)).withQueryParam("resourceType", equalTo("flow")).willReturn(json(
                "{\"items\":[{\"_id\":\"f1\",\"referenceId\":\"flow-main\"},{\"_id\":\"f2\",\"referenceId\":\"flow-faq\"}],"
                        + "\"total\":2,\"nextCursor\":null,\"previousCursor\":null}")));
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("HEAD", urlEqualTo(HOOK)).willReturn(aResponse().withStatus(200)));
    }

    static String endpoint(String entrypoint, String flowId, String localeId) {
        return "{\"_id\":\"ep-1\",\"referenceId\":\"9b1c\",\"name\":\"Webchat\",\"channel\":\"webchat3\",\"entrypoint\":\""
                + entrypoint + "\",\"flowId\":\"" + flowId + "\",\"localeId\":\"" + localeId + "\",\"active\":true}";
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder problem(int status, String detail) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"title\":\"" + (status >= 500 ? "Internal Server Error" : "Bad Request") + "\",\"status\":" + status
                        + ",\"detail\":\"" + detail + "\",\"code\":" + (status >= 500 ? 1008 : 1005) + ",\"traceId\":\"tr-" + status + "\"}");
    }

    /** The endpoint's GET answers {@code reads[state]} while the scenario is in that state. */
    void endpointReads(String state, String body) {
        cognigy.stubFor(get(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs(state).willReturn(json(body)));
    }

    /** A PATCH with this body, in this state, answers so and moves the scenario on. */
    void endpointPatch(String state, String body, ResponseDefinitionBuilder answer, String next) {
        cognigy.stubFor(patch(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs(state).withRequestBody(equalToJson(body))
                .willReturn(answer).willSetStateTo(next));
    }

    static String request(String requestId, String extra) {
        return "{\"operation\":\"bot-deploy\",\"requestId\":\"" + requestId + "\",\"payload\":{\"projectId\":\"" + PROJECT
                + "\",\"endpointId\":\"ep-1\",\"snapshotId\":\"snap-new\"" + extra + "}}";
    }

    List<String> calls() {
        return cognigy.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getMethod() + " " + r.getUrl().replaceAll("\\?.*", "")).toList();
    }

    List<String> patchBodies() {
        return cognigy.findAll(patchRequestedFor(urlEqualTo(ENDPOINT))).stream().map(LoggedRequest::getBodyAsString).toList();
    }

    static void assertOutput(JsonNode result, String previous, String current, boolean rollback) throws Exception {
        JsonNode out = result.path("output");
        assertThat(out.path("endpointId").asText()).isEqualTo("ep-1");
        assertThat(out.path("previous")).isEqualTo(Json.parse(previous));
        assertThat(out.path("current")).isEqualTo(Json.parse(current));
        assertThat(out.path("rollbackTriggered").asBoolean()).isEqualTo(rollback);
    }

    @Test
    void anEndpointIsSwitchedToTheSnapshotWithTheApiKeyWhichIsNeverWrittenAnywhere() throws Exception {
        endpointReads(Scenario.STARTED, endpoint("snap-old", "flow-main", "loc-en"));
        endpointPatch(Scenario.STARTED, "{\"entrypoint\":\"snap-new\",\"flowId\":\"flow-faq\",\"localeId\":\"loc-de\"}",
                aResponse().withStatus(204), "patched");
        endpointReads("patched", endpoint("snap-new", "flow-faq", "loc-de"));

        JsonNode result = run(request("v2-deploy-happy", ",\"flowReferenceId\":\"flow-faq\",\"localeId\":\"loc-de\","
                + "\"webhookUrls\":[\"" + cognigy.baseUrl() + HOOK + "\"]"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertOutput(result, BACK, "{\"entrypoint\":\"snap-new\",\"flowId\":\"flow-faq\",\"localeId\":\"loc-de\"}", false);

        List<LoggedRequest> calls = cognigy.findAll(anyRequestedFor(anyUrl()));
        assertThat(calls()).containsExactly("GET " + ENDPOINT, "GET " + SNAPSHOTS, "GET " + FLOWS, "HEAD " + HOOK,
                "PATCH " + ENDPOINT, "GET " + ENDPOINT);
        assertThat(calls.get(1).queryParameter("projectId").firstValue()).isEqualTo(PROJECT);
        assertThat(calls.get(1).queryParameter("limit").firstValue()).isEqualTo("100");
        assertThat(calls.get(2).queryParameter("resourceType").firstValue()).isEqualTo("flow");
        assertThat(Json.parse(calls.get(4).getBodyAsString()))
                .isEqualTo(Json.parse("{\"entrypoint\":\"snap-new\",\"flowId\":\"flow-faq\",\"localeId\":\"loc-de\"}"));
        for (LoggedRequest call : calls) {
            if (call.getUrl().startsWith("/new/")) {
                assertThat(call.getHeader("X-API-Key")).as(call.getUrl()).isEqualTo(API_KEY);
                assertThat(call.containsHeader("Authorization")).isFalse();
            } else {
                assertThat(call.containsHeader("X-API-Key")).as("never to a webhook").isFalse();
            }
        }
        assertThat(auditActions("v2-deploy-happy")).containsExactly("RUN_STARTED", "ENDPOINT_READ", "SNAPSHOTS_LISTED",
                "SNAPSHOT_FLOWS_LISTED", "WEBHOOK_CHECKED", "ENDPOINT_SWITCHED", "ENDPOINT_READ_BACK", "DEPLOYMENT_COMPLETED",
                "RUN_FINISHED");

        // the key: in no URL, no body, no log line, no result, no audit event
        for (LoggedRequest r : calls) {
            assertThat(r.getAbsoluteUrl()).doesNotContain(API_KEY).doesNotContain("api_key");
            assertThat(r.getBodyAsString()).doesNotContain(API_KEY);
        }
        assertThat(capturedLog()).as("the log (it shows request headers)").contains("X-API-Key").doesNotContain(API_KEY);
        assertThat(result.toString()).doesNotContain(API_KEY);
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/data/")).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(API_KEY);
            }
        }
    }

    @Test
    void a429StormIsWaitedOut() throws Exception {
        ResponseDefinitionBuilder tooMany = aResponse().withStatus(429).withHeader("Retry-After", "0")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"1000 requests per 5 minutes\",\"traceId\":\"tr-429\"}");
        cognigy.stubFor(get(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs(Scenario.STARTED).willReturn(tooMany).willSetStateTo("429-2"));
        cognigy.stubFor(get(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs("429-2").willReturn(tooMany).willSetStateTo("429-3"));
        cognigy.stubFor(get(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs("429-3").willReturn(tooMany).willSetStateTo("old"));
        endpointReads("old", OLD);
        endpointPatch("old", SWITCH, aResponse().withStatus(204), "patched");
        endpointReads("patched", NEW);

        JsonNode result = run(request("v2-deploy-429", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly("GET " + ENDPOINT, "GET " + ENDPOINT, "GET " + ENDPOINT, "GET " + ENDPOINT,
                "GET " + SNAPSHOTS, "GET " + FLOWS, "PATCH " + ENDPOINT, "GET " + ENDPOINT);
    }

    @Test
    void aPatchAnswered500ThatAppliedIsReadBackNotRepeated() throws Exception {
        endpointReads(Scenario.STARTED, OLD);
        endpointPatch(Scenario.STARTED, SWITCH, problem(500, "Internal error while updating endpoint ep-1"), "patched");
        endpointReads("patched", NEW);

        JsonNode result = run(request("v2-deploy-500", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertOutput(result, BACK, SWITCH, false);
        cognigy.verify(exactly(1), patchRequestedFor(urlEqualTo(ENDPOINT)));
        assertThat(calls()).containsExactly("GET " + ENDPOINT, "GET " + SNAPSHOTS, "GET " + FLOWS, "PATCH " + ENDPOINT,
                "GET " + ENDPOINT);
    }

    @Test
    void aPatchAnswered500ThatDidNotApplyIsReadBackThenSentAgain() throws Exception {
        endpointReads(Scenario.STARTED, OLD);
        endpointPatch(Scenario.STARTED, SWITCH, problem(500, "worker lost"), "lost");
        endpointReads("lost", OLD);
        endpointPatch("lost", SWITCH, aResponse().withStatus(204), "patched");
        endpointReads("patched", NEW);

        JsonNode result = run(request("v2-deploy-500-lost", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly("GET " + ENDPOINT, "GET " + SNAPSHOTS, "GET " + FLOWS, "PATCH " + ENDPOINT,
                "GET " + ENDPOINT, "PATCH " + ENDPOINT, "GET " + ENDPOINT);
        assertThat(patchBodies()).allSatisfy(body -> assertThat(Json.parse(body)).isEqualTo(Json.parse(SWITCH)));
    }

    @Test
    void aReadBackThatDoesNotShowTheSnapshotRollsBackToExactlyWhatTheEndpointServed() throws Exception {
        endpointReads(Scenario.STARTED, OLD);
        // answered 204, yet the endpoint still serves the old snapshot
        endpointPatch(Scenario.STARTED, SWITCH, aResponse().withStatus(204), "ignored");
        endpointReads("ignored", OLD);
        endpointPatch("ignored", BACK, aResponse().withStatus(204), "rolled-back");

        JsonNode result = run(request("v2-deploy-mismatch", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText()).isEqualTo("endpoint ep-1 was patched to serve entrypoint "
                + "snap-new, flow flow-main, locale loc-en, but it was read back serving entrypoint snap-old, flow flow-main, "
                + "locale loc-en; rolled back: endpoint ep-1 serves again entrypoint snap-old, flow flow-main, locale loc-en");
        assertOutput(result, BACK, BACK, true);
        assertThat(calls()).containsExactly("GET " + ENDPOINT, "GET " + SNAPSHOTS, "GET " + FLOWS, "PATCH " + ENDPOINT,
                "GET " + ENDPOINT, "PATCH " + ENDPOINT);
        List<String> bodies = patchBodies();
        assertThat(Json.parse(bodies.get(1))).as("the rollback's body").isEqualTo(Json.parse(BACK));
        assertThat(auditActions("v2-deploy-mismatch")).containsSubsequence("ENDPOINT_SWITCHED", "ENDPOINT_READ_BACK",
                "ENDPOINT_ROLLBACK", "DEPLOYMENT_FAILED", "RUN_FINISHED");
    }

    @Test
    void aRunThatFailsAfterThePatchRollsBack() throws Exception {
        endpointReads(Scenario.STARTED, OLD);
        endpointPatch(Scenario.STARTED, SWITCH, aResponse().withStatus(204), "patched");
        cognigy.stubFor(get(urlEqualTo(ENDPOINT)).inScenario("ep").whenScenarioStateIs("patched")
                .willReturn(problem(404, "Endpoint with id ep-1 was not found")));
        endpointPatch("patched", BACK, aResponse().withStatus(204), "rolled-back");

        JsonNode result = run(request("v2-deploy-fails-after", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.path("error").path("message").asText()).startsWith("GET " + ENDPOINT + ": HTTP 404")
                .endsWith("; rolled back: endpoint ep-1 serves again entrypoint snap-old, flow flow-main, locale loc-en");
        assertOutput(result, BACK, BACK, true);
        assertThat(patchBodies()).extracting(Json::parse).containsExactly(Json.parse(SWITCH), Json.parse(BACK));
    }

    @Test
    void aPatchRefusedWith4xxNeedsNoRollbackAndSaysWhy() throws Exception {
        endpointReads(Scenario.STARTED, OLD);
        endpointPatch(Scenario.STARTED, SWITCH, problem(400, "localeId loc-en is not a locale of snap-new"), "refused");

        JsonNode result = run(request("v2-deploy-400", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("PATCH " + ENDPOINT + ": HTTP 400: localeId loc-en "
                + "is not a locale of snap-new (Bad Request, Cognigy code 1005; traceId tr-400); endpoint ep-1 was not changed "
                + "(it serves entrypoint snap-old, flow flow-main, locale loc-en)");
        assertOutput(result, BACK, BACK, false);
        cognigy.verify(exactly(1), patchRequestedFor(urlEqualTo(ENDPOINT)));
        assertThat(calls()).endsWith("PATCH " + ENDPOINT);
    }

    @Test
    void aFlowNotInTheSnapshotIsNamedAndNothingIsPatched() throws Exception {
        endpointReads(Scenario.STARTED, OLD);

        JsonNode result = run(request("v2-deploy-no-flow", ",\"flowReferenceId\":\"flow-gone\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("flow flow-gone (payload.flowReferenceId) is not "
                + "among the flows of snapshot snap-new (referenceIds: flow-main, flow-faq); nothing was patched");
        assertOutput(result, BACK, BACK, false);
        cognigy.verify(exactly(0), patchRequestedFor(anyUrl()));
    }

    @Test
    void aSnapshotNotInTheProjectIsNamedAndNothingIsPatched() throws Exception {
        endpointReads(Scenario.STARTED, OLD);

        JsonNode result = run(request("v2-deploy-no-snapshot", "").replace("\"snapshotId\":\"snap-new\"", "\"snapshotId\":\"snap-other\""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.path("error").path("message").asText()).isEqualTo("snapshot snap-other is not among the 2 snapshot(s) "
                + "of project " + PROJECT + "; nothing was patched");
        cognigy.verify(exactly(0), patchRequestedFor(anyUrl()));
    }

    @Test
    void aDependencyWebhookDownMeansNothingIsPatched() throws Exception {
        endpointReads(Scenario.STARTED, OLD);
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("HEAD", urlEqualTo("/hooks/down")).willReturn(aResponse().withStatus(503)));

        JsonNode result = run(request("v2-deploy-hook-down", ",\"webhookUrls\":[\"" + cognigy.baseUrl() + HOOK + "\",\""
                + cognigy.baseUrl() + "/hooks/down\"]"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(result.path("error").path("message").asText()).isEqualTo("1 of 2 dependency webhook(s) did not answer HEAD "
                + "with 2xx: " + cognigy.baseUrl() + "/hooks/down (answered HTTP 503); nothing was patched");
        assertThat(result.path("output").path("rollbackTriggered").asBoolean()).isFalse();
        cognigy.verify(exactly(0), patchRequestedFor(anyUrl()));
        cognigy.verify(exactly(1), new RequestPatternBuilder(RequestMethod.HEAD, urlEqualTo("/hooks/down")));
    }

    static EndpointSwitchRun savedAfterThePatchWasSent() {
        return EndpointSwitchRun.start(new EndpointSwitchRequest(PROJECT, "ep-1", "snap-new", null, null, List.of()), 0)
                .endpointRead(new Served("snap-old", "flow-main", "loc-en")).at(EndpointSwitchRun.Phase.FLOW_CHECKED).checked()
                .switchSending();
    }

    @Test
    void aRunResumedAfterThePatchReadsBackAndFindsItApplied() throws Exception {
        endpointReads(Scenario.STARTED, NEW);

        JsonNode result = runFrom(savedAfterThePatchWasSent(), request("v2-deploy-resume", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertOutput(result, BACK, SWITCH, false);
        assertThat(calls()).containsExactly("GET " + ENDPOINT);
        assertThat(auditActions("v2-deploy-resume")).containsExactly("RUN_STARTED", "ENDPOINT_READ_BACK", "DEPLOYMENT_COMPLETED",
                "RUN_FINISHED");
    }

    @Test
    void aRunResumedAfterThePatchReadsBackBeforeItPatchesAgain() throws Exception {
        endpointReads(Scenario.STARTED, OLD);
        endpointPatch(Scenario.STARTED, SWITCH, aResponse().withStatus(204), "patched");
        endpointReads("patched", NEW);

        JsonNode result = runFrom(savedAfterThePatchWasSent(), request("v2-deploy-resume-again", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(calls()).containsExactly("GET " + ENDPOINT, "PATCH " + ENDPOINT, "GET " + ENDPOINT);
    }

    @Test
    void seedsFieldsAreRejectedByName() throws Exception {
        JsonNode rejected = run("{\"operation\":\"bot-deploy\",\"requestId\":\"v2-deploy-seeds-fields\",\"payload\":{"
                + "\"projectId\":\"" + PROJECT + "\",\"endpointId\":\"ep-1\",\"snapshotId\":\"snap-new\",\"syncRegions\":[\"eu-west-1\"],"
                + "\"primaryEnvironmentId\":\"blue\",\"secondaryEnvironmentId\":\"green\"}}");

        assertThat(rejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(rejected.path("error").path("violations")).extracting(JsonNode::asText).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactlyInAnyOrder("payload.syncRegions", "payload.primaryEnvironmentId", "payload.secondaryEnvironmentId");
        cognigy.verify(exactly(0), anyRequestedFor(urlPathMatching("/new/.*")));
    }
}
