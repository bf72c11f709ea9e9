package dev.cognigyops.botdeploy;

import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.botdeploy.DeployStubs.DEPLOYMENT;
import static dev.cognigyops.botdeploy.DeployStubs.ROUTING_PATH;
import static org.assertj.core.api.Assertions.assertThat;

/** A deployment that never finishes within the poll deadline is rolled back, like a failed one. */
class BotDeployPollDeadlineTest extends AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.bot-deploy.first-delay-ms", "100");
        p.setProperty("cognigy.poll.bot-deploy.max-delay-ms", "200");
        p.setProperty("cognigy.poll.bot-deploy.deadline-seconds", "1");
        p.setProperty("cognigy.deploy.sync-regions", "");
        return p;
    }

    @Test
    void aDeploymentStillRunningAtThePollDeadlineIsRolledBack() throws Exception {
        DeployStubs stubs = new DeployStubs(cognigy);
        stubs.happyPath();
        stubs.statuses(DEPLOYMENT, List.of(DeployStubs.status(DEPLOYMENT, "deploying")));

        JsonNode result = run(DeployStubs.request(null, ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("TIMEOUT");
        assertThat(result.path("error").path("message").asText()).contains(DEPLOYMENT).contains("is deploying")
                .contains("rolled back; routing untouched");
        assertThat(result.path("output").path("rollbackTriggered").asBoolean()).isTrue();
        assertThat(cognigy.findAll(getRequestedFor(urlEqualTo(DeployStubs.statusPath(DEPLOYMENT))))).hasSizeGreaterThan(1);
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(DeployStubs.rollbackPath(DEPLOYMENT))).withRequestBody(equalToJson("{}")));
        cognigy.verify(exactly(0), putRequestedFor(urlEqualTo(ROUTING_PATH)));
    }
}
