package dev.cognigyops.flowdeploy;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.demo.simulator.CognigySimulator;
import dev.cognigyops.demo.simulator.FlowDeployApi;

import static dev.cognigyops.demo.simulator.FlowDeployApi.DEMO_ENVIRONMENT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * flow-deploy against the stateful simulator the demo uses: a failed import really puts the
 * target back — every flow that had a version before is at that version again, newest first.
 */
class FlowDeploySimulatorTest extends AppTestSupport {

    FlowDeployApi flows;
    CognigySimulator simulator;

    @Override
    protected Properties settings() {
        flows = new FlowDeployApi();
        simulator = new CognigySimulator(CLIENT_ID, CLIENT_SECRET).register(flows).start();
        Properties p = super.settings();
        p.setProperty("cognigy.base-url", simulator.baseUrl());
        p.setProperty("cognigy.flow-deploy.page-size", "3");
        p.setProperty("cognigy.poll.flow-deploy.first-delay-ms", "20");
        p.setProperty("cognigy.poll.flow-deploy.max-delay-ms", "50");
        return p;
    }

    @AfterEach
    void stopSimulator() {
        if (simulator != null) {
            simulator.close();
        }
    }

    static String request(String requestId) {
        return "{\"operation\":\"flow-deploy\",\"requestId\":\"" + requestId + "\",\"payload\":{\"targetEnvironmentId\":\""
                + DEMO_ENVIRONMENT + "\"}}";
    }

    @Test
    void aDeploymentBringsEveryFlowToItsNewVersion() throws Exception {
        JsonNode result = run(request("sim-ok"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(flows.imports()).containsExactly("flow_faq", "flow_goodbye", "flow_handover", "flow_billing",
                "flow_support", "flow_menu", "flow_welcome");
        assertThat(flows.versionIn(DEMO_ENVIRONMENT, "flow_welcome")).isEqualTo("2.1.0");
        assertThat(flows.versionIn(DEMO_ENVIRONMENT, "flow_billing")).isEqualTo("3.0.0");
        assertThat(flows.rollbacks()).isEmpty();
    }

    @Test
    void aRefusedImportPutsTheTargetBackAsItWas() throws Exception {
        flows.failImportsOf("flow_menu");

        JsonNode result = run(request("sim-fail"));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("message").asText()).startsWith("flow flow_menu failed: ")
                .contains("node 'say' has no handler")
                .contains("rolled back: flow_support, flow_billing, flow_goodbye")
                .contains("not restorable (new in the target): flow_handover, flow_faq");
        assertThat(flows.rollbacks()).containsExactly("flow_support@1.4.0", "flow_billing@2.9.1", "flow_goodbye@1.0.0");
        assertThat(flows.versionIn(DEMO_ENVIRONMENT, "flow_support")).isEqualTo("1.4.0");
        assertThat(flows.versionIn(DEMO_ENVIRONMENT, "flow_billing")).isEqualTo("2.9.1");
        assertThat(flows.versionIn(DEMO_ENVIRONMENT, "flow_goodbye")).isEqualTo("1.0.0");
        assertThat(flows.versionIn(DEMO_ENVIRONMENT, "flow_menu")).isEqualTo("1.7.0");
        assertThat(flows.versionIn(DEMO_ENVIRONMENT, "flow_welcome")).isEqualTo("2.0.3");
        assertThat(result.path("output").path("manifest").path("flows").findValuesAsText("status"))
                .containsExactly("not_restorable", "rolled_back", "not_restorable", "rolled_back", "rolled_back",
                        "failed", "not_pushed");
    }
}
