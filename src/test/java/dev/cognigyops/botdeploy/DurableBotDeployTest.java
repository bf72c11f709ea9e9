package dev.cognigyops.botdeploy;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.cognigyops.botdeploy.DeployStubs.BOT;
import static dev.cognigyops.botdeploy.DeployStubs.DEPLOYMENT;
import static dev.cognigyops.botdeploy.DeployStubs.MODEL_PATH;
import static dev.cognigyops.botdeploy.DeployStubs.deploymentsPath;
import static dev.cognigyops.botdeploy.DeployStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.store.DurableRuns;
import dev.cognigyops.store.RunStore;
import dev.cognigyops.store.StoreSetup;
import dev.cognigyops.support.Json;

/**
 * Durable runs in the whole service on its embedded store: a run left in the store by an earlier
 * life of this instance goes on from its checkpoint at start (RUN_RESUMED, one result, nothing done
 * twice), a requestId the store holds is a duplicate, and a run's state is saved as it goes.
 */
class DurableBotDeployTest extends AppTestSupport {

    static final String NODE = "test-node";
    static final BotDeployRun.Request REQUEST = new BotDeployRun.Request("crashed-deploy", BOT, DeployStubs.GREEN,
            DeployStubs.MODEL, DeployStubs.BLUE, DeployStubs.GREEN,
            List.of(new FlowReferences.Ref("flow-order", "v2.0.3"), new FlowReferences.Ref("flow-refund", "v1.5.0")),
            List.of(), List.of());

