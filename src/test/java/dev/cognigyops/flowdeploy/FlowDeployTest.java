package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.CanonicalJson;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.cognigyops.flowdeploy.FlowStubs.ENV;
import static dev.cognigyops.flowdeploy.FlowStubs.IMPORT;
import static dev.cognigyops.flowdeploy.FlowStubs.request;
import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;

/** flow-deploy end to end: what Cognigy received, the manifest in S3, the result and the audit trail. */
class FlowDeployTest extends AppTestSupport {

    FlowStubs stubs;

    @Override
    protected void doPostSetup() {
        stubs = new FlowStubs(cognigy);
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.flow-deploy.first-delay-ms", "20");
        p.setProperty("cognigy.poll.flow-deploy.max-delay-ms", "50");
        p.setProperty("cognigy.poll.flow-deploy.max-attempts", "10");
        p.setProperty("cognigy.poll.flow-deploy.deadline-seconds", "10");
        return p;
    }

    String manifestKey(String runId) {
        return "manifests/" + ENV + "/" + runId + ".json";
    }

    JsonNode storedManifest(String runId) throws Exception {
        return Json.parse(s3().getString(bucket, manifestKey(runId)));
    }

    @Test
    void deploys250FlowsReadOverThreePagesAndStoresTheManifestBeforeTheFirstImport() throws Exception {
        List<ObjectNode> flows = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            flows.add(flow(String.format("flow_f%03d", i), "2.0." + i));
        }
        stubs.listing(flows, 100);
        stubs.everyFlowDeployedAt("1.0.0");
        // what S3 holds at the moment the first import arrives
        AtomicReference<String> manifestAtFirstImport = new AtomicReference<>();
        cognigy.addMockServiceRequestListener((req, resp) -> {
            if (req.getUrl().startsWith(IMPORT) && manifestAtFirstImport.get() == null) {
                manifestAtFirstImport.set(s3().exists(bucket, manifestKey("deploy-250"))
                        ? s3().getString(bucket, manifestKey("deploy-250")) : "(none)");
            }
        });

