package dev.cognigyops.botdeploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.botdeploy.DeployStubs.BOT;
import static dev.cognigyops.botdeploy.DeployStubs.DEPLOYMENT;
import static dev.cognigyops.botdeploy.DeployStubs.deploymentsPath;
import static dev.cognigyops.botdeploy.DeployStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.store.DurableRuns;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.PostgresServer;

/**
 * The run store (PostgreSQL here) goes away while a run is under way: the run's next checkpoint waits
 * for it (cognigy.store.retry-ms), and when it stays away the run is not reported — no result file,
 * no RUN_FINISHED — but left at its last checkpoint. When the store is back the run is claimed and
 * goes on from there: one result, no second deployment.
 */
class StoreOutageTest extends AppTestSupport {

    static PostgresServer postgres;
    static String url;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.start();
        url = postgres.createDatabase();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.store.url", url);
        p.setProperty("cognigy.store.user", postgres.user());
        p.setProperty("cognigy.store.password", postgres.password());
        p.setProperty("cognigy.store.connect-timeout-ms", "1000");
        p.setProperty("cognigy.store.retry-ms", "1500");
        p.setProperty("cognigy.cluster.node-id", "outage-node");
        p.setProperty("cognigy.cluster.lease-seconds", "4");
        p.setProperty("cognigy.cluster.heartbeat-ms", "500");
        p.setProperty("cognigy.cluster.claim-interval-ms", "500");
        p.setProperty("cognigy.poll.bot-deploy.first-delay-ms", "50");
        p.setProperty("cognigy.poll.bot-deploy.max-delay-ms", "100");
        p.setProperty("cognigy.deploy.max-first-wait-seconds", "1");
        return p;
    }

    @Override
    protected void doPostSetup() {
        new DeployStubs(cognigy).happyPath();
        // the deployment's first status answer takes a while: the store goes away meanwhile
        cognigy.stubFor(get(urlEqualTo(statusPath(DEPLOYMENT))).inScenario("slow").whenScenarioStateIs("Started")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(Json.write(Json.object().put("deploymentId", DEPLOYMENT).put("status", "in_progress")))
                        .withFixedDelay(2500))
                .willSetStateTo("answered"));
    }

    @Test
    void aRunWhoseCheckpointCannotBeSavedIsLeftUnreportedAndGoesOnWhenTheStoreIsBack() throws Exception {
        Files.createDirectories(workDir.resolve("inbox"));
        Files.writeString(workDir.resolve("inbox/.outage.json"), DeployStubs.request("through-an-outage", ""));
        Files.move(workDir.resolve("inbox/.outage.json"), workDir.resolve("inbox/outage.json"));

        // the deployment is created and being polled: now the store goes away
        await().atMost(seconds(30)).until(() -> auditActions("through-an-outage").contains("DEPLOYMENT_CREATED"));
        postgres.stopServer();

        // its next checkpoint cannot be saved: the run stops without a result
        await().atMost(seconds(30)).until(() -> capturedLog().contains("run through-an-outage stops here without a result"));
        assertThat(Files.exists(workDir.resolve("results/through-an-outage.json"))).isFalse();
        assertThat(auditActions("through-an-outage")).doesNotContain("RUN_FINISHED");

        postgres.startServer();

        // back: the run is released, claimed and goes on from its checkpoint to one result
        await().atMost(seconds(60)).until(() -> Files.exists(workDir.resolve("results/through-an-outage.json")));
        JsonNode result = resultFile("through-an-outage");
        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("deploymentId").asText()).isEqualTo(DEPLOYMENT);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(deploymentsPath(BOT))));
        assertThat(auditActions("through-an-outage")).containsSubsequence("RUN_STARTED", "DEPLOYMENT_CREATED",
                "RUN_RESUMED", "RUN_FINISHED");
        assertThat(auditActions("through-an-outage").stream().filter("RUN_FINISHED"::equals)).hasSize(1);
        var row = context.getRegistry().lookupByNameAndType("durableRuns", DurableRuns.class)
                .find("through-an-outage").orElseThrow();
        assertThat(row.status()).isEqualTo("SUCCEEDED");
    }
}
