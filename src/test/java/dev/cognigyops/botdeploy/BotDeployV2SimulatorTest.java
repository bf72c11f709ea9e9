package dev.cognigyops.botdeploy;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.demo.simulator.v2.CognigyV2Simulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bot-deploy on profile cognigy-v2 against the stateful simulator of the real API (the demo's): the shapes the
 * operation relies on — the endpoint's GET, the PATCH body, the snapshot listing and its flows — are the ones
 * the simulator validates, so a PATCH that applied before its 500 is found by the read-back, and one that
 * answered 204 without taking effect is rolled back to the snapshot the endpoint served.
 */
class BotDeployV2SimulatorTest extends AppTestSupport {

    static final String API_KEY = "ak-BotDeploy-sim-key-3e77d2";
    CognigyV2Simulator simulator;

    @Override
    protected Properties settings() {
        simulator = new CognigyV2Simulator(API_KEY).start();
        Properties p = super.settings();
        p.setProperty("cognigy.base-url", simulator.baseUrl());
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", API_KEY);
        return p;
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    String request(String requestId, String projectId, String endpointId, String snapshotId) {
        return "{\"operation\":\"bot-deploy\",\"requestId\":\"" + requestId + "\",\"payload\":{\"projectId\":\"" + projectId
                + "\",\"endpointId\":\"" + endpointId + "\",\"snapshotId\":\"" + snapshotId + "\"}}";
    }

    @Test
    void aPatchThatAppliedBeforeIts500IsReadBackAndTheEndpointServesTheNewSnapshot() throws Exception {
        String project = simulator.seedProject("Support bot", 2);
        String v1 = simulator.seedSnapshot(project, "v1", true);
        String v2 = simulator.seedSnapshot(project, "v2", true);
        String endpoint = simulator.seedEndpointOnSnapshot(v1, "Webchat");
        simulator.failNextEndpointPatchAfterApplying();

        JsonNode result = run(request("sim-deploy-500", project, endpoint, v2));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(simulator.endpointPatches()).isEqualTo(1);
        assertThat(simulator.endpoint(endpoint).entrypoint()).isEqualTo(v2);
        assertThat(result.path("output").path("previous").path("entrypoint").asText()).isEqualTo(v1);
        assertThat(result.path("output").path("current").path("entrypoint").asText()).isEqualTo(v2);
        assertThat(simulator.requestsWithKeyInUrl()).isZero();
    }

    @Test
    void aPatchThatDidNotTakeEffectIsRolledBackToThePreviousSnapshot() throws Exception {
        String project = simulator.seedProject("Support bot", 2);
        String v1 = simulator.seedSnapshot(project, "v1", true);
        String v2 = simulator.seedSnapshot(project, "v2", true);
        String endpoint = simulator.seedEndpointOnSnapshot(v1, "Webchat");
        var before = simulator.endpoint(endpoint);
        simulator.ignoreNextEndpointPatch();

        JsonNode result = run(request("sim-deploy-ignored", project, endpoint, v2));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("output").path("rollbackTriggered").asBoolean()).isTrue();
        assertThat(simulator.endpointPatches()).isEqualTo(2);
        assertThat(simulator.endpoint(endpoint)).isEqualTo(before);
    }
}
