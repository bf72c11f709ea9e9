package dev.cognigyops.botdeploy;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static dev.cognigyops.botdeploy.DeployStubs.DEPLOYMENT;
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
 * A rolling update that changed cognigy.api.profile (docs/contract.md#durable-runs): a bot-deploy started on
 * {@code seeds} and checkpointed after its deployment was created is claimed at start by an instance on
 * {@code cognigy-v2}. It is not gone on with: FAILED PRECONDITION_FAILED naming both profiles and the checkpoint,
 * no call to Cognigy, RUN_RESUMED then RUN_FINISHED, its result file, its end in the store. A run started on
 * cognigy-v2 itself, claimed beside it, goes on (here to the cancel pending for it).
 */
class ResumeOnTheOtherProfileTest extends AppTestSupport {

    static final String NODE = "rolling-node";

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", "ak-Resume-other-profile-key-7d1e");
        p.setProperty("cognigy.cluster.node-id", NODE);
        return p;
    }

    /** Before the service starts: what the instances before the rolling update left in the store. */
    @Override
    protected void doPreSetup() throws Exception {
        super.doPreSetup();
        try (HikariDataSource ds = StoreSetup.open(new StoreSetup.Config("", "", "", workDir.resolve("data"), 2,
                Duration.ofSeconds(5)))) {
            RunStore store = new RunStore(ds);
            Instant crashedAt = Instant.now().minusSeconds(3);
            // a seeds bot-deploy that had created its deployment and was polling it
            String request = Json.write(Json.parse(DeployStubs.request("seeds-deploy", "")));
            var lease = store.insert(new RunStore.NewRun("seeds-deploy", "seeds-deploy", "bot-deploy", "file",
                    "inbox/seeds-deploy.json", request, crashedAt.minusSeconds(10), "seeds"), NODE, NODE + "#before-update",
                    crashedAt, Duration.ofMinutes(10)).orElseThrow();
            BotDeployRun saved = BotDeployRun.start(DurableBotDeployTest.REQUEST, System.currentTimeMillis())
                    .at(BotDeployRun.Phase.MODEL_CHECKED).withFlowChecked(List.of("v2.0.3")).withFlowChecked(List.of("v1.5.0"))
                    .at(BotDeployRun.Phase.FLOWS_CHECKED).withValidated(System.currentTimeMillis())
                    .withDeployment(DEPLOYMENT, statusPath(DEPLOYMENT), null, System.currentTimeMillis(), "queued");
            store.checkpoint(lease, saved.phase().name(), Json.write(saved), crashedAt);
            // a cognigy-v2 task monitor left by the same node, with a cancel asked meanwhile
            store.insert(new RunStore.NewRun("v2-monitor", "v2-monitor", "training-monitor", "kafka", "topic/0/3",
                    "{\"operation\":\"training-monitor\",\"requestId\":\"v2-monitor\",\"payload\":{\"taskId\":\"t-1\","
                            + "\"pollIntervalSeconds\":1}}", crashedAt.minusSeconds(10), "cognigy-v2"),
                    NODE, NODE + "#before-update", crashedAt, Duration.ofMinutes(10)).orElseThrow();
            store.requestCancel("v2-monitor", false, "other-node#1", crashedAt.plusSeconds(1));
        }
    }

    @Test
    void aRunStartedOnTheOtherProfileEndsPreconditionFailedWithoutACall() throws Exception {
        await().atMost(seconds(30)).until(() -> Files.exists(workDir.resolve("results/seeds-deploy.json"))
                && Files.exists(workDir.resolve("results/v2-monitor.json")));

        JsonNode result = resultFile("seeds-deploy");
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).isEqualTo("run seeds-deploy was started on profile"
                + " seeds and checkpointed at DEPLOYMENT_CREATED; this instance speaks cognigy-v2 (cognigy.api.profile):"
                + " it cannot go on from that checkpoint. Nothing was sent by this instance; what the run did before its"
                + " checkpoint stands: DEPLOYMENT_CREATED. Run it again as a new request (a new requestId), or on an"
                + " instance with cognigy.api.profile=seeds.");
        assertThat(auditActions("seeds-deploy")).containsExactly("RUN_RESUMED", "RUN_FINISHED");

        var row = storedRun("seeds-deploy");
        assertThat(row.status()).isEqualTo("FAILED");
        assertThat(row.apiProfile()).isEqualTo("seeds");
        assertThat(row.owner()).startsWith(NODE + "#").isNotEqualTo(NODE + "#before-update");
        assertThat(Json.parse(row.result())).isEqualTo(result);

        // the run of this instance's own profile went on: it took the cancel pending for it
        JsonNode monitor = resultFile("v2-monitor");
        assertThat(monitor.path("status").asText()).as(monitor.toString()).isEqualTo("CANCELLED");
        assertThat(monitor.path("error").path("code").asText()).isEqualTo("CANCELLED_BY_USER");

        // neither asked Cognigy anything: above all, not the seeds deployment's status on the v2 tenant
        assertThat(cognigy.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    private RunStore.StoredRun storedRun(String runId) {
        return context.getRegistry().lookupByNameAndType("durableRuns", DurableRuns.class).find(runId).orElseThrow();
    }
}
