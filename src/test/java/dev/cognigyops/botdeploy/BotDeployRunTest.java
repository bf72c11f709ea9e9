package dev.cognigyops.botdeploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A bot-deploy run's state at every phase (and mid-loop) is written as JSON and read back equal. */
class BotDeployRunTest {

    static final BotDeployRun.Request REQUEST = new BotDeployRun.Request("run-1", "bot-1", "env-green", "nlu-1",
            "env-blue", "env-green", List.of(new FlowReferences.Ref("flow-order", "v2.0.3"),
            new FlowReferences.Ref("flow-refund", "v1.5.0")), List.of("https://hooks.example.com/a"),
            List.of("eu-west-1", "us-east-1"));
    static final BotDeployRun STARTED = BotDeployRun.start(REQUEST, 1_764_000_000_000L);

    static Stream<Arguments> everyPhase() {
        BotDeployRun modelChecked = STARTED.at(BotDeployRun.Phase.MODEL_CHECKED);
        BotDeployRun oneFlow = modelChecked.withFlowChecked(List.of("v2.0.2", "v2.0.3"));
        BotDeployRun bothFlows = oneFlow.withFlowChecked(null);
        BotDeployRun flowsChecked = bothFlows.at(BotDeployRun.Phase.FLOWS_CHECKED);
        BotDeployRun webhooks = flowsChecked.withValidated(1_764_000_001_000L);
        BotDeployRun created = webhooks.withDeployment("dep/../1?x", "/v1/deployments/dep-1/status", 45L,
                1_764_000_002_000L, "queued");
        BotDeployRun polling = created.withStatus(BotDeployRun.Phase.DEPLOYMENT_CREATED, "compiling");
        BotDeployRun failed = polling.withFailure("failed", ErrorCode.JOB_FAILED, "deployment dep-1 ended 'failed'");
        BotDeployRun rolledBack = failed.withRollback("POST /v1/deployments/dep-1/rollback: HTTP 500");
        BotDeployRun finished = polling.withStatus(BotDeployRun.Phase.DEPLOYMENT_FINISHED, "completed");
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("environments", List.of(Map.of("environmentId", "env-blue", "trafficWeight", 0),
                Map.of("environmentId", "env-green", "trafficWeight", 100)));
        routing.put("strategy", "blue_green");
        routing.put("failoverEnabled", true);
        BotDeployRun switched = finished.withRouting(routing);
        BotDeployRun oneRegion = switched.withSync(null, "HTTP 500: region is read-only");
        BotDeployRun synced = oneRegion.withSync("sync-us", null);
        return Stream.of(arguments(STARTED), arguments(modelChecked), arguments(oneFlow), arguments(bothFlows),
                arguments(flowsChecked), arguments(webhooks), arguments(created), arguments(polling), arguments(failed),
                arguments(rolledBack), arguments(finished), arguments(switched), arguments(oneRegion), arguments(synced));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void isSavedAndRestoredWithoutLoss(BotDeployRun state) throws Exception {
        String saved = Json.write(state);

        BotDeployRun restored = Json.MAPPER.readValue(saved, BotDeployRun.class);

        assertThat(restored).isEqualTo(state);
        assertThat(Json.write(restored)).isEqualTo(saved);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPhase")
    void aPhaseSaysWhatIsDone(BotDeployRun state) {
        assertThat(state.isBefore("STARTED")).isFalse();
        assertThat(state.pollDone()).isEqualTo(!state.isBefore("DEPLOYMENT_FAILED"));
        assertThat(state.deploymentRunning()).isEqualTo(state.phase() == BotDeployRun.Phase.DEPLOYMENT_CREATED);
        assertThat(state.pathValues()).containsEntry("botId", "bot-1").containsEntry("nluModelId", "nlu-1");
        assertThat(state.hasFlowToCheck()).isEqualTo(state.flowsChecked() < 2);
        assertThat(state.hasRegionToSync()).isEqualTo(state.regionsSynced() < 2);
    }

    @org.junit.jupiter.api.Test
    void theLoopsKeepTheirPlace() {
        BotDeployRun modelChecked = STARTED.at(BotDeployRun.Phase.MODEL_CHECKED);
        assertThat(modelChecked.pathValues()).containsEntry("flowId", "flow-order");
        assertThat(modelChecked.resource()).isEqualTo("flow:bot-1:flow-order");
        BotDeployRun next = modelChecked.withFlowChecked(List.of("v2.0.3"));
        assertThat(next.pathValues()).containsEntry("flowId", "flow-refund");
        assertThat(next.withFlowChecked(null).pathValues()).doesNotContainKey("flowId");
        assertThat(next.withFlowChecked(null).listedVersions()).containsOnlyKeys("flow-order");

        BotDeployRun switched = STARTED.withDeployment("dep-1", null, null, 0, "queued")
                .withStatus(BotDeployRun.Phase.DEPLOYMENT_FINISHED, "completed").withRouting(Map.of("strategy", "blue_green"));
        assertThat(switched.phase()).isEqualTo(BotDeployRun.Phase.TRAFFIC_SWITCHED);
        assertThat(switched.resource()).isEqualTo("bot:bot-1:env-green:dep-1:eu-west-1");
        BotDeployRun first = switched.withSync("sync-eu", null);
        assertThat(first.phase()).isEqualTo(BotDeployRun.Phase.TRAFFIC_SWITCHED);
        assertThat(first.resource()).endsWith(":us-east-1");
        BotDeployRun both = first.withSync("sync-us", null);
        assertThat(both.phase()).isEqualTo(BotDeployRun.Phase.SYNCED);
        assertThat(both.syncJobIds()).containsExactly(Map.entry("eu-west-1", "sync-eu"), Map.entry("us-east-1", "sync-us"));
    }

    @org.junit.jupiter.api.Test
    void aSwitchWithNoRegionToSyncIsSynced() {
        BotDeployRun noRegions = BotDeployRun.start(new BotDeployRun.Request("run-2", "bot-1", "env-green", "nlu-1",
                "env-blue", "env-green", REQUEST.flowReferences(), List.of(), List.of()), 0);
        assertThat(noRegions.withRouting(Map.of()).phase()).isEqualTo(BotDeployRun.Phase.SYNCED);
    }
}
