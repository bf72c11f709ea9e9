package dev.cognigyops.botdeploy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.cognigyops.botdeploy.DeployStubs.BOT;
import static dev.cognigyops.botdeploy.DeployStubs.DEPLOYMENT;
import static dev.cognigyops.botdeploy.DeployStubs.GREEN;
import static dev.cognigyops.botdeploy.DeployStubs.MODEL;
import static dev.cognigyops.botdeploy.DeployStubs.MODEL_PATH;
import static dev.cognigyops.botdeploy.DeployStubs.ROUTING_PATH;
import static dev.cognigyops.botdeploy.DeployStubs.SYNC_PATH;
import static dev.cognigyops.botdeploy.DeployStubs.deploymentsPath;
import static dev.cognigyops.botdeploy.DeployStubs.failed;
import static dev.cognigyops.botdeploy.DeployStubs.flowPath;
import static dev.cognigyops.botdeploy.DeployStubs.request;
import static dev.cognigyops.botdeploy.DeployStubs.rollbackPath;
import static dev.cognigyops.botdeploy.DeployStubs.status;
import static dev.cognigyops.botdeploy.DeployStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;

/** bot-deploy end to end: the requests Cognigy received (bodies and timing), the result and the audit trail. */
class BotDeployTest extends AppTestSupport {

    /** The read limit under test: 12 status reads per deployment in any 3 s (a minute in production). */
    static final int READS = 12;
    static final long WINDOW_MS = 3000;

