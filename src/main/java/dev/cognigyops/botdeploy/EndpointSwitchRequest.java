package dev.cognigyops.botdeploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.webhooks.WebhookTargets;

/**
 * bot-deploy's payload on profile cognigy-v2 (docs/contract.md §9): {@code {projectId, endpointId, snapshotId,
 * flowReferenceId?, localeId?, webhookUrls = []}} — an endpoint switched to a snapshot. Every field that only
 * means something on the seeds API (a bot deployed to one of two environments, its NLU model and flow
 * versions, regions to sync) is REJECTED by name, not ignored.
 *
 * @param flowReferenceId the referenceId of the flow the endpoint is to serve; null: the flow it serves now
 * @param localeId        the locale it is to serve; null: the locale it serves now
 */
public record EndpointSwitchRequest(String projectId, String endpointId, String snapshotId, String flowReferenceId,
                                    String localeId, List<String> webhookUrls) {

    static final Set<String> FIELDS = Set.of("projectId", "endpointId", "snapshotId", "flowReferenceId", "localeId", "webhookUrls");
    /** Seeds-only fields, each with why it means nothing on a real tenant. */
    static final Map<String, String> SEEDS_ONLY = seedsOnly();
    /** Fields only this profile takes: named when sent to a seeds instance (BotDeploy.validate). */
    static final Set<String> COGNIGY_V2_ONLY = Set.of("projectId", "endpointId", "snapshotId", "flowReferenceId", "localeId");

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final String ID_HINT = "must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";

    private static Map<String, String> seedsOnly() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("botId", "a seeds bot; on a real tenant the endpoint (endpointId) is what is switched");
        fields.put("targetEnvironmentId", "a seeds environment; on a real tenant the endpoint is switched to a snapshot (snapshotId)");
        fields.put("primaryEnvironmentId", "seeds blue-green environments; a real tenant has none: rollback is the endpoint's previous snapshot");
        fields.put("secondaryEnvironmentId", "seeds blue-green environments; a real tenant has none: rollback is the endpoint's previous snapshot");
        fields.put("nluModelId", "a seeds NLU model; on a real tenant the snapshot carries the NLU");
        fields.put("flowReferences", "seeds flow versions; on a real tenant the snapshot holds the flows: name one with flowReferenceId");
        fields.put("syncRegions", "seeds regions; a real tenant has no sync jobs");
        return Map.copyOf(fields);
    }

    /** Names every rule the payload breaks. */
    public static void validate(JsonNode payload, Violations v, WebhookTargets webhooks) {
        payload.fieldNames().forEachRemaining(name -> {
            if (SEEDS_ONLY.containsKey(name)) {
                v.add("payload." + name, "is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): " + SEEDS_ONLY.get(name));
            }
        });
        var rest = payload.deepCopy();
        if (rest instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            object.remove(SEEDS_ONLY.keySet());
        }
        v.rejectUnknownFields(rest, "payload.", FIELDS);
        v.requireText(payload, "projectId", "payload.projectId", ID, ID_HINT);
        v.requireText(payload, "endpointId", "payload.endpointId", ID, ID_HINT);
        v.requireText(payload, "snapshotId", "payload.snapshotId", ID, ID_HINT);
        v.optionalText(payload, "flowReferenceId", "payload.flowReferenceId", ID, ID_HINT);
        v.optionalText(payload, "localeId", "payload.localeId", ID, ID_HINT);
        JsonNode hooks = payload.get("webhookUrls");
        if (hooks == null || hooks.isNull()) {
            return;
        }
        if (!hooks.isArray()) {
            v.add("payload.webhookUrls", "must be an array of strings");
            return;
        }
        if (hooks.size() > BotDeploy.MAX_WEBHOOKS) {
            v.add("payload.webhookUrls", "must have at most " + BotDeploy.MAX_WEBHOOKS + " entries");
            return;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < hooks.size(); i++) {
            String path = "payload.webhookUrls[" + i + "]";
            JsonNode hook = hooks.get(i);
            if (!hook.isTextual() || hook.asText().isBlank()) {
                v.add(path, "must be a non-blank string");
                continue;
            }
            WebhookTargets.Verdict verdict = webhooks.check(hook.asText());
            if (!verdict.allowed()) {
                v.add(path, verdict.reason());
            } else if (!seen.add(hook.asText())) {
                v.add(path, "names " + WebhookProbe.shown(hook.asText()) + " a second time");
            }
        }
    }

    /** The request of a payload that passed {@link #validate}. */
    public static EndpointSwitchRequest from(JsonNode payload) {
        List<String> hooks = new ArrayList<>();
        payload.path("webhookUrls").forEach(h -> hooks.add(h.asText()));
        return new EndpointSwitchRequest(payload.get("projectId").asText(), payload.get("endpointId").asText(),
                payload.get("snapshotId").asText(), text(payload, "flowReferenceId"), text(payload, "localeId"), List.copyOf(hooks));
    }

    private static String text(JsonNode payload, String field) {
        return payload.hasNonNull(field) ? payload.get(field).asText() : null;
    }
}
