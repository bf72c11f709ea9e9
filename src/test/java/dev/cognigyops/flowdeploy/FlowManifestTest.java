package dev.cognigyops.flowdeploy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.support.CanonicalJson;
import dev.cognigyops.support.Json;

import static dev.cognigyops.flowdeploy.Flows.flow;
import static org.assertj.core.api.Assertions.assertThat;

/** The manifest as JSON: seed 003's fields and ours, sets as sorted lists, hashes of the canonical form. */
class FlowManifestTest {

    static FlowManifest manifest() {
        ObjectNode b = flow("flow_b", "2.0.0", "flow:flow_a", "variable:v", "intent:greet");
        ObjectNode a = flow("flow_a", "1.0.0", "flow:flow_b");
        Map<String, JsonNode> flows = new LinkedHashMap<>();
        flows.put("flow_b", b);
        flows.put("flow_a", a);
        var resolution = DependencyResolver.resolve(List.of(b, a), Set.of("flow_a", "flow_b"), Set.of("greet"), Set.of(), "env-1");
        return new FlowManifest("run-1", Instant.parse("2026-01-02T03:04:05Z"), "env-1", false, flows,
                Map.of("flow_a", "0.9.0"), resolution);
    }

    @Test
    void writesSeedFieldsPlusPreviousVersionRunIdAndTheGraphAsSortedLists() {
        JsonNode json = manifest().toJson();

        assertThat(json.path("manifestVersion").asText()).isEqualTo("1.1.0");
        assertThat(json.path("generatedAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(json.path("runId").asText()).isEqualTo("run-1");
        assertThat(json.path("targetEnvironment").asText()).isEqualTo("env-1");
        assertThat(json.path("outcome").asText()).isEqualTo("planned");
        assertThat(json.path("dependencyGraph").toString())
                .isEqualTo("{\"flow_a\":[\"flow_b\"],\"flow_b\":[\"flow_a\",\"intent:greet\",\"variable:v\"]}");
        assertThat(json.path("cycles").toString()).isEqualTo("[[\"flow_a\",\"flow_b\"]]");
        assertThat(json.path("brokenEdges").toString()).isEqualTo("[\"flow_a -> flow_b\"]");
        assertThat(json.path("pushOrder").toString()).isEqualTo("[\"flow_a\",\"flow_b\"]");
        JsonNode first = json.path("flows").get(0);
        assertThat(first.path("id").asText()).isEqualTo("flow_a");
        assertThat(first.path("name").asText()).isEqualTo("Flow flow_a");
        assertThat(first.path("version").asText()).isEqualTo("1.0.0");
        assertThat(first.path("previousVersion").asText()).isEqualTo("0.9.0");
        assertThat(first.path("status").asText()).isEqualTo("pending");
        assertThat(json.path("flows").get(1).path("previousVersion").isNull()).isTrue();
        assertThat(json.has("failure")).isFalse();
    }

    @Test
    void contentHashIsTheSha256OfTheCanonicalJsonWhateverTheKeyOrder() throws Exception {
        JsonNode json = manifest().toJson();
        JsonNode reordered = Json.parse(CanonicalJson.canonical(flow("flow_a", "1.0.0", "flow:flow_b")));

        assertThat(json.path("flows").get(0).path("contentHash").asText())
                .isEqualTo(CanonicalJson.sha256(reordered))
                .matches("[0-9a-f]{64}");
        assertThat(json.path("flows").get(1).path("contentHash").asText())
                .isNotEqualTo(json.path("flows").get(0).path("contentHash").asText());
    }

    /**
     * The hash anyone can recompute with a standard RFC 8785 tool: the value below is what
     * {@code npx canonicalize < flow.json | sha256sum} (npm canonicalize 5.1.0) prints for this flow,
     * whose numbers, escapes and non-ASCII keys are where a home-made canonical form would differ.
     */
    @Test
    void contentHashIsWhatAStandardRfc8785ToolComputes() throws Exception {
        JsonNode flow = Json.parse("""
                {
                  "version": "3.0.0", "name": "Billing", "id": "flow_billing",
                  "nodes": [ { "type": "say", "id": "n1",
                               "configuration": { "text": "Grüße \\u001f \\ud83d\\ude00 \\"ok\\"", "\\ufb33": 1, "\\ud83d\\ude00": 2,
                                                  "delay": 1.50, "threshold": 1E-7, "ceiling": 1e21, "big": 12345678901234567890,
                                                  "sum": 0.30000000000000004, "neg": -0.0 } } ],
                  "edges": [], "externalReferences": [], "environmentId": "env-dev"
                }""");
        var resolution = DependencyResolver.resolve(List.of(flow), Set.of("flow_billing"), Set.of(), Set.of(), "env-1");
        JsonNode json = new FlowManifest("run-1", Instant.parse("2026-01-02T03:04:05Z"), "env-1", false,
                Map.of("flow_billing", flow), Map.of(), resolution).toJson();

        assertThat(json.path("flows").get(0).path("contentHash").asText())
                .isEqualTo("749d495410e53b323f6e0fd9cfd0aa8be7c1d4916848da8394ea4b3ceccf9c70");
    }

    @Test
    void aFailureMarksFlowsNeverReachedAsNotPushedAndNamesTheFlow() {
        FlowManifest m = manifest();
        m.mark("flow_a", FlowManifest.Status.FAILED, "HTTP 422");

        m.failed("flow_a", "HTTP 422");

        JsonNode json = m.toJson();
        assertThat(json.path("outcome").asText()).isEqualTo("failed");
        assertThat(json.path("failure").toString()).isEqualTo("{\"flowId\":\"flow_a\",\"reason\":\"HTTP 422\"}");
        assertThat(json.path("flows").findValuesAsText("status")).containsExactly("failed", "not_pushed");
        assertThat(m.withStatus(FlowManifest.Status.NOT_PUSHED)).containsExactly("flow_b");
    }
}
