package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;

import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A flow-deploy run's state at every phase is written as JSON and read back equal, and says where its loops are. */
class FlowDeployRunTest {

    static final String ENV = "env-prod";

    static JsonNode page(List<ObjectNode> items, int total) {
        ObjectNode page = Json.object();
        page.putArray("items").addAll(new ArrayList<>(items));
        page.put("total", total);
        return page;
    }

    /** A run through every phase: three flows (c references b, b references a and intent greet), the third push fails. */
    static List<FlowDeployRun> everyPhase() {
        List<ObjectNode> flows = List.of(flow("flow_a", "2.0.0"), flow("flow_b", "2.0.0", "flow:flow_a", "intent:greet"),
                flow("flow_c", "2.0.0", "flow:flow_b"));
        List<FlowDeployRun> states = new ArrayList<>();
        FlowDeployRun run = FlowDeployRun.started("run-1", ENV, null, false, 1_764_000_000_000L, "manifests/" + ENV + "/run-1.json",
                new Pager("flows", 2, 10));
        states.add(run);
        run = run.withPage(page(flows.subList(0, 2), 3));
        states.add(run);
        run = run.withPage(page(flows.subList(2, 3), 3));
        states.add(run);
        Map<String, JsonNode> selected = new LinkedHashMap<>();
        flows.forEach(f -> selected.put(f.path("id").asText(), f));
        run = run.validated(selected, List.of("flow_a", "flow_b", "flow_c"), new Pager("intents", 100, 10));
        states.add(run);
        run = run.withPage(page(List.of((ObjectNode) Json.object().put("id", "greet")), 1));
        states.add(run);
        run = run.intentsListed(null);
        states.add(run);
        run = run.entitiesListed();
        states.add(run);
        run = run.resolved(DependencyResolver.resolve(new ArrayList<>(selected.values()), Set.of("flow_a", "flow_b", "flow_c"),
                Set.of("greet"), Set.of(), ENV));
        states.add(run);
        run = run.dependenciesChecked();
        states.add(run);
        run = run.versionRead("1.0.0").versionRead("1.1.0").notInTarget();
        states.add(run);
        run = run.previousRecorded(1_764_000_001_000L);
        states.add(run);
        run = run.manifestStored(new StoredObject("deployments", run.manifestKey(), 2048, "ab".repeat(32), 0));
        states.add(run);
        run = run.pushing();
        states.add(run);
        run = run.imported().verifying("flow flow_a is deploying in " + ENV);
        states.add(run);
        run = run.verified().deployedOne().imported().verified().deployedOne();
        states.add(run);
        run = run.pushFailed(new FlowDeployRun.Failure("flow_c", ErrorCode.UPSTREAM_REJECTED, "HTTP 422", false),
                List.of("flow_b", "flow_a"));
        states.add(run);
        run = run.rollbackOutcome(FlowManifest.Status.ROLLED_BACK, "restored to 1.1.0");
        states.add(run);
        run = run.rollbackOutcome(FlowManifest.Status.ROLLBACK_FAILED, "HTTP 503").rollbackDone();
        states.add(run);
        run = run.finalStoreFailed("S3 did not take it");
        states.add(run);
        return states;
    }

    static Stream<Arguments> states() {
        return everyPhase().stream().map(s -> arguments(s.phase() + " " + s.currentFlow(), s));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("states")
    void isSavedAndRestoredWithoutLoss(String name, FlowDeployRun state) throws Exception {
        String saved = Json.write(state);

        FlowDeployRun restored = Json.MAPPER.readValue(saved, FlowDeployRun.class);

        assertThat(restored).isEqualTo(state);
        assertThat(Json.write(restored)).isEqualTo(saved);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("states")
    void aPhaseSaysWhatIsDone(String name, FlowDeployRun state) {
        assertThat(state.isBefore("STARTED")).isFalse();
        assertThat(state.pathValues()).containsEntry("environmentId", ENV);
        assertThat(state.hasMorePushes()).isEqualTo(state.phase() == FlowDeployRun.Phase.PUSHING);
    }

    @org.junit.jupiter.api.Test
    void eachLoopKeepsItsPositionInTheState() {
        List<FlowDeployRun> states = everyPhase();
        // paging: the offset of the next page, then the listing is done
        assertThat(states.get(0).pathValues()).containsEntry("offset", "0").containsEntry("limit", "2");
        assertThat(states.get(1).pathValues()).containsEntry("offset", "2");
        assertThat(states.get(2).phase()).isEqualTo(FlowDeployRun.Phase.EXPORTED);
        assertThat(states.get(2).hasMorePages()).isFalse();
        assertThat(states.get(5).targetIntents()).containsExactly("greet");
        // status reads go through the push order; pushes and the rollback name their flow
        assertThat(states.get(8).currentFlow()).isEqualTo("flow_a");
        assertThat(states.get(9).previousVersions()).containsEntry("flow_a", "1.0.0").containsEntry("flow_b", "1.1.0")
                .doesNotContainKey("flow_c");
        assertThat(states.get(12).pathValues()).containsEntry("flowId", "flow_a");
        assertThat(states.get(13).pollDone()).isFalse();
        assertThat(states.get(13).pollStatus()).contains("deploying");
        assertThat(states.get(14).currentFlow()).isEqualTo("flow_c");
        assertThat(states.get(14).deployed()).containsExactly("flow_a", "flow_b");
        assertThat(states.get(15).currentFlow()).isEqualTo("flow_b");
        assertThat(states.get(15).resource()).isEqualTo("flow:flow_b@" + ENV);
        assertThat(states.get(16).currentFlow()).isEqualTo("flow_a");
        FlowDeployRun last = states.get(states.size() - 1);
        assertThat(last.rolledBackAs(FlowManifest.Status.ROLLED_BACK)).containsExactly("flow_b");
        assertThat(last.manifestDocument().toJson().path("outcome").asText()).isEqualTo("failed");
        assertThat(TestStatuses.of(last.manifestDocument().toJson()))
                .containsExactly("flow_a=rollback_failed", "flow_b=rolled_back", "flow_c=failed");
    }

    static final class TestStatuses {
        static List<String> of(JsonNode manifest) {
            return FlowDeployTest.statuses(manifest);
        }
    }
}
