package dev.cognigyops.flowdeploy;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;

/** Dependency order, deterministic cycle breaking and missing references. */
class DependencyResolverTest {

    static DependencyResolver.Resolution resolve(List<JsonNode> flows) {
        Set<String> ids = new java.util.TreeSet<>();
        flows.forEach(f -> ids.add(f.path("id").asText()));
        return DependencyResolver.resolve(flows, ids, Set.of("greet", "bye"), Set.of("city"), "env-prod");
    }

    @Test
    void referencedFlowsGoFirstAndTiesGoBySmallestId() {
        // a → b → c, d independent, e → c
        var r = resolve(List.of(flow("flow_a", "1.0.0", "flow:flow_b"), flow("flow_e", "1.0.0", "flow:flow_c"),
                flow("flow_d", "1.0.0"), flow("flow_b", "1.0.0", "flow:flow_c", "intent:greet"), flow("flow_c", "1.0.0")));

        assertThat(r.order()).containsExactly("flow_c", "flow_b", "flow_a", "flow_d", "flow_e");
        assertThat(r.cycles()).isEmpty();
        assertThat(r.brokenEdges()).isEmpty();
        assertThat(r.missing()).isEmpty();
        assertThat(r.graph().get("flow_b")).containsExactly("flow_c", "intent:greet");
        assertThat(r.graph().keySet()).containsExactly("flow_a", "flow_b", "flow_c", "flow_d", "flow_e");
    }

    @Test
    void aCycleIsReportedAndBrokenAtItsSmallestIdTheSameWayWhateverTheInputOrder() {
        // x → y → z → x, and w → x (w waits for the cycle), v alone
        List<JsonNode> flows = List.of(flow("flow_y", "1.0.0", "flow:flow_z"), flow("flow_x", "1.0.0", "flow:flow_y"),
                flow("flow_z", "1.0.0", "flow:flow_x"), flow("flow_w", "1.0.0", "flow:flow_x"), flow("flow_v", "1.0.0"));

        var r = resolve(flows);
        List<JsonNode> backwards = new java.util.ArrayList<>(flows);
        java.util.Collections.reverse(backwards);
        var reversed = resolve(backwards);

        assertThat(r.cycles()).containsExactly(List.of("flow_x", "flow_y", "flow_z"));
        // v is ready; then the cycle is broken at x; then w and z wait only on x, and w is the smaller
        assertThat(r.order()).containsExactly("flow_v", "flow_x", "flow_w", "flow_z", "flow_y");
        assertThat(r.brokenEdges()).containsExactly("flow_x -> flow_y");
        assertThat(reversed).isEqualTo(r);
    }

    @Test
    void twoCyclesAndASelfReference() {
        var r = resolve(List.of(flow("flow_a", "1.0.0", "flow:flow_b"), flow("flow_b", "1.0.0", "flow:flow_a"),
                flow("flow_c", "1.0.0", "flow:flow_d", "flow:flow_a"), flow("flow_d", "1.0.0", "flow:flow_c"),
                flow("flow_s", "1.0.0", "flow:flow_s")));

        assertThat(r.cycles()).containsExactly(List.of("flow_a", "flow_b"), List.of("flow_c", "flow_d"), List.of("flow_s"));
        // s only waits on itself, so it is ready; c's cycle waits on a's, so a's is broken first
        assertThat(r.order()).containsExactly("flow_s", "flow_a", "flow_b", "flow_c", "flow_d");
        assertThat(r.brokenEdges()).containsExactly("flow_a -> flow_b", "flow_c -> flow_d");
    }

    @Test
    void everyMissingFlowIntentAndEntityIsNamed() {
        var flows = List.<JsonNode>of(flow("flow_a", "1.0.0", "flow:flow_gone", "intent:greet", "intent:order_pizza"),
                flow("flow_b", "1.0.0", "entity:city", "entity:planet", "flow:flow_other", "variable:v"));

        var r = DependencyResolver.resolve(flows, Set.of("flow_a", "flow_b", "flow_other"), Set.of("greet"), Set.of("city"), "env-prod");

        assertThat(r.missing()).containsExactlyInAnyOrder(
                "flow flow_a references flow flow_gone, which is not among the exported flows",
                "flow flow_a references intent order_pizza, which does not exist in environment env-prod",
                "flow flow_b references entity planet, which does not exist in environment env-prod");
        assertThat(r.graph().get("flow_b")).containsExactly("entity:city", "entity:planet", "flow_other", "variable:v");
        // exported but not selected: not pushed, so it must be in the target
        assertThat(r.outsideSelection()).containsOnlyKeys("flow_other");
        assertThat(r.missingInTarget(Set.of(), "env-prod")).hasSize(4)
                .contains("flow flow_b references flow flow_other, which was exported but is not among the selected flowIds"
                        + " and is not in environment env-prod");
        assertThat(r.missingInTarget(Set.of("flow_other"), "env-prod")).isEqualTo(r.missing());
    }

    @Test
    void aFlowOutsideTheSelectionIsNamedOnceForEveryFlowReferencingItAndIsNotOrdered() {
        var flows = List.<JsonNode>of(flow("flow_a", "1.0.0", "flow:flow_shared"), flow("flow_b", "1.0.0", "flow:flow_shared", "flow:flow_a"));

        var r = DependencyResolver.resolve(flows, Set.of("flow_a", "flow_b", "flow_shared"), Set.of(), Set.of(), "env-prod");

        assertThat(r.missing()).isEmpty();
        assertThat(r.order()).containsExactly("flow_a", "flow_b");
        assertThat(r.outsideSelection().get("flow_shared")).containsExactly("flow_a", "flow_b");
        assertThat(r.missingInTarget(Set.of(), "env-prod")).containsExactly(
                "flow flow_a references flow flow_shared, which was exported but is not among the selected flowIds and is not in environment env-prod",
                "flow flow_b references flow flow_shared, which was exported but is not among the selected flowIds and is not in environment env-prod");
    }

    @Test
    void aLongChainIsOrderedWithoutRecursion() {
        List<JsonNode> flows = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            flows.add(i == 0 ? flow("flow_" + i, "1.0.0", "flow:flow_4999") : flow("flow_" + i, "1.0.0", "flow:flow_" + (i - 1)));
        }
        var r = resolve(flows);
        assertThat(r.order()).hasSize(5000);
        assertThat(r.cycles()).hasSize(1);
        assertThat(r.cycles().get(0)).hasSize(5000);
    }
}
