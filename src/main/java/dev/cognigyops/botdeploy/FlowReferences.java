package dev.cognigyops.botdeploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which flow references a deployment cannot resolve: a flow that does not exist, or whose
 * version is not among those {@code GET /v1/bots/{botId}/flows/{flowId}/versions} lists. Cognigy
 * would refuse the deployment later (409); we name every missing one before anything is deployed.
 */
public final class FlowReferences {

    /** One {@code {flowId, version}} of the payload. */
    public record Ref(String flowId, String version) {
        @Override
        public String toString() {
            return "flow " + flowId + " version " + version;
        }
    }

    private FlowReferences() {
    }

    /** The distinct flows to ask about, in payload order. */
    public static List<String> flowIds(List<Ref> refs) {
        Set<String> ids = new LinkedHashSet<>();
        refs.forEach(r -> ids.add(r.flowId()));
        return List.copyOf(ids);
    }

    /** The versions a {@code {items: [{version}]}} answer lists. */
    public static Set<String> listedVersions(JsonNode answer) {
        Set<String> versions = new LinkedHashSet<>();
        for (JsonNode item : answer.path("items")) {
            JsonNode v = item.get("version");
            if (v != null && !v.isNull()) {
                versions.add(v.asText());
            }
        }
        return versions;
    }

    /**
     * The references not resolved, each with why.
     *
     * @param listed per flow id, the versions listed; a flow that does not exist is absent
     */
    public static List<String> missing(List<Ref> refs, Map<String, Set<String>> listed) {
        List<String> missing = new ArrayList<>();
        for (Ref ref : refs) {
            Set<String> versions = listed.get(ref.flowId());
            if (versions == null) {
                missing.add(ref + " (no such flow in the bot)");
            } else if (!versions.contains(ref.version())) {
                missing.add(ref + " (versions listed: " + (versions.isEmpty() ? "none" : String.join(", ", versions)) + ")");
            }
        }
        return missing;
    }
}
