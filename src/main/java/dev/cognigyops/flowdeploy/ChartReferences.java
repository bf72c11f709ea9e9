package dev.cognigyops.flowdeploy;

import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which other flows a flow's chart executes or jumps to: the one place that reads a chart's nodes
 * ({@code GET flows/{id}/chart → {_id, nodes[{_id, type, label, config}], relations[…]}}, cognigy-v2-api.md).
 *
 * <p>INFERRED, not confirmed on a real tenant (README "What was not verified"): a node of type
 * {@code executeFlow} or {@code goTo} names the other flow by its {@code referenceId} in
 * {@code config.flowNode.flow} (the node to enter it at is {@code config.flowNode.node}). Nodes of other
 * types, and such nodes without a flow, name none.
 */
public final class ChartReferences {

    /** The node types that hand the conversation to another flow. */
    static final Set<String> FLOW_NODE_TYPES = Set.of("executeFlow", "goTo");

    private ChartReferences() {
    }

    /** The referenceIds of the flows the chart executes or jumps to, sorted, without the flow's own. */
    public static Set<String> of(JsonNode chart, String ownReferenceId) {
        Set<String> referenced = new TreeSet<>();
        JsonNode nodes = chart == null ? null : chart.get("nodes");
        if (nodes == null || !nodes.isArray()) {
            return referenced;
        }
        for (JsonNode node : nodes) {
            if (!FLOW_NODE_TYPES.contains(node.path("type").asText())) {
                continue;
            }
            JsonNode flow = node.path("config").path("flowNode").path("flow");
            if (flow.isTextual() && !flow.asText().isBlank() && !flow.asText().equals(ownReferenceId)) {
                referenced.add(flow.asText());
            }
        }
        return referenced;
    }
}