    DeployStubs stubs;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.bot-deploy.first-delay-ms", "50");
        p.setProperty("cognigy.poll.bot-deploy.max-delay-ms", "100");
        p.setProperty("cognigy.poll.bot-deploy.max-attempts", "40");
        p.setProperty("cognigy.poll.bot-deploy.deadline-seconds", "20");
        p.setProperty("cognigy.deploy.status-reads-per-window", Integer.toString(READS));
        p.setProperty("cognigy.deploy.status-read-window-ms", Long.toString(WINDOW_MS));
        p.setProperty("cognigy.deploy.status-read-margin-ms", "300");
        p.setProperty("cognigy.deploy.webhook-check-timeout-ms", "1500");
        p.setProperty("cognigy.deploy.max-first-wait-seconds", "2");
        p.setProperty("cognigy.deploy.sync-regions", DeployStubs.SETTING_REGION);
        return p;
    }

    @Override
    protected void doPostSetup() {
        stubs = new DeployStubs(cognigy);
    }

    @Test
    void deploysSwitchesTrafficToTheTargetAndSyncsEveryRegion() throws Exception {
        stubs.happyPath();
        stubs.deploymentCreated(BOT, DEPLOYMENT, 1);
        stubs.webhook("/hooks/intent-callback", 204);
        stubs.webhook("/hooks/analytics", 200);
        stubs.syncJob("eu-west-1", "sync-eu");
        stubs.syncJob("ap-southeast-2", "sync-ap");
        String hooks = ",\"webhookUrls\":[\"" + cognigy.baseUrl() + "/hooks/intent-callback\",\"" + cognigy.baseUrl()
                + "/hooks/analytics\"],\"syncRegions\":[\"eu-west-1\",\"ap-southeast-2\"]";

        JsonNode result = run(request("deploy-happy", hooks));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("deploymentId").asText()).isEqualTo(DEPLOYMENT);
        assertThat(out.path("rollbackTriggered").asBoolean(true)).isFalse();
        assertThat(out.path("routing").path("strategy").asText()).isEqualTo("blue_green");
        assertThat(out.path("routing").path("environments").get(1).path("trafficWeight").asInt()).isEqualTo(100);
        assertThat(out.path("syncJobIds")).isEqualTo(Json.parse("{\"eu-west-1\":\"sync-eu\",\"ap-southeast-2\":\"sync-ap\"}"));
        assertThat(out.has("syncFailures")).isFalse();

        // what Cognigy received, in order
        cognigy.verify(getRequestedFor(urlEqualTo(MODEL_PATH)).withHeader("Authorization", equalTo("Bearer token-1"))
                .withHeader("Accept", equalTo("application/json")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/oauth/token")).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(
                "scope=bot%3Aread+bot%3Awrite+deployment%3Aread+deployment%3Awrite+environment%3Aread+environment%3Awrite+nlu%3Aread+webhook%3Aread")));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(flowPath(BOT, "flow-order"))));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(flowPath(BOT, "flow-refund"))));
        for (String hook : List.of("/hooks/intent-callback", "/hooks/analytics")) {
            cognigy.verify(exactly(1), new RequestPatternBuilder(RequestMethod.HEAD, urlEqualTo(hook))
                    .withHeader("Authorization", absent()));
        }
        LoggedRequest create = only(postRequestedFor(urlEqualTo(deploymentsPath(BOT))));
        JsonNode body = Json.parse(create.getBodyAsString());
        assertThat(body.path("botId").asText()).isEqualTo(BOT);
        assertThat(body.path("targetEnvironmentId").asText()).isEqualTo(GREEN);
        assertThat(body.path("nluModelId").asText()).isEqualTo(MODEL);
        assertThat(body.path("deploymentType").asText()).isEqualTo("versioned");
        assertThat(body.path("flowReferences")).isEqualTo(Json.parse(
                "[{\"flowId\":\"flow-order\",\"version\":\"v2.0.3\"},{\"flowId\":\"flow-refund\",\"version\":\"v1.5.0\"}]"));
        JsonNode validatedAt = body.path("metadata").path("validatedAt");
        assertThat(validatedAt.isNumber()).as("epoch seconds, as seed 001 sends them: " + validatedAt).isTrue();
        assertThat((long) (validatedAt.doubleValue() * 1000)).as("validated before the deployment was created")
                .isBetween(create.getLoggedDate().getTime() - 60_000, create.getLoggedDate().getTime());

        List<LoggedRequest> reads = cognigy.findAll(getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))));
        assertThat(reads).hasSize(4);
        assertThat(millisBetween(create, reads.get(0))).as("first read after estimatedCompletionSeconds: 1")
                .isGreaterThanOrEqualTo(1000);
        LoggedRequest routing = only(putRequestedFor(urlEqualTo(ROUTING_PATH)));
        assertThat(Json.parse(routing.getBodyAsString())).isEqualTo(Fixtures.object("botdeploy/routing-switch-to-green.json"));
        assertThat(routing.getLoggedDate()).isAfterOrEqualTo(reads.get(3).getLoggedDate());
        List<LoggedRequest> syncs = cognigy.findAll(postRequestedFor(urlEqualTo(SYNC_PATH)));
        assertThat(syncs).hasSize(2);
        assertThat(Json.parse(syncs.get(0).getBodyAsString())).isEqualTo(Fixtures.object("botdeploy/sync-job-request.json",
                Map.of("deploymentId", DEPLOYMENT, "region", "eu-west-1")));
        assertThat(syncs.get(0).getLoggedDate()).isAfterOrEqualTo(routing.getLoggedDate());
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(rollbackPath(DEPLOYMENT))));

        // result file and audit trail
        assertThat(resultFile("deploy-happy")).isEqualTo(result);
        List<String> actions = auditActions("deploy-happy");
        assertThat(actions.get(0)).isEqualTo("RUN_STARTED");
        assertThat(actions).containsSubsequence("NLU_MODEL_CHECKED", "FLOW_VERSIONS_CHECKED", "FLOW_VERSIONS_CHECKED",
                "WEBHOOK_CHECKED", "WEBHOOK_CHECKED", "DEPLOYMENT_CREATED", "DEPLOYMENT_STATUS", "ROUTING_SWITCHED",
                "SYNC_JOB_STARTED", "SYNC_JOB_STARTED", "DEPLOYMENT_COMPLETED", "RUN_FINISHED");
        JsonNode record = event("deploy-happy", "DEPLOYMENT_COMPLETED");
        JsonNode details = record.path("details");
        assertThat(details.path("deployment_id").asText()).isEqualTo(DEPLOYMENT);
        assertThat(details.path("bot_id").asText()).isEqualTo(BOT);
        assertThat(details.path("environment_id").asText()).isEqualTo(GREEN);
        assertThat(details.path("latency_ms").asLong()).isGreaterThanOrEqualTo(1000);
        assertThat(details.path("status").asText()).isEqualTo("completed");
        assertThat(details.path("region").asText()).isEqualTo("global");
        assertThat(details.path("rollback_triggered").asBoolean(true)).isFalse();
        assertThat(details.path("nlu_model_id").asText()).isEqualTo(MODEL);
        assertThat(details.path("webhook_count").asInt()).isEqualTo(2);
        assertThat(details.path("location").asText()).isEqualTo(statusPath(DEPLOYMENT));
        assertThat(details.path("estimated_completion_seconds").asInt()).isEqualTo(1);
        assertThat(Json.write(auditEvents())).doesNotContain("token-1").doesNotContain(CLIENT_SECRET);
    }

    @Test
    void anUnknownNluModelFailsNotFoundNamingIt() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(get(MODEL_PATH).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"model does not exist\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("NOT_FOUND");
        assertThat(result.path("error").path("message").asText()).contains("NLU model " + MODEL).contains("model does not exist");
        nothingDeployed();
    }

    @Test
    void anUnpublishedNluModelFailsNamingItsStatus() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(get(MODEL_PATH).willReturn(okJson("{\"status\":\"draft\"}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).contains(MODEL).contains("'draft'").contains("published");
        nothingDeployed();
    }

    @Test
    void everyMissingFlowReferenceIsNamedAndNothingIsDeployed() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(get(flowPath(BOT, "flow-order")).willReturn(okJson("{\"items\":[{\"version\":\"v2.0.1\"},{\"version\":\"v2.0.2\"}]}")));
        cognigy.stubFor(get(flowPath(BOT, "flow-refund")).willReturn(aResponse().withStatus(404)));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(result.path("error").path("message").asText())
                .contains("flow flow-order version v2.0.3 (versions listed: v2.0.1, v2.0.2)")
                .contains("flow flow-refund version v1.5.0 (no such flow");
        nothingDeployed();
    }

    @Test
    void everyUnreachableWebhookIsNamedAfterOneConcurrentCheck() throws Exception {
        stubs.happyPath();
        stubs.webhook("/hooks/ok", 204);
        stubs.webhook("/hooks/down?key=abc", 503);
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("HEAD", urlEqualTo("/hooks/slow"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(4000)));
        String base = cognigy.baseUrl();

        long started = System.nanoTime();
        JsonNode result = run(request(null, ",\"webhookUrls\":[\"" + base + "/hooks/slow\",\"" + base + "/hooks/ok\",\""
                + base + "/hooks/down?key=abc\"]"));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        String message = result.path("error").path("message").asText();
        assertThat(message).contains("2 of 3").contains(base + "/hooks/slow (no answer within 1500 ms)")
                .contains(base + "/hooks/down (answered HTTP 503)").doesNotContain("/hooks/ok").doesNotContain("key=abc");
        List<LoggedRequest> heads = cognigy.findAll(new RequestPatternBuilder(RequestMethod.HEAD, urlPathMatching("/hooks/.*")));
        assertThat(heads).hasSize(3);
        long spread = heads.stream().mapToLong(r -> r.getLoggedDate().getTime()).max().getAsLong()
                - heads.stream().mapToLong(r -> r.getLoggedDate().getTime()).min().getAsLong();
        assertThat(spread).as("the three checks were asked at once").isLessThan(500);
        assertThat(tookMs).as("bounded by the 1.5 s timeout, not the 4 s answer").isLessThan(3800);
        // a webhook's query may carry its key: never in the result, the audit trail or the log
        assertThat(Json.write(auditEvents())).contains(base + "/hooks/down").doesNotContain("key=abc");
        assertThat(capturedLog()).doesNotContain("key=abc");
        nothingDeployed();
    }

    @Test
    void aWebhookThatRedirectsIsNotReachable() throws Exception {
        stubs.happyPath();
        stubs.webhook("/hooks/ok", 200);
        String base = cognigy.baseUrl();
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("HEAD", urlEqualTo("/hooks/moved"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", "/hooks/ok?session=abc")));

        JsonNode result = run(request(null, ",\"webhookUrls\":[\"" + base + "/hooks/moved\"]"));

        assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(result.path("error").path("message").asText())
                .contains(base + "/hooks/moved (answered HTTP 302, redirects to " + base + "/hooks/ok)").doesNotContain("session");
        cognigy.verify(exactly(0), new RequestPatternBuilder(RequestMethod.HEAD, urlEqualTo("/hooks/ok")));
        nothingDeployed();
    }

    @Test
    void aFailedDeploymentIsRolledBackAndRoutingIsNeverTouched() throws Exception {
        stubs.happyPath();
        stubs.statuses(DEPLOYMENT, List.of(status(DEPLOYMENT, "compiling"),
                failed(DEPLOYMENT, "failed", "flow flow-order failed to compile: unknown intent order.cancel")));

        JsonNode result = run(request("deploy-failed", ",\"syncRegions\":[\"eu-west-1\"]"));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText()).contains(DEPLOYMENT)
                .contains("flow flow-order failed to compile: unknown intent order.cancel").contains("rolled back");
        assertThat(result.path("output").path("rollbackTriggered").asBoolean()).isTrue();
        assertThat(result.path("output").path("deploymentId").asText()).isEqualTo(DEPLOYMENT);
        assertThat(result.path("output").path("routing").isNull()).isTrue();
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(rollbackPath(DEPLOYMENT))).withRequestBody(equalToJson("{}")));
        cognigy.verify(exactly(0), putRequestedFor(urlEqualTo(ROUTING_PATH)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(SYNC_PATH)));
        JsonNode record = event("deploy-failed", "DEPLOYMENT_FAILED");
        assertThat(record.path("details").path("rollback_triggered").asBoolean()).isTrue();
        assertThat(record.path("details").path("status").asText()).isEqualTo("failed");
        assertThat(auditActions("deploy-failed")).containsSubsequence("DEPLOYMENT_STATUS", "DEPLOYMENT_ROLLBACK",
                "DEPLOYMENT_FAILED", "RUN_FINISHED");
    }

    @Test
    void aDeploymentIdWithUrlCharactersIsOneEncodedPathSegment() throws Exception {
        stubs.happyPath();
        stubs.deploymentCreated(BOT, "dep?7", null);
        String encoded = "/v1/deployments/dep%3F7";
        cognigy.stubFor(get(urlEqualTo(encoded + "/status")).willReturn(failed("dep?7", "failed", "bad flow")));
        cognigy.stubFor(post(urlEqualTo(encoded + "/rollback")).willReturn(okJson("{}")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("error").path("code").asText()).as(result.toString()).isEqualTo("JOB_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("bad flow").contains("rolled back;");
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(encoded + "/status")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(encoded + "/rollback")));
    }

    @Test
    void aTimedOutOrRolledBackDeploymentIsRolledBackToo() throws Exception {
        stubs.happyPath();
        stubs.statuses(DEPLOYMENT, List.of(failed(DEPLOYMENT, "timeout", "provisioning took too long")));

        JsonNode timedOut = run(request(null, ""));

        assertThat(timedOut.path("error").path("code").asText()).isEqualTo("TIMEOUT");
        assertThat(timedOut.path("error").path("message").asText()).contains("provisioning took too long");
        assertThat(timedOut.path("output").path("rollbackTriggered").asBoolean()).isTrue();
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(rollbackPath(DEPLOYMENT))));

        cognigy.resetAll();
        stubToken("token-1", 3600);
        stubs.happyPath();
        stubs.statuses(DEPLOYMENT, List.of(failed(DEPLOYMENT, "rolled_back", "health check failed")));
        JsonNode rolledBack = run(request(null, ""));
        assertThat(rolledBack.path("error").path("code").asText()).isEqualTo("JOB_FAILED");
        assertThat(rolledBack.path("error").path("message").asText()).contains("health check failed");
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(rollbackPath(DEPLOYMENT))));
        cognigy.verify(exactly(0), putRequestedFor(urlEqualTo(ROUTING_PATH)));
    }

    @Test
    void a429StormOnStatusHonoursRetryAfterWithinTheReadLimit() throws Exception {
        stubs.happyPath();
        ResponseDefinitionBuilder tooMany = aResponse().withStatus(429).withHeader("Retry-After", "1");
        stubs.statuses(DEPLOYMENT, List.of(status(DEPLOYMENT, "deploying"), tooMany, tooMany, tooMany,
                status(DEPLOYMENT, "completed")));

        JsonNode result = run(request("deploy-429", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        List<LoggedRequest> reads = cognigy.findAll(getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))));
        assertThat(reads).hasSize(5);
        for (int i = 1; i <= 3; i++) {
            assertThat(millisBetween(reads.get(i), reads.get(i + 1))).as("Retry-After: 1 after 429 number " + i)
                    .isGreaterThanOrEqualTo(1000);
        }
        assertWithinReadLimit(reads);
        cognigy.verify(exactly(1), putRequestedFor(urlEqualTo(ROUTING_PATH)));
    }

    @Test
    void aStatusReadStillRateLimitedAfterItsRetriesEndsRateLimitedAndRollsBack() throws Exception {
        stubs.happyPath();
        stubs.statuses(DEPLOYMENT, List.of(status(DEPLOYMENT, "deploying"), aResponse().withStatus(429).withHeader("Retry-After", "0")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("RATE_LIMITED");
        assertThat(result.path("error").path("message").asText()).contains("GET " + statusPath(DEPLOYMENT))
                .contains("429").contains("after 4 attempts").contains("rolled back");
        // one read, then the 4 attempts (cognigy.retry.max-attempts) of the next
        cognigy.verify(exactly(5), getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(rollbackPath(DEPLOYMENT))));
        cognigy.verify(exactly(0), putRequestedFor(urlEqualTo(ROUTING_PATH)));
    }

    @Test
    void aRetryInsideTheCallRouteAlsoWaitsForTheReadLimit() throws Exception {
        stubs.happyPath();
        List<ResponseDefinitionBuilder> answers = new ArrayList<>();
        for (int i = 0; i < READS; i++) {
            answers.add(status(DEPLOYMENT, "deploying"));
        }
        // read 13 waits for the window, is refused with "Retry-After: 0", and its retry must wait again
        answers.add(aResponse().withStatus(429).withHeader("Retry-After", "0"));
        answers.add(status(DEPLOYMENT, "completed"));
        stubs.statuses(DEPLOYMENT, answers);

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        List<LoggedRequest> reads = cognigy.findAll(getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))));
        assertThat(reads).hasSize(READS + 2);
        assertWithinReadLimit(reads);
        assertThat(millisBetween(reads.get(1), reads.get(READS + 1))).as("the retry waited for read 2 to leave the window")
                .isGreaterThanOrEqualTo(WINDOW_MS);
    }

    @Test
    void threeDeploymentsPolledAtOnceStayWithinTheReadLimitEach() throws Exception {
        int readsEach = READS + 6;
        List<String> bots = List.of("bot-a", "bot-b", "bot-c");
        stubs.publishedModel();
        stubs.routing();
        for (String bot : bots) {
            String deployment = "dep-" + bot;
            stubs.flows(bot);
            stubs.deploymentCreated(bot, deployment, null);
            List<ResponseDefinitionBuilder> answers = new ArrayList<>();
            for (int i = 0; i < readsEach - 1; i++) {
                answers.add(status(deployment, "deploying"));
            }
            answers.add(status(deployment, "succeeded"));
            stubs.statuses(deployment, answers);
        }

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<JsonNode>> runs = new ArrayList<>();
            for (String bot : bots) {
                runs.add(pool.submit(() -> run(request(null, bot, ""))));
            }
            for (Future<JsonNode> r : runs) {
                JsonNode result = r.get();
                assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
            }
        } finally {
            pool.shutdownNow();
        }

        for (String bot : bots) {
            List<LoggedRequest> reads = cognigy.findAll(getRequestedFor(urlEqualTo(statusPath("dep-" + bot))));
            assertThat(reads).as(bot).hasSize(readsEach);
            assertWithinReadLimit(reads);
            assertThat(millisBetween(reads.get(0), reads.get(READS))).as("read 13 of " + bot + " waited for the window")
                    .isGreaterThanOrEqualTo(WINDOW_MS);
        }
    }

    @Test
    void aTokenThatExpiresMidPollIsRenewed() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\":\"token-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}"))
                .willSetStateTo("renewed"));
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs("renewed")
                .willReturn(okJson("{\"access_token\":\"token-2\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        // the tenant stops taking token-1 after two reads
        cognigy.stubFor(get(urlEqualTo(statusPath(DEPLOYMENT))).withHeader("Authorization", equalTo("Bearer token-1"))
                .inScenario("expiry").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(status(DEPLOYMENT, "deploying")).willSetStateTo("one-more"));
        cognigy.stubFor(get(urlEqualTo(statusPath(DEPLOYMENT))).withHeader("Authorization", equalTo("Bearer token-1"))
                .inScenario("expiry").whenScenarioStateIs("one-more")
                .willReturn(status(DEPLOYMENT, "validating")).willSetStateTo("expired"));
        cognigy.stubFor(get(urlEqualTo(statusPath(DEPLOYMENT))).withHeader("Authorization", equalTo("Bearer token-1"))
                .inScenario("expiry").whenScenarioStateIs("expired")
                .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"token expired\"}")));
        cognigy.stubFor(get(urlEqualTo(statusPath(DEPLOYMENT))).withHeader("Authorization", equalTo("Bearer token-2"))
                .willReturn(status(DEPLOYMENT, "completed")));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(2), postRequestedFor(urlEqualTo("/oauth/token")));
        List<LoggedRequest> reads = cognigy.findAll(getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))));
        assertThat(reads).extracting(r -> r.getHeader("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2");
        cognigy.verify(putRequestedFor(urlEqualTo(ROUTING_PATH)).withHeader("Authorization", equalTo("Bearer token-2")));
    }

    @Test
    void aFailedSyncJobDoesNotUndoTheSwitchAndIsNamed() throws Exception {
        stubs.happyPath();
        stubs.syncJob("eu-west-1", "sync-eu");
        cognigy.stubFor(post(SYNC_PATH).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                "$.targetRegion", equalTo("us-east-1"))).willReturn(aResponse().withStatus(500)
                .withBody("{\"message\":\"region us-east-1 is read-only\"}")));

        JsonNode result = run(request("deploy-sync", ",\"syncRegions\":[\"us-east-1\",\"eu-west-1\"]"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("syncJobIds")).isEqualTo(Json.parse("{\"eu-west-1\":\"sync-eu\"}"));
        assertThat(out.path("syncFailures").path("us-east-1").asText()).contains("HTTP 500").contains("read-only");
        assertThat(out.path("rollbackTriggered").asBoolean(true)).isFalse();
        cognigy.verify(exactly(1), putRequestedFor(urlEqualTo(ROUTING_PATH)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(rollbackPath(DEPLOYMENT))));
        JsonNode failure = event("deploy-sync", "SYNC_JOB_FAILED");
        assertThat(failure.path("details").path("region").asText()).isEqualTo("us-east-1");
        assertThat(event("deploy-sync", "DEPLOYMENT_COMPLETED").path("outcome").asText()).isEqualTo("SUCCESS_WITH_SYNC_FAILURES");
    }

    @Test
    void aSyncJobAcceptedWithoutAnIdIsAFailedRegionAndAudited() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(post(SYNC_PATH).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                "$.targetRegion", equalTo("us-east-1"))).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"queued\"}")));

        JsonNode result = run(request("deploy-sync-no-id", ",\"syncRegions\":[\"us-east-1\"]"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("syncJobIds")).isEqualTo(Json.parse("{}"));
        assertThat(result.path("output").path("syncFailures").path("us-east-1").asText()).contains("no syncJobId");
        JsonNode failure = event("deploy-sync-no-id", "SYNC_JOB_FAILED");
        assertThat(failure.path("details").path("region").asText()).isEqualTo("us-east-1");
        assertThat(failure.path("details").path("error").asText()).contains("no syncJobId");
        assertThat(event("deploy-sync-no-id", "DEPLOYMENT_COMPLETED").path("outcome").asText()).isEqualTo("SUCCESS_WITH_SYNC_FAILURES");
    }

    @Test
    void aRoutingSwitchThatFailsIsNamedAndNothingIsSynced() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(ROUTING_PATH).willReturn(aResponse().withStatus(409)
                .withHeader("Content-Type", "application/json").withBody("{\"message\":\"routing is locked by change freeze\"}")));

        JsonNode result = run(request("deploy-switch", ",\"syncRegions\":[\"eu-west-1\"]"));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("CONFLICT");
        assertThat(result.path("error").path("message").asText()).contains(DEPLOYMENT).contains("traffic could not be switched to " + GREEN)
                .contains("routing is locked by change freeze");
        assertThat(result.path("output").path("deploymentId").asText()).isEqualTo(DEPLOYMENT);
        cognigy.verify(exactly(1), putRequestedFor(urlEqualTo(ROUTING_PATH)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(SYNC_PATH)));
        assertThat(event("deploy-switch", "DEPLOYMENT_FAILED").path("details").path("status").asText()).isEqualTo("routing_failed");
    }

    @Test
    void aRoutingSwitchAnsweredWithoutABodyShowsTheRoutingSent() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(ROUTING_PATH).willReturn(aResponse().withStatus(204)));

        JsonNode result = run(request(null, ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("routing")).isEqualTo(Fixtures.object("botdeploy/routing-switch-to-green.json"));
    }

    @Test
    void regionsComeFromTheSettingWhenThePayloadNamesNone() throws Exception {
        stubs.happyPath();

        JsonNode result = run(request(null, ""));

        assertThat(result.path("output").path("syncJobIds")).isEqualTo(Json.parse("{\"eu-central-1\":\"sync-setting\"}"));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(SYNC_PATH)));
    }

    @Test
    void aBadPayloadIsRejectedBeforeAnyCall() throws Exception {
        JsonNode result = run(Fixtures.json("botdeploy/request-bad-payload.json"));

        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("message").asText())
                .contains("payload.targetEnvironmentId: must be the primaryEnvironmentId (a) or the secondaryEnvironmentId (b)")
                .contains("payload.flowReferences[0].version: is required")
                .contains("payload.webhookUrls[0]: must be an absolute http(s) URL");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    // ---- helpers

    /** No deployment created, no routing change. */
    private void nothingDeployed() {
        cognigy.verify(exactly(0), postRequestedFor(urlPathMatching("/v1/bots/.*/deployments")));
        cognigy.verify(exactly(0), putRequestedFor(urlEqualTo(ROUTING_PATH)));
    }

    /**
     * No more than {@link #READS} reads in any window, by the times WireMock received them (the
     * limiter's 300 ms margin covers the time from a read's reservation to its arrival).
     */
    static void assertWithinReadLimit(List<LoggedRequest> reads) {
        List<Long> times = reads.stream().map(r -> r.getLoggedDate().getTime()).sorted(Comparator.naturalOrder()).toList();
        for (int i = 0; i + READS < times.size(); i++) {
            assertThat(times.get(i + READS) - times.get(i)).as("reads " + i + " and " + (i + READS) + " are a window apart")
                    .isGreaterThanOrEqualTo(WINDOW_MS);
        }
    }

    private LoggedRequest only(RequestPatternBuilder pattern) {
        List<LoggedRequest> found = cognigy.findAll(pattern);
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static long millisBetween(LoggedRequest earlier, LoggedRequest later) {
        return later.getLoggedDate().getTime() - earlier.getLoggedDate().getTime();
    }

    private JsonNode event(String runId, String action) throws Exception {
        return auditEvents().stream().filter(e -> runId.equals(e.path("runId").asText()) && action.equals(e.path("action").asText()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + action + " event for " + runId));
    }
}
