package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.Violations;

/**
 * flow-deploy's payload on profile cognigy-v2 (docs/contract.md §9): {@code {sourceProjectId, targetProjectId,
 * flowIds?: [flow _id], dryRun = false}}. The seeds' target environment means nothing on a real tenant (flows
 * go from one project to another) and is REJECTED by name, not ignored.
 *
 * @param flowIds the flows' {@code _id}s in the source project, or null for every flow
 */
public record FlowPromotionRequest(String sourceProjectId, String targetProjectId, List<String> flowIds, boolean dryRun) {

    static final Set<String> FIELDS = Set.of("sourceProjectId", "targetProjectId", "flowIds", "dryRun");
    /** Seeds-only fields, each with why it means nothing here. */
    static final Map<String, String> SEEDS_ONLY = Map.of(
            "targetEnvironmentId", "a seeds environment; on a real tenant flows go from sourceProjectId to targetProjectId");
    /** Fields only profile cognigy-v2 takes: named when sent to a seeds instance. */
    static final Set<String> COGNIGY_V2_ONLY = Set.of("sourceProjectId", "targetProjectId");
    /** A Cognigy id (a MongoDB ObjectId is 24 hex digits; any id-like text is taken, the tenant judges it). */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String ID_HINT = "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /** Names every rule the payload breaks. */
    public static void validate(JsonNode payload, Violations v) {
        payload.fieldNames().forEachRemaining(name -> {
            if (SEEDS_ONLY.containsKey(name)) {
                v.add("payload." + name, "is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): "
                        + SEEDS_ONLY.get(name));
            }
        });
        v.rejectUnknownFields(without(payload, SEEDS_ONLY.keySet()), "payload.", FIELDS);
        String source = v.requireText(payload, "sourceProjectId", "payload.sourceProjectId", ID, ID_HINT);
        String target = v.requireText(payload, "targetProjectId", "payload.targetProjectId", ID, ID_HINT);
        if (source != null && source.equals(target)) {
            v.add("payload.targetProjectId", "must differ from sourceProjectId (a project's flows are already in it)");
        }
        JsonNode ids = payload.get("flowIds");
        if (ids != null && !ids.isNull()) {
            if (!ids.isArray()) {
                v.add("payload.flowIds", "must be an array of flow _ids of the source project");
            } else if (ids.isEmpty()) {
                v.add("payload.flowIds", "must name at least one flow when given (leave it out to deploy every flow)");
            } else {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < ids.size(); i++) {
                    JsonNode id = ids.get(i);
                    String path = "payload.flowIds[" + i + "]";
                    if (!id.isTextual()) {
                        v.add(path, "must be a string");
                    } else if (!ID.matcher(id.asText()).matches()) {
                        v.add(path, ID_HINT);
                    } else if (!seen.add(id.asText())) {
                        v.add(path, "repeats " + id.asText());
                    }
                }
            }
        }
        JsonNode dryRun = payload.get("dryRun");
        if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
            v.add("payload.dryRun", "must be true or false");
        }
    }

    /** On a seeds instance: the cognigy-v2 fields named as such (the seeds payload rejects them by name). */
    static void rejectOnSeeds(JsonNode payload, Violations v) {
        for (String field : COGNIGY_V2_ONLY) {
            if (payload.has(field)) {
                v.add("payload." + field, "is a field of profile cognigy-v2 (flows promoted between projects); this "
                        + "instance runs profile seeds (cognigy.api.profile)");
            }
        }
    }

    /** The request of a payload that passed {@link #validate}. */
    public static FlowPromotionRequest from(JsonNode payload) {
        List<String> ids = null;
        if (payload.path("flowIds").isArray()) {
            ids = new ArrayList<>();
            for (JsonNode id : payload.path("flowIds")) {
                ids.add(id.asText());
            }
        }
        return new FlowPromotionRequest(payload.get("sourceProjectId").asText(), payload.get("targetProjectId").asText(),
                ids, payload.path("dryRun").asBoolean(false));
    }

    static JsonNode without(JsonNode object, Set<String> fields) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = ((com.fasterxml.jackson.databind.node.ObjectNode) object).deepCopy();
        copy.remove(fields);
        return copy;
    }
}