    DeployStubs stubs;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.cluster.node-id", NODE);
        p.setProperty("cognigy.poll.bot-deploy.first-delay-ms", "50");
        p.setProperty("cognigy.poll.bot-deploy.max-delay-ms", "100");
        p.setProperty("cognigy.deploy.max-first-wait-seconds", "1");
        return p;
    }

    /** Before the service starts: the store holds what an earlier life of this instance left. */
    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        try (HikariDataSource ds = StoreSetup.open(new StoreSetup.Config("", "", "", workDir.resolve("data"), 2,
                Duration.ofSeconds(5)))) {
            RunStore store = new RunStore(ds);
            Instant crashedAt = Instant.now().minusSeconds(3);
            // a bot-deploy that had created its deployment and was polling it when the process died
            String request = Json.write(Json.parse(DeployStubs.request("crashed-deploy", "")));
            var lease = store.insert(new RunStore.NewRun("crashed-deploy", "crashed-deploy", "bot-deploy", "file",
                    "inbox/crashed-deploy.json", request, crashedAt.minusSeconds(10)), NODE, NODE + "#dead", crashedAt,
                    Duration.ofMinutes(10)).orElseThrow();
            BotDeployRun saved = BotDeployRun.start(REQUEST, System.currentTimeMillis())
                    .at(BotDeployRun.Phase.MODEL_CHECKED).withFlowChecked(List.of("v2.0.3")).withFlowChecked(List.of("v1.5.0"))
                    .at(BotDeployRun.Phase.FLOWS_CHECKED).withValidated(System.currentTimeMillis())
                    .withDeployment(DEPLOYMENT, statusPath(DEPLOYMENT), null, System.currentTimeMillis(), "queued");
            store.checkpoint(lease, saved.phase().name(), Json.write(saved), crashedAt);
            // a run another instance holds, well within its lease
            store.insert(new RunStore.NewRun("held-elsewhere", "held-elsewhere", "bot-deploy", "kafka", "topic/0/7",
                    DeployStubs.request("held-elsewhere", ""), Instant.now()), "other-node", "other-node#1", Instant.now(),
                    Duration.ofMinutes(10)).orElseThrow();
        }
    }

    @Override
    protected void doPostSetup() {
        stubs = new DeployStubs(cognigy);
        stubs.happyPath();
    }

    @Test
    void aRunLeftByAnEarlierLifeOfThisInstanceGoesOnFromItsCheckpointAtStart() throws Exception {
        await().atMost(seconds(30)).until(() -> Files.exists(workDir.resolve("results/crashed-deploy.json")));

        JsonNode result = resultFile("crashed-deploy");
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deploymentId").asText()).isEqualTo(DEPLOYMENT);
        // nothing done before the checkpoint is done again: above all, no second deployment
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(deploymentsPath(BOT))));
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(MODEL_PATH)));
        cognigy.verify(exactly(0), getRequestedFor(urlPathMatching("/v1/bots/.*/flows/.*/versions")));
        assertThat(cognigy.findAll(getRequestedFor(urlEqualTo(statusPath(DEPLOYMENT))))).isNotEmpty();

        List<String> actions = auditActions("crashed-deploy");
        assertThat(actions).doesNotContain("RUN_STARTED", "DEPLOYMENT_CREATED")
                .containsSubsequence("RUN_RESUMED", "DEPLOYMENT_STATUS", "ROUTING_SWITCHED", "RUN_FINISHED");
        assertThat(actions.stream().filter("RUN_FINISHED"::equals)).hasSize(1);
        JsonNode resumed = auditEvents().stream().filter(e -> "RUN_RESUMED".equals(e.path("action").asText()))
                .findFirst().orElseThrow();
        assertThat(resumed.path("details").path("previousOwner").asText()).isEqualTo(NODE + "#dead");
        assertThat(resumed.path("details").path("checkpoint").asText()).isEqualTo("DEPLOYMENT_CREATED");
        assertThat(resumed.path("details").path("instance").asText()).startsWith(NODE + "#").isNotEqualTo(NODE + "#dead");
        assertThat(resumed.path("details").path("orphanedMs").asLong()).isGreaterThanOrEqualTo(3000);

        var row = storedRun("crashed-deploy");
        assertThat(row.status()).isEqualTo("SUCCEEDED");
        assertThat(Json.parse(row.result())).isEqualTo(result);
        assertThat(row.fence()).isEqualTo(2);
        assertThat(row.checkpoints()).isGreaterThan(1);
    }

    @Test
    void aRunAnotherInstanceHoldsIsLeftAloneAndItsRequestIsADuplicateHere() throws Exception {
        JsonNode answer = run(DeployStubs.request("held-elsewhere", ""));

        assertThat(answer).isNull();
        assertThat(auditActions("held-elsewhere")).isEmpty();
        assertThat(auditEvents()).anySatisfy(e -> {
            assertThat(e.path("action").asText()).isEqualTo("DUPLICATE_REQUEST");
            assertThat(e.path("details").path("duplicateOf").asText()).isEqualTo("held-elsewhere");
        });
        assertThat(storedRun("held-elsewhere").owner()).isEqualTo("other-node#1");
        assertThat(Files.exists(workDir.resolve("results/held-elsewhere.json"))).isFalse();
    }

    @Test
    void aRunsStateIsSavedAfterEachStepAndItsResultWithItsEnd() throws Exception {
        JsonNode result = run(DeployStubs.request("saved-as-it-goes", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        var row = storedRun("saved-as-it-goes");
        assertThat(row.status()).isEqualTo("SUCCEEDED");
        assertThat(Json.parse(row.result())).isEqualTo(resultFile("saved-as-it-goes"));
        // the last step the run recorded (no regions to sync: the phase after the switch)
        assertThat(row.phase()).isEqualTo("SYNCED");
        // begun, model checked, two flows, validated, deployment created, its status, switched, finished
        assertThat(row.checkpoints()).isGreaterThanOrEqualTo(8);
        assertThat(row.owner()).startsWith(NODE + "#");
        assertThat(Json.parse(row.request()).path("requestId").asText()).isEqualTo("saved-as-it-goes");
    }

    @Test
    void everyCallThatChangesSomethingCarriesAnIdempotencyKeyThatARetryRepeats() throws Exception {
        // the run resumed at start has its own calls: let it finish, and look only at this run's
        await().atMost(seconds(30)).until(() -> Files.exists(workDir.resolve("results/crashed-deploy.json")));
        cognigy.resetRequests();
        // the deployment POST fails once with 503, then succeeds
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(deploymentsPath(BOT)))
                .inScenario("retry").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.serviceUnavailable()).willSetStateTo("again"));

        JsonNode result = run(DeployStubs.request("keyed", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        var posts = cognigy.findAll(postRequestedFor(urlEqualTo(deploymentsPath(BOT))));
        assertThat(posts).hasSize(2);
        String key = posts.get(0).getHeader("Idempotency-Key");
        assertThat(key).startsWith("keyed:DEPLOYMENT_CREATED@" + deploymentsPath(BOT) + "#");
        assertThat(posts.get(1).getHeader("Idempotency-Key")).isEqualTo(key);
        // every state-changing call has one, each its own; no read has one
        var all = cognigy.getAllServeEvents().stream().map(e -> e.getRequest()).toList();
        var changing = all.stream().filter(r -> !r.getMethod().getName().equals("GET") && !r.getUrl().startsWith("/oauth")).toList();
        assertThat(changing).isNotEmpty().allSatisfy(r -> assertThat(r.getHeader("Idempotency-Key")).startsWith("keyed:"));
        assertThat(changing.stream().map(r -> r.getHeader("Idempotency-Key")).distinct()).hasSize(changing.size() - 1);
        assertThat(all.stream().filter(r -> r.getMethod().getName().equals("GET")))
                .allSatisfy(r -> assertThat(r.containsHeader("Idempotency-Key")).isFalse());
    }

    private RunStore.StoredRun storedRun(String runId) {
        return context.getRegistry().lookupByNameAndType("durableRuns", DurableRuns.class).find(runId).orElseThrow();
    }
}
