package dev.cognigyops.flowdeploy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.runs.RunLease;
import dev.cognigyops.store.RunStore;
import dev.cognigyops.store.StoredEnvironmentLocks;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.cognigyops.flowdeploy.FlowStubs.ENV;
import static dev.cognigyops.flowdeploy.FlowStubs.IMPORT;
import static dev.cognigyops.flowdeploy.FlowStubs.request;
import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One deployment per environment across instances, through the whole app: another instance on the
 * app's run store (a {@link RunStore} row and a {@link StoredEnvironmentLocks} of its own) is deploying
 * to the environment, and a flow-deploy here is refused CONFLICT before any call; once that run has
 * ended, even without releasing (its instance died after recording the end), the next one deploys.
 */
class FlowDeployAcrossInstancesTest extends AppTestSupport {

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
        return p;
    }

    DataSource store() {
        return context.getRegistry().lookupByNameAndType("runStoreDataSource", DataSource.class);
    }

    String lockHolder(String environment) throws Exception {
        try (Connection c = store().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT run_id FROM environment_locks WHERE environment = ?")) {
            s.setString(1, environment);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    @Test
    void aDeploymentToAnEnvironmentAnotherInstanceIsDeployingToIsRefusedUntilThatRunHasEnded() throws Exception {
        stubs.listing(List.of(flow("flow_a", "2.0.0")), 100);
        stubs.flowInTarget("flow_a", "1.0.0", "deployed", 201);
        // node-elsewhere accepted a flow-deploy to ENV and holds the environment (its lease is far from lapsing)
        RunStore runs = new RunStore(store());
        Instant now = Instant.now();
        RunLease elsewhere = runs.insert(new RunStore.NewRun("elsewhere-1", "elsewhere-1", FlowDeploy.NAME, "kafka",
                        "kafka:cognigy.run-requests/0/7", request("elsewhere-1", ""), now), "node-elsewhere", "node-elsewhere#1",
                now, Duration.ofMinutes(10)).orElseThrow();
        assertThat(new StoredEnvironmentLocks(store(), "node-elsewhere#1", Clock.systemUTC()).claim(ENV, "elsewhere-1")).isNull();

        JsonNode refused = run(request("here-1", ""));

        assertThat(refused.path("status").asText()).isEqualTo("FAILED");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("CONFLICT");
        assertThat(refused.path("error").path("message").asText()).isEqualTo("flow-deploy run elsewhere-1 is deploying to "
                + ENV + " now; nothing was done: run again when it has finished");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
        assertThat(resultFile("here-1")).isEqualTo(refused);
        assertThat(lockHolder(ENV)).isEqualTo("elsewhere-1");

        // node-elsewhere records its run's end and dies before releasing the lock: the lock is stale
        assertThat(runs.finish(elsewhere, "SUCCEEDED", "{}", Instant.now())).isTrue();

        JsonNode deployed = run(request("here-2", ""));

        assertThat(deployed.path("status").asText()).as(deployed.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(1), postRequestedFor(urlPathEqualTo(IMPORT)));
        assertThat(lockHolder(ENV)).as("released at the end of here-2").isNull();
    }
}
