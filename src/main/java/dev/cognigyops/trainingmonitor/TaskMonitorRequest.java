package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.webhooks.WebhookTargets;

/**
 * training-monitor's payload on profile cognigy-v2 (docs/contract.md §9): {@code {taskId, webhookUrl?,
 * pollIntervalSeconds = 15, policy: {maxStagnationSeconds = 300, enableAutoCancel = true}}}. Every field
 * that only means something on the seeds API (a job named by projectId and jobId, CPU and memory
 * thresholds — the real API reports no CPU or memory use) is REJECTED by name, not ignored.
 */
public record TaskMonitorRequest(String taskId, String webhookUrl, Duration pollInterval, TaskPolicy policy) {

    static final Set<String> FIELDS = Set.of("taskId", "webhookUrl", "pollIntervalSeconds", "policy");
    static final Set<String> POLICY_FIELDS = Set.of("maxStagnationSeconds", "enableAutoCancel");
    /** Seeds-only fields, each with why it means nothing here. */
    static final Map<String, String> SEEDS_ONLY = Map.of(
            "projectId", "a seeds training job's project; on a real tenant the task is named by taskId alone",
            "jobId", "a seeds training job; on a real tenant the task is named by taskId");
    static final Map<String, String> SEEDS_ONLY_POLICY = Map.of(
            "maxCpuThreshold", "the real Cognigy API reports no CPU use",
            "maxMemoryThreshold", "the real Cognigy API reports no memory use");

    /** Names every rule the payload breaks. */
    public static void validate(JsonNode payload, Violations v, WebhookTargets webhooks) {
        seedsOnly(payload, "payload.", SEEDS_ONLY, v);
        v.rejectUnknownFields(MonitorRequest.without(payload, SEEDS_ONLY.keySet()), "payload.", FIELDS);
        v.requireText(payload, "taskId", "payload.taskId", MonitorRequest.ID, MonitorRequest.ID_HINT);
        String webhook = v.optionalText(payload, "webhookUrl", "payload.webhookUrl", null, null);
        WebhookTargets.Verdict verdict = webhook == null ? null : webhooks.check(webhook);
        if (verdict != null && !verdict.allowed()) {
            v.add("payload.webhookUrl", verdict.reason());
        }
        MonitorRequest.wholeNumber(payload, "pollIntervalSeconds", "payload.pollIntervalSeconds", 1,
                MonitorRequest.MAX_INTERVAL_SECONDS, v);
        JsonNode policy = payload.get("policy");
        if (policy != null && !policy.isNull()) {
            if (!policy.isObject()) {
                v.add("payload.policy", "must be an object");
                return;
            }
            seedsOnly(policy, "payload.policy.", SEEDS_ONLY_POLICY, v);
            v.rejectUnknownFields(MonitorRequest.without(policy, SEEDS_ONLY_POLICY.keySet()), "payload.policy.", POLICY_FIELDS);
            MonitorRequest.wholeNumber(policy, "maxStagnationSeconds", "payload.policy.maxStagnationSeconds", 1,
                    MonitorRequest.MAX_STAGNATION_SECONDS, v);
            JsonNode auto = policy.get("enableAutoCancel");
            if (auto != null && !auto.isNull() && !auto.isBoolean()) {
                v.add("payload.policy.enableAutoCancel", "must be true or false");
            }
        }
    }

    /** The request of a payload that passed {@link #validate}, with its defaults. */
    public static TaskMonitorRequest from(JsonNode payload, String defaultWebhook) {
        JsonNode policy = payload.path("policy");
        String hook = payload.hasNonNull("webhookUrl") ? payload.get("webhookUrl").asText() : defaultWebhook;
        return new TaskMonitorRequest(payload.get("taskId").asText(), hook,
                Duration.ofSeconds(payload.path("pollIntervalSeconds").asLong(MonitorRequest.DEFAULT_INTERVAL_SECONDS)),
                new TaskPolicy(policy.path("maxStagnationSeconds").asLong(TaskPolicy.DEFAULT.maxStagnationSeconds()),
                        policy.path("enableAutoCancel").asBoolean(TaskPolicy.DEFAULT.enableAutoCancel())));
    }

    private static void seedsOnly(JsonNode object, String prefix, Map<String, String> fields, Violations v) {
        object.fieldNames().forEachRemaining(name -> {
            if (fields.containsKey(name)) {
                v.add(prefix + name, "is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): " + fields.get(name));
            }
        });
    }
}
