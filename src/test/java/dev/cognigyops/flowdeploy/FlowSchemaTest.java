package dev.cognigyops.flowdeploy;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;

/** Seed 003's schema applied by the library: every violation, each with its flow and JSON path. */
class FlowSchemaTest {

    final FlowSchema schema = new FlowSchema();

    @Test
    void aValidFlowHasNoViolations() {
        assertThat(schema.check(Flows.flow("flow_a1", "1.0.0", "flow:flow_b", "intent:greet"), 0)).isEmpty();
    }

    @Test
    void everyViolationOfAFlowIsNamedWithItsPath() {
        ObjectNode flow = Flows.flow("flow_bad", "1.0", "widget:w1");
        flow.remove("edges");
        ((ObjectNode) flow.path("nodes").get(1)).put("type", "teleport");
        ((ObjectNode) flow.path("nodes").get(0)).remove("configuration");

        List<String> found = schema.check(flow, 3).stream().map(FlowSchema.Violation::toString).toList();

        assertThat(found).hasSize(5);
        assertThat(found).anySatisfy(v -> assertThat(v).startsWith("flow_bad: $: ").contains("edges"));
        assertThat(found).anySatisfy(v -> assertThat(v).startsWith("flow_bad: $.version: ").contains("pattern"));
        assertThat(found).anySatisfy(v -> assertThat(v).startsWith("flow_bad: $.nodes[1].type: ").contains("enum"));
        assertThat(found).anySatisfy(v -> assertThat(v).startsWith("flow_bad: $.nodes[0]: ").contains("configuration"));
        assertThat(found).anySatisfy(v -> assertThat(v).startsWith("flow_bad: $.externalReferences[0].type: "));
    }

    @Test
    void aFlowWithoutAUsableIdIsNamedByItsPosition() throws Exception {
        var flow = Json.parse("{\"id\": 7, \"name\": \"\", \"version\": \"1.0.0\", \"nodes\": [], \"edges\": []}");

        List<FlowSchema.Violation> found = schema.check(flow, 4);

        assertThat(found).extracting(FlowSchema.Violation::flow).containsOnly("#4");
        assertThat(found).extracting(FlowSchema.Violation::path).containsExactly("$.id", "$.name");
    }

    @Test
    void allFlowsAreCheckedNotJustTheFirstInvalidOne() {
        ObjectNode one = Flows.flow("flow_x", "1.0.0");
        one.put("version", "v1");
        ObjectNode two = Flows.flow("flow_y", "1.0.0");
        two.put("name", "");

        assertThat(schema.checkAll(List.of(one, Flows.flow("flow_ok", "1.0.0"), two)))
                .extracting(FlowSchema.Violation::flow).containsExactly("flow_x", "flow_y");
    }
}
