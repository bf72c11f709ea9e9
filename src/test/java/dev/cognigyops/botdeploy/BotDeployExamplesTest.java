package dev.cognigyops.botdeploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.demo.simulator.BotDeployApi;
import dev.cognigyops.demo.simulator.CognigySimulator;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's bot-deploy requests ({@code examples/requests/bot-deploy*.json}) run as the demo runs
 * them: against the bundled Cognigy simulator, which also answers 429 beyond 12 status reads a
 * minute. What they show must be what happens.
 */
class BotDeployExamplesTest extends AppTestSupport {

    CognigySimulator simulator;

    @Override
    protected Properties settings() {
        simulator = new CognigySimulator(CLIENT_ID, CLIENT_SECRET).start();
        simulator.register(new BotDeployApi(java.time.Clock.systemUTC()));
        Properties p = super.settings();
        p.setProperty("cognigy.base-url", simulator.baseUrl());
        p.setProperty("cognigy.poll.bot-deploy.first-delay-ms", "100");
        p.setProperty("cognigy.poll.bot-deploy.max-delay-ms", "200");
        p.setProperty("cognigy.poll.bot-deploy.deadline-seconds", "30");
        return p;
    }

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void theDemoDeploymentSucceedsSwitchesToGreenAndSyncsBothRegions() throws Exception {
        JsonNode result = run(Files.readString(Path.of("examples/requests/bot-deploy.json")));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode out = result.path("output");
        assertThat(out.path("deploymentId").asText()).startsWith("dep-");
        assertThat(out.path("rollbackTriggered").asBoolean(true)).isFalse();
        assertThat(out.path("routing").path("environments")).isEqualTo(Json.parse(
                "[{\"environmentId\":\"env-prod-blue\",\"trafficWeight\":0},{\"environmentId\":\"env-prod-green\",\"trafficWeight\":100}]"));
        assertThat(out.path("syncJobIds").path("eu-west-1").asText()).startsWith("sync-eu-west-1-");
        assertThat(out.path("syncJobIds").path("us-east-1").asText()).startsWith("sync-us-east-1-");
        assertThat(out.has("syncFailures")).isFalse();
        simulator.wireMock().verify(exactly(2), postRequestedFor(urlEqualTo("/v1/sync/jobs")));
    }

    @Test
    void theDemoMissingFlowNamesBothReferencesAndDeploysNothing() throws Exception {
        JsonNode result = run(Files.readString(Path.of("examples/requests/bot-deploy-missing-flow.json")));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(result.path("error").path("message").asText())
                .contains("flow flow-order-lookup version v3.0.0 (versions listed: v2.0.2, v2.0.3)")
                .contains("flow flow-loyalty-points version v1.0.0 (no such flow");
        simulator.wireMock().verify(exactly(0), postRequestedFor(urlPathMatching("/v1/bots/.*/deployments")));
        simulator.wireMock().verify(exactly(0), putRequestedFor(urlEqualTo("/v1/environments/routing")));
    }
}