        JsonNode result = run(request("deploy-250", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("manifestUri").asText()).isEqualTo("s3://" + bucket + "/" + manifestKey("deploy-250"));
        assertThat(out.path("deployed")).hasSize(250);
        assertThat(out.path("rolledBack")).isEmpty();

        // three pages, by offset, each with the page size
        for (String offset : List.of("0", "100", "200")) {
            cognigy.verify(exactly(1), getRequestedFor(urlPathEqualTo(FlowStubs.FLOWS))
                    .withQueryParam("offset", equalTo(offset)).withQueryParam("limit", equalTo("100"))
                    .withHeader("Authorization", equalTo("Bearer token-1")));
        }
        cognigy.verify(exactly(250), postRequestedFor(urlPathEqualTo(IMPORT))
                .withRequestBody(matchingJsonPath("$.environmentId", equalTo(ENV))));
        cognigy.verify(postRequestedFor(urlPathEqualTo(IMPORT))
                .withRequestBody(equalToJson("{\"flow\":" + Json.write(flows.get(137)) + ",\"environmentId\":\"" + ENV + "\"}")));
        // no flow references intents or entities: the target's are not listed
        cognigy.verify(exactly(0), getRequestedFor(urlPathEqualTo("/api/v2/intents")));
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo("/oauth/token"))
                .withRequestBody(containing("scope=deployments%3Amanage+environments%3Aread+flows%3Aread+flows%3Awrite")));

        // the manifest in S3, read back: every hash recomputed from the exported flow
        JsonNode manifest = storedManifest("deploy-250");
        assertThat(manifest).isEqualTo(out.path("manifest"));
        assertThat(manifest.path("manifestVersion").asText()).isEqualTo("1.1.0");
        assertThat(manifest.path("runId").asText()).isEqualTo("deploy-250");
        assertThat(manifest.path("targetEnvironment").asText()).isEqualTo(ENV);
        assertThat(manifest.path("outcome").asText()).isEqualTo("deployed");
        assertThat(manifest.path("flows")).hasSize(250);
        for (JsonNode entry : manifest.path("flows")) {
            ObjectNode exported = flows.get(Integer.parseInt(entry.path("id").asText().substring(6)));
            assertThat(entry.path("contentHash").asText()).isEqualTo(CanonicalJson.sha256(exported));
            assertThat(entry.path("name").asText()).isEqualTo(exported.path("name").asText());
            assertThat(entry.path("version").asText()).isEqualTo(exported.path("version").asText());
            assertThat(entry.path("previousVersion").asText()).isEqualTo("1.0.0");
            assertThat(entry.path("status").asText()).isEqualTo("deployed");
        }
        assertThat(s3().sseRequested(bucket, manifestKey("deploy-250"))).isTrue();

        // stored before the first import: then it was the plan, every flow pending
        assertThat(manifestAtFirstImport.get()).isNotEqualTo("(none)").isNotNull();
        JsonNode planned = Json.parse(manifestAtFirstImport.get());
        assertThat(planned.path("outcome").asText()).isEqualTo("planned");
        assertThat(planned.path("flows")).hasSize(250).allSatisfy(f -> assertThat(f.path("status").asText()).isEqualTo("pending"));

        List<String> actions = auditActions("deploy-250");
        assertThat(actions.get(0)).isEqualTo("RUN_STARTED");
        assertThat(actions.get(actions.size() - 1)).isEqualTo("RUN_FINISHED");
        assertThat(actions).containsSubsequence("FLOWS_PAGE_READ", "FLOWS_VALIDATED", "DEPENDENCIES_RESOLVED",
                "FLOW_STATUS_READ", "MANIFEST_STORED", "FLOW_PUSHED", "FLOW_VERIFY_READ", "FLOW_VERIFIED",
                "MANIFEST_STORED", "DEPLOYMENT_COMPLETED", "RUN_FINISHED");
        assertThat(actions.stream().filter("FLOW_PUSHED"::equals)).hasSize(250);
        assertThat(actions.stream().filter("FLOW_VERIFIED"::equals)).hasSize(250);
        assertThat(actions.stream().filter("MANIFEST_STORED"::equals)).hasSize(2);
        assertThat(resultFile("deploy-250")).isEqualTo(result);
        String auditFile = java.nio.file.Files.readString(workDir.resolve("audit/audit.jsonl"));
        assertThat(auditFile + result + s3().getString(bucket, manifestKey("deploy-250")))
                .doesNotContain("token-1").doesNotContain(CLIENT_SECRET);
    }

    @Test
    void aListingWhoseTotalIsNeverReachedFailsWithoutPushingAndWithoutLoopingForever() throws Exception {
        ObjectNode page = Json.object();
        page.putArray("items").add(flow("flow_a", "1.0.0")).add(flow("flow_b", "1.0.0"));
        page.put("total", 900);
        // the server ignores the offset: every page is the same two flows
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(FlowStubs.FLOWS))
                .willReturn(okJson(Json.write(page))));
        stubs.targetNeverChanges("1.0.0");

        JsonNode result = run(request("inconsistent", ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText()).contains("total 900").contains("no new item");
        cognigy.verify(exactly(2), getRequestedFor(urlPathEqualTo(FlowStubs.FLOWS)));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)));
    }

    @Test
    void aRollbackThatFailsIsReportedAndTheOthersAreStillRolledBack() throws Exception {
        stubs.listing(List.of(flow("flow_a", "2.0.0"), flow("flow_b", "2.0.0", "flow:flow_a"), flow("flow_c", "2.0.0", "flow:flow_b")), 100);
        stubs.flowInTarget("flow_a", "1.0.0", "deployed", 201);
        stubs.flowInTarget("flow_b", "1.0.0", "deployed", 201);
        stubs.flowInTarget("flow_c", "1.0.0", "deployed", 500);
        cognigy.stubFor(post(urlPathEqualTo(FlowStubs.rollback("flow_b"))).atPriority(1)
                .willReturn(aResponse().withStatus(503).withBody("{\"message\":\"rollback service down\"}")));

        JsonNode result = run(request("rollback-fails", ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText())
                .startsWith("flow flow_c failed: POST " + IMPORT + ": HTTP 500")
                .contains("rolled back: flow_c, flow_a").contains("rollback failed: flow_b");
        // the import was retried per the shared policy (4 attempts in tests), and so was the rollback
        cognigy.verify(exactly(4), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_c"))));
        cognigy.verify(exactly(4), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_b"))));
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_a"))));
        // a 500 does not say the import was refused: it may have been applied, so flow_c is put back too
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_c")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.0.0\",\"environmentId\":\"" + ENV + "\"}")));
        assertThat(auditResources("FLOW_ROLLED_BACK")).startsWith("flow:flow_c@" + ENV);
        JsonNode manifest = storedManifest("rollback-fails");
        assertThat(statuses(manifest)).containsExactly("flow_a=rolled_back", "flow_b=rollback_failed", "flow_c=rolled_back");
        assertThat(manifest.path("failure").path("flowId").asText()).isEqualTo("flow_c");
        assertThat(manifest.path("flows").get(2).path("note").asText()).contains("after it failed").contains("HTTP 500");
        assertThat(manifest.path("flows").get(1).path("note").asText()).contains("HTTP 503").contains("rollback service down");
    }

    @Test
    void invalidFlowsFailTheRunNamingEveryViolationAndNothingIsPushed() throws Exception {
        ObjectNode badVersion = flow("flow_a", "1.0");
        badVersion.put("name", "");
        ObjectNode badNodes = flow("flow_c", "1.0.0");
        ((ObjectNode) badNodes.path("nodes").get(0)).put("type", "teleport");
        badNodes.remove("edges");
        stubs.listing(List.of(badVersion, flow("flow_b", "1.0.0"), badNodes), 100);
        stubs.everyFlowDeployedAt("1.0.0");

        JsonNode result = run(request("invalid", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText())
                .contains("2 of 3 flows break the flow schema (4 violations); nothing was pushed")
                .contains("flow_a: $.name: ").contains("flow_a: $.version: ")
                .contains("flow_c: $: ").contains("flow_c: $.nodes[0].type: ")
                .doesNotContain("flow_b");
        assertThat(result.path("output").path("violations")).hasSize(4);
        assertThat(result.path("output").path("violations").get(0).path("flowId").asText()).isEqualTo("flow_a");
        cognigy.verify(exactly(0), postRequestedFor(anyUrl()).withUrl(IMPORT));
        cognigy.verify(exactly(0), getRequestedFor(urlPathMatching("/api/v2/flows/.*/status")));
        assertThat(s3().listKeys(bucket)).isEmpty();
        assertThat(auditActions("invalid")).contains("FLOWS_VALIDATED").doesNotContain("FLOW_PUSHED", "MANIFEST_STORED");
    }

    @Test
    void aMissingFlowIntentAndEntityAreAllNamedAndNothingIsPushed() throws Exception {
        stubs.listing(List.of(flow("flow_a", "1.0.0", "flow:flow_gone", "intent:greet", "intent:order_pizza"),
                flow("flow_b", "1.0.0", "entity:city", "entity:planet", "flow:flow_a")), 100);
        stubs.target(List.of("greet", "bye"), List.of("city"));
        stubs.everyFlowDeployedAt("1.0.0");

        JsonNode result = run(request("missing", ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(result.path("error").path("message").asText())
                .contains("3 missing dependencies; nothing was pushed")
                .contains("flow flow_a references flow flow_gone, which is not among the exported flows")
                .contains("flow flow_a references intent order_pizza, which does not exist in environment " + ENV)
                .contains("flow flow_b references entity planet, which does not exist in environment " + ENV);
        cognigy.verify(getRequestedFor(urlPathEqualTo("/api/v2/intents")).withQueryParam("environmentId", equalTo(ENV)));
        cognigy.verify(getRequestedFor(urlPathEqualTo("/api/v2/entities")).withQueryParam("environmentId", equalTo(ENV)));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)));
        assertThat(s3().listKeys(bucket)).isEmpty();
    }

    @Test
    void aLongListOfProblemsIsCutInTheMessageButWholeInTheOutput() throws Exception {
        List<ObjectNode> flows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            flows.add(flow(String.format("flow_m%02d", i), "1.0.0", "intent:gone_" + i));
        }
        stubs.listing(flows, 100);
        stubs.target(List.of("greet"), List.of());

        JsonNode result = run(request("many-missing", ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        String message = result.path("error").path("message").asText();
        assertThat(message).startsWith("60 missing dependencies").contains("flow flow_m49 references intent gone_49")
                .doesNotContain("flow_m50").endsWith("… (all 60 in output.missingDependencies)");
        assertThat(result.path("output").path("missingDependencies")).hasSize(60);
    }

    @Test
    void flowsArePushedReferencedFirstAndACycleIsReportedAndBroken() throws Exception {
        // main → menu → (billing ⇄ support); faq alone
        stubs.listing(List.of(flow("flow_main", "3.0.0", "flow:flow_menu"), flow("flow_menu", "1.2.0", "flow:flow_billing", "flow:flow_support"),
                flow("flow_support", "1.0.0", "flow:flow_billing"), flow("flow_billing", "1.0.0", "flow:flow_support", "intent:pay"),
                flow("flow_faq", "1.0.0")), 2);
        stubs.target(List.of("pay"), List.of());
        stubs.everyFlowDeployedAt("0.1.0");

        JsonNode result = run(request("ordered", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        // faq waits on nothing; then the cycle is broken at billing; support, menu, main follow their references
        List<String> expected = List.of("flow_faq", "flow_billing", "flow_support", "flow_menu", "flow_main");
        assertThat(auditResources("FLOW_PUSHED")).containsExactlyElementsOf(expected.stream().map(id -> "flow:" + id + "@" + ENV).toList());
        for (String id : expected) {
            cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo(id))));
        }
        JsonNode manifest = storedManifest("ordered");
        assertThat(manifest.path("pushOrder").toString()).isEqualTo(Json.write(expected));
        assertThat(manifest.path("cycles").toString()).isEqualTo("[[\"flow_billing\",\"flow_support\"]]");
        assertThat(manifest.path("brokenEdges").toString()).isEqualTo("[\"flow_billing -> flow_support\"]");
        assertThat(manifest.path("dependencyGraph").path("flow_billing").toString()).isEqualTo("[\"flow_support\",\"intent:pay\"]");
        assertThat(manifest.path("dependencyGraph").path("flow_menu").toString()).isEqualTo("[\"flow_billing\",\"flow_support\"]");
        assertThat(manifest.path("dependencyGraph").path("flow_faq").toString()).isEqualTo("[]");
    }

    @Test
    void whenTheThirdImportFailsTheFirstTwoAreRolledBackNewestFirstToTheirRecordedVersions() throws Exception {
        stubs.listing(List.of(flow("flow_a", "2.0.0"), flow("flow_b", "2.0.0", "flow:flow_a"), flow("flow_c", "2.0.0", "flow:flow_b"),
                flow("flow_d", "2.0.0", "flow:flow_c")), 100);
        stubs.flowInTarget("flow_a", "1.4.0", "deployed", 201);
        stubs.flowInTarget("flow_b", "1.7.0", "deployed", 201);
        stubs.flowInTarget("flow_c", "1.1.0", "deployed", 422);
        stubs.flowInTarget("flow_d", "1.0.0", "deployed", 201);

        JsonNode result = run(request("third-fails", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(result.path("error").path("message").asText())
                .startsWith("flow flow_c failed: POST " + IMPORT + ": HTTP 422")
                .contains("node n2 has no handler").contains("rolled back: flow_b, flow_a");
        assertThat(result.path("output").path("rolledBack").toString()).isEqualTo("[\"flow_b\",\"flow_a\"]");
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_a\",\"flow_b\"]");
        cognigy.verify(postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_a")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.4.0\",\"environmentId\":\"" + ENV + "\"}")));
        cognigy.verify(postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_b")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.7.0\",\"environmentId\":\"" + ENV + "\"}")));
        cognigy.verify(exactly(0), postRequestedFor(urlPathMatching("/api/v2/flows/flow_[cd]/rollback")));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_d"))));
        assertThat(auditResources("FLOW_ROLLED_BACK")).containsExactly("flow:flow_b@" + ENV, "flow:flow_a@" + ENV);

        JsonNode manifest = storedManifest("third-fails");
        assertThat(manifest.path("outcome").asText()).isEqualTo("failed");
        assertThat(manifest.path("failure").path("flowId").asText()).isEqualTo("flow_c");
        assertThat(statuses(manifest)).containsExactly("flow_a=rolled_back", "flow_b=rolled_back", "flow_c=failed", "flow_d=not_pushed");
        assertThat(manifest.path("flows").get(0).path("previousVersion").asText()).isEqualTo("1.4.0");
        assertThat(auditActions("third-fails")).containsSubsequence("MANIFEST_STORED", "FLOW_PUSHED", "FLOW_PUSH_FAILED",
                "FLOW_ROLLED_BACK", "FLOW_ROLLED_BACK", "MANIFEST_STORED", "DEPLOYMENT_FAILED", "RUN_FINISHED");
    }

    /**
     * A flow id comes from Cognigy's listing; the schema's {@code ^flow_[a-zA-Z0-9]+$} lets a final line
     * break through (a regex {@code $} matches before it), so this id reaches the status and rollback paths.
     */
    @Test
    void aFlowIdFromTheListingIsOnePathSegmentInItsStatusAndRollbackCalls() throws Exception {
        String hostile = "flow_a\n";
        stubs.listing(List.of(flow(hostile, "2.0.0"), flow("flow_b", "2.0.0")), 100);
        stubs.flowInTarget(hostile, "flow_a%0A", "1.4.0", "deployed", 201);
        stubs.flowInTarget("flow_b", "1.7.0", "deployed", 422);

        JsonNode result = run(request("hostile-flow-id", ""));

        assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(result.path("output").path("deployed").get(0).asText()).isEqualTo(hostile);
        assertThat(result.path("output").path("rolledBack").get(0).asText()).isEqualTo(hostile);
        // the version before the push, and the verification after it
        cognigy.verify(exactly(2), getRequestedFor(urlEqualTo("/api/v2/flows/flow_a%0A/status?environmentId=" + ENV)));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/api/v2/flows/flow_a%0A/rollback"))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.4.0\",\"environmentId\":\"" + ENV + "\"}")));
        assertThat(cognigy.findAllUnmatchedRequests()).as("every call reached the flow's own path").isEmpty();
    }

    @Test
    void aNewFlowWhoseImportFailedWithoutARefusalIsReportedAsPossiblyApplied() throws Exception {
        stubs.listing(List.of(flow("flow_new", "1.0.0")), 100);
        stubs.flowInTarget("flow_new", null, "deployed", 503);

        JsonNode result = run(request("uncertain-new", ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.path("error").path("message").asText()).contains("not restorable (new in the target): flow_new");
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_new"))));
        JsonNode entry = storedManifest("uncertain-new").path("flows").get(0);
        assertThat(entry.path("status").asText()).isEqualTo("not_restorable");
        assertThat(entry.path("note").asText()).contains("may have been applied").contains("HTTP 503");
    }

    @Test
    void aVerificationSayingFailedRollsBackAndAFlowNewInTheTargetIsReportedNotRestorable() throws Exception {
        stubs.listing(List.of(flow("flow_new", "1.0.0"), flow("flow_x", "5.0.0", "flow:flow_new")), 100);
        stubs.flowInTarget("flow_new", null, "deployed", 201);
        stubs.flowInTarget("flow_x", "4.2.0", "failed", 201);

        JsonNode result = run(request("verify-failed", ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText())
                .contains("flow flow_x failed: flow flow_x was imported but " + ENV + " reports it 'failed'")
                .contains("rolled back: flow_x").contains("not restorable (new in the target): flow_new");
        cognigy.verify(postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_x")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"4.2.0\",\"environmentId\":\"" + ENV + "\"}")));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_new"))));
        JsonNode manifest = storedManifest("verify-failed");
        assertThat(statuses(manifest)).containsExactly("flow_new=not_restorable", "flow_x=rolled_back");
        assertThat(manifest.path("flows").get(0).path("previousVersion").isNull()).isTrue();
        assertThat(manifest.path("flows").get(0).path("note").asText()).contains("cannot be restored");
        assertThat(auditActions("verify-failed")).contains("FLOW_NOT_RESTORABLE");
    }

    @Test
    void aTargetStillReportingThePreviousVersionAsDeployedIsNotAVerifiedPush() throws Exception {
        stubs.listing(List.of(flow("flow_a", "2.0.0"), flow("flow_b", "2.0.0", "flow:flow_a")), 100);
        // the import is taken, but the target keeps reporting the version it had: the push never shows
        stubs.targetNeverChanges("1.0.0");

        JsonNode result = run(request("stale-status", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("TIMEOUT");
        assertThat(result.path("error").path("message").asText()).startsWith("flow flow_a failed: ")
                .contains("at version 1.0.0, not the pushed 2.0.0").contains("rolled back: flow_a");
        assertThat(result.path("output").path("deployed")).isEmpty();
        // read until the poll bound (10 reads in these tests), then put back
        cognigy.verify(exactly(11), getRequestedFor(urlPathEqualTo(FlowStubs.status("flow_a"))));
        cognigy.verify(postRequestedFor(urlPathEqualTo(FlowStubs.rollback("flow_a")))
                .withRequestBody(equalToJson("{\"targetVersion\":\"1.0.0\",\"environmentId\":\"" + ENV + "\"}")));
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_b"))));
        assertThat(statuses(storedManifest("stale-status"))).containsExactly("flow_a=rolled_back", "flow_b=not_pushed");
    }

    @Test
    void whenOnlyTheFinalManifestCannotBeStoredTheResultSaysTheFlowsAreDeployed() throws Exception {
        stubs.listing(List.of(flow("flow_a", "2.0.0")), 100);
        stubs.everyFlowDeployedAt("1.0.0");
        // the planned manifest is stored; by the time the final one is, the bucket is gone
        cognigy.addMockServiceRequestListener((req, resp) -> {
            if (req.getUrl().startsWith(IMPORT) && s3().exists(bucket, manifestKey("final-store"))) {
                s3().emptyBucket(bucket);
                s3().client().deleteBucket(b -> b.bucket(bucket));
            }
        });

        JsonNode result = run(request("final-store", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("STORAGE_ERROR");
        assertThat(result.path("error").path("message").asText())
                .startsWith("all 1 flows were deployed and verified in " + ENV + ", but the final manifest could not be stored")
                .endsWith("the planned one is s3://" + bucket + "/" + manifestKey("final-store"));
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_a\"]");
        assertThat(result.path("output").path("manifest").path("outcome").asText()).isEqualTo("deployed");
        cognigy.verify(exactly(0), postRequestedFor(urlPathMatching("/api/v2/flows/.*/rollback")));
    }

    @Test
    void aRateLimitedImportIsRetriedAndTheFlowIsDeployed() throws Exception {
        stubs.listing(List.of(flow("flow_a", "1.0.0"), flow("flow_b", "1.0.0")), 100);
        stubs.everyFlowDeployedAt("0.9.0");
        cognigy.stubFor(post(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_b")))
                .inScenario(FlowStubs.scenario("flow_b")).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")).willSetStateTo("rate-limited"));
        cognigy.stubFor(post(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_b")))
                .inScenario(FlowStubs.scenario("flow_b")).whenScenarioStateIs("rate-limited").willReturn(okJson("{}"))
                .willSetStateTo("imported"));

        JsonNode result = run(request("rate-limited", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_a\",\"flow_b\"]");
        cognigy.verify(exactly(2), postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_b"))));
        JsonNode pushed = auditEvents().stream().filter(e -> e.path("action").asText().equals("FLOW_PUSHED")
                && e.path("resource").asText().equals("flow:flow_b@" + ENV)).findFirst().orElseThrow();
        assertThat(pushed.path("outcome").asText()).isEqualTo("SUCCESS");
        assertThat(pushed.path("details").path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aDryRunStoresTheManifestOfTheSelectedFlowsAndPushesNothing() throws Exception {
        stubs.listing(List.of(flow("flow_a", "1.0.0"), flow("flow_b", "1.0.0", "flow:flow_a"), flow("flow_c", "1.0.0")), 100);
        stubs.flowInTarget("flow_a", "0.5.0", "deployed", 201);
        stubs.flowInTarget("flow_b", null, "deployed", 201);

        JsonNode result = run(request("dry", ",\"flowIds\":[\"flow_b\",\"flow_a\"],\"dryRun\":true"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode manifest = result.path("output").path("manifest");
        assertThat(manifest).isEqualTo(storedManifest("dry"));
        assertThat(manifest.path("dryRun").asBoolean()).isTrue();
        assertThat(statuses(manifest)).containsExactly("flow_a=pending", "flow_b=pending");
        assertThat(manifest.path("flows").get(0).path("previousVersion").asText()).isEqualTo("0.5.0");
        assertThat(manifest.path("flows").get(1).path("previousVersion").isNull()).isTrue();
        assertThat(result.path("output").path("deployed")).isEmpty();
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)));
        cognigy.verify(exactly(0), getRequestedFor(urlPathEqualTo(FlowStubs.status("flow_c"))));
        assertThat(auditActions("dry")).contains("MANIFEST_STORED", "DRY_RUN_COMPLETED").doesNotContain("FLOW_PUSHED");
    }

    @Test
    void aSelectedFlowMayReferenceAnUnselectedOneThatTheTargetAlreadyHas() throws Exception {
        stubs.listing(List.of(flow("flow_shared", "2.0.0"), flow("flow_b", "1.1.0", "flow:flow_shared"), flow("flow_c", "1.0.0")), 100);
        stubs.flowInTarget("flow_shared", "1.0.0", "deployed", 201);
        stubs.flowInTarget("flow_b", "1.0.0", "deployed", 201);

        JsonNode result = run(request("outside-ok", ",\"flowIds\":[\"flow_b\"]"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deployed").toString()).isEqualTo("[\"flow_b\"]");
        // the referenced flow was looked up in the target, not pushed
        cognigy.verify(getRequestedFor(urlPathEqualTo(FlowStubs.status("flow_shared"))).withQueryParam("environmentId", equalTo(ENV)));
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)));
        cognigy.verify(postRequestedFor(urlPathEqualTo(IMPORT)).withRequestBody(matchingJsonPath("$.flow.id", equalTo("flow_b"))));
        JsonNode manifest = storedManifest("outside-ok");
        assertThat(statuses(manifest)).containsExactly("flow_b=deployed");
        assertThat(manifest.path("dependencyGraph").path("flow_b").toString()).isEqualTo("[\"flow_shared\"]");
    }

    @Test
    void aSelectedFlowReferencingAnUnselectedOneTheTargetLacksIsAMissingDependency() throws Exception {
        stubs.listing(List.of(flow("flow_shared", "2.0.0"), flow("flow_b", "1.1.0", "flow:flow_shared", "intent:gone")), 100);
        stubs.target(List.of("greet"), List.of());
        stubs.flowInTarget("flow_shared", null, "deployed", 201);
        stubs.flowInTarget("flow_b", "1.0.0", "deployed", 201);

        JsonNode result = run(request("outside-missing", ",\"flowIds\":[\"flow_b\"]"));

        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(result.path("error").path("message").asText()).startsWith("2 missing dependencies; nothing was pushed")
                .contains("flow flow_b references flow flow_shared, which was exported but is not among the selected flowIds"
                        + " and is not in environment " + ENV)
                .contains("flow flow_b references intent gone");
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)));
        cognigy.verify(exactly(0), getRequestedFor(urlPathEqualTo(FlowStubs.status("flow_b"))));
        assertThat(s3().listKeys(bucket)).isEmpty();
    }

    @Test
    void aSecondDeploymentToTheSameEnvironmentIsRefusedWhileTheFirstRuns() throws Exception {
        stubs.listing(List.of(flow("flow_a", "2.0.0")), 100);
        stubs.flowInTarget("flow_a", "1.0.0", "deployed", 201);
        // the first run's read of flow_a's current version is slow: the second arrives meanwhile
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo(FlowStubs.status("flow_a")))
                .inScenario(FlowStubs.scenario("flow_a")).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(FlowStubs.statusBody("flow_a", "1.0.0", "deployed")).withFixedDelay(1500)));

        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return run(request("first", ""));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> auditActions("first").contains("DEPENDENCIES_RESOLVED"));
        JsonNode second = run(request("second", ""));

        assertThat(second.path("status").asText()).isEqualTo("FAILED");
        assertThat(second.path("error").path("code").asText()).isEqualTo("CONFLICT");
        assertThat(second.path("error").path("message").asText())
                .isEqualTo("flow-deploy run first is deploying to " + ENV + " now; nothing was done: run again when it has finished");
        JsonNode firstResult = first.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(firstResult.path("status").asText()).as(firstResult.toString()).isEqualTo("SUCCEEDED");
        // the second asked Cognigy nothing: one listing read, one import, both the first's
        cognigy.verify(exactly(1), getRequestedFor(urlPathEqualTo(FlowStubs.FLOWS)));
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)));

        // once the first has finished, the environment is free again
        cognigy.resetScenarios();
        JsonNode third = run(request("third", ""));
        assertThat(third.path("status").asText()).as(third.toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aSelectedFlowThatWasNotExportedIsNotFound() throws Exception {
        stubs.listing(List.of(flow("flow_a", "1.0.0")), 100);

        JsonNode result = run(request(null, ",\"flowIds\":[\"flow_a\",\"flow_zz\"]"));

        assertThat(result.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.path("error").path("message").asText()).contains("flow_zz").doesNotContain("flow_a,");
        cognigy.verify(exactly(0), postRequestedFor(urlPathEqualTo(IMPORT)));
    }

    @Test
    void aBadPayloadIsRejectedWithEveryViolationBeforeAnyCall() throws Exception {
        JsonNode result = run(Fixtures.json("flowdeploy/request-bad-payload.json"));

        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(result.path("error").path("message").asText())
                .contains("payload.targetEnvironmentId: must be 1–128 letters")
                .contains("payload.flowIds[1]: must be a string")
                .contains("payload.flowIds[2]: repeats flow_a")
                .contains("payload.dryRun: must be true or false")
                .contains("payload.force: is not a known field");
        JsonNode missing = run("{\"operation\":\"flow-deploy\",\"payload\":{\"flowIds\":[]}}");
        assertThat(missing.path("error").path("message").asText())
                .contains("payload.targetEnvironmentId: is required").contains("payload.flowIds: must name at least one flow");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    List<String> auditResources(String action) throws Exception {
        return auditEvents().stream().filter(e -> e.path("action").asText().equals(action))
                .map(e -> e.path("resource").asText()).toList();
    }

    public static List<String> statuses(JsonNode manifest) {
        List<String> out = new ArrayList<>();
        manifest.path("flows").forEach(f -> out.add(f.path("id").asText() + "=" + f.path("status").asText()));
        return out;
    }
}
