package dev.cognigyops.flowdeploy;

import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.demo.simulator.v2.CognigyV2Simulator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flow-deploy on profile cognigy-v2 against the stateful simulator of the real API the demo uses: the package's
 * bytes really go from the source through S3 into the target (the simulator recognises an upload by the SHA-256
 * of a package it made), the merge really puts the flows into the target under their referenceIds, a full target
 * really loses its old rollback snapshot to make room for the new one, a project at a lower limit than the setting
 * refuses the rollback snapshot, and a failed merge really puts the target back from the snapshot.
 */
class FlowDeployV2SimulatorTest extends AppTestSupport {

    static final String KEY = "ak-simulated-tenant-key-4411";
    CognigyV2Simulator tenant;

    @Override
    protected Properties settings() {
        tenant = new CognigyV2Simulator(KEY).withTaskStages(1, 2).start();
        Properties p = super.settings();
        p.setProperty("cognigy.base-url", tenant.baseUrl());
        p.setProperty("cognigy.api.profile", "cognigy-v2");
        p.setProperty("cognigy.auth.api-key", KEY);
        p.setProperty("cognigy.v2.page-size", "2");
        p.setProperty("cognigy.poll.flow-deploy.first-delay-ms", "20");
        p.setProperty("cognigy.poll.flow-deploy.max-delay-ms", "50");
        return p;
    }

    @AfterEach
    void stopTenant() {
        if (tenant != null) {
            tenant.close();
        }
    }

    static String request(String requestId, String source, String target) {
        return "{\"operation\":\"flow-deploy\",\"requestId\":\"" + requestId + "\",\"payload\":{\"sourceProjectId\":\"" + source
                + "\",\"targetProjectId\":\"" + target + "\"}}";
    }

    List<String> references(String projectId) {
        return tenant.flows(projectId).stream().map(CognigyV2Simulator.FlowInfo::referenceId).sorted().toList();
    }

    @Test
    void threeFlowsArriveInTheTargetUnderTheirReferenceIds() throws Exception {
        String source = tenant.seedProject("Support bot", 3);
        String target = tenant.seedProject("Support bot (prod)", 0);

        JsonNode result = run(request("sim-v2-ok", source, target));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(references(target)).isEqualTo(references(source));
        assertThat(result.path("output").path("deployed")).hasSize(3);
        assertThat(tenant.snapshots(target)).extracting(CognigyV2Simulator.SnapshotInfo::name)
                .containsExactly("cognigy-ops-before-sim-v2-ok");
        assertThat(tenant.requestsWithKeyInUrl()).isZero();
    }

    @Test
    void aFailedMergePutsTheTargetBackFromTheSnapshot() throws Exception {
        String source = tenant.seedProject("Support bot", 2);
        String target = tenant.seedProject("Support bot (prod)", 0);
        tenant.addFlow(target, "Legacy");
        List<String> before = tenant.flows(target).stream().map(CognigyV2Simulator.FlowInfo::name).toList();
        tenant.failNextMerge("Identity conflict");

        JsonNode result = run(request("sim-v2-merge", source, target));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("message").asText()).contains("was restored from the rollback snapshot");
        assertThat(tenant.flows(target)).extracting(CognigyV2Simulator.FlowInfo::name).isEqualTo(before);
    }

    @Test
    void aFullTargetLosesItsOldRollbackSnapshotToMakeRoomForTheNewOne() throws Exception {
        String source = tenant.seedProject("Support bot", 1);
        String target = tenant.seedProject("Support bot (prod)", 0);
        String old = tenant.seedSnapshot(target, "cognigy-ops-before-an-old-run", true);
        for (int i = 1; i <= 9; i++) {
            tenant.seedSnapshot(target, "release-" + i, true);
        }

        JsonNode result = run(request("sim-v2-rotate", source, target));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("rotated").path("snapshotId").asText()).isEqualTo(old);
        assertThat(tenant.snapshots(target)).extracting(CognigyV2Simulator.SnapshotInfo::name).hasSize(10)
                .contains("cognigy-ops-before-sim-v2-rotate").doesNotContain("cognigy-ops-before-an-old-run");
        assertThat(references(target)).isEqualTo(references(source));
    }

    @Test
    void aProjectAtTheSnapshotLimitIsRefusedNamingIt() throws Exception {
        String source = tenant.seedProject("Support bot", 1);
        String target = tenant.seedProject("Support bot (prod)", 0);
        tenant.withSnapshotLimit(2);
        tenant.seedSnapshot(target, "v1", true);
        tenant.seedSnapshot(target, "v2", true);

        JsonNode result = run(request("sim-v2-full", source, target));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        assertThat(result.path("error").path("message").asText()).contains("holds the most snapshots Cognigy allows");
        assertThat(tenant.flows(target)).isEmpty();
    }
}
