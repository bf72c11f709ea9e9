package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.webhooks.WebhookTargets;

/**
 * training-monitor's payload (docs/contract.md#operations): {@code {projectId, jobId, webhookUrl?, pollIntervalSeconds = 15,
 * policy: {maxStagnationSeconds = 300, maxCpuThreshold = 95, maxMemoryThreshold = 90, enableAutoCancel = true}}}.
 */
public record MonitorRequest(String projectId, String jobId, String webhookUrl, Duration pollInterval,
                             CancellationPolicy policy) {

    static final Set<String> FIELDS = Set.of("projectId", "jobId", "webhookUrl", "pollIntervalSeconds", "policy");
    static final Set<String> POLICY_FIELDS = Set.of("maxStagnationSeconds", "maxCpuThreshold", "maxMemoryThreshold",
            "enableAutoCancel");
    /** Fields only profile cognigy-v2 takes (TaskMonitorRequest): named when sent to a seeds instance. */
    static final Set<String> COGNIGY_V2_ONLY = Set.of("taskId");
    static final long DEFAULT_INTERVAL_SECONDS = 15;
    static final long MAX_INTERVAL_SECONDS = 86_400;
    static final long MAX_STAGNATION_SECONDS = 7 * 86_400;
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String ID_HINT = "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit";

    /** Names every rule the payload breaks; {@code webhooks} says where its webhook may point. */
    public static void validate(JsonNode payload, Violations v, WebhookTargets webhooks) {
        for (String field : COGNIGY_V2_ONLY) {
            if (payload.has(field)) {
                v.add("payload." + field, "is a field of profile cognigy-v2 (a Cognigy task); this instance runs profile "
                        + "seeds (cognigy.api.profile), where a training job is named by projectId and jobId");
            }
        }
        v.rejectUnknownFields(without(payload, COGNIGY_V2_ONLY), "payload.", FIELDS);
        v.requireText(payload, "projectId", "payload.projectId", ID, ID_HINT);
        v.requireText(payload, "jobId", "payload.jobId", ID, ID_HINT);
        String webhook = v.optionalText(payload, "webhookUrl", "payload.webhookUrl", null, null);
        WebhookTargets.Verdict verdict = webhook == null ? null : webhooks.check(webhook);
        if (verdict != null && !verdict.allowed()) {
            v.add("payload.webhookUrl", verdict.reason());
        }
        wholeNumber(payload, "pollIntervalSeconds", "payload.pollIntervalSeconds", 1, MAX_INTERVAL_SECONDS, v);
        JsonNode policy = payload.get("policy");
        if (policy != null && !policy.isNull()) {
            if (!policy.isObject()) {
                v.add("payload.policy", "must be an object");
                return;
            }
            v.rejectUnknownFields(policy, "payload.policy.", POLICY_FIELDS);
            wholeNumber(policy, "maxStagnationSeconds", "payload.policy.maxStagnationSeconds", 1, MAX_STAGNATION_SECONDS, v);
            percent(policy, "maxCpuThreshold", "payload.policy.maxCpuThreshold", v);
            percent(policy, "maxMemoryThreshold", "payload.policy.maxMemoryThreshold", v);
            JsonNode auto = policy.get("enableAutoCancel");
            if (auto != null && !auto.isNull() && !auto.isBoolean()) {
                v.add("payload.policy.enableAutoCancel", "must be true or false");
            }
        }
    }

    /** The request of a payload that passed {@link #validate}, with its defaults. */
    public static MonitorRequest from(JsonNode payload, String defaultWebhook) {
        JsonNode policy = payload.path("policy");
        CancellationPolicy d = CancellationPolicy.DEFAULT;
        String hook = payload.hasNonNull("webhookUrl") ? payload.get("webhookUrl").asText() : defaultWebhook;
        return new MonitorRequest(payload.get("projectId").asText(), payload.get("jobId").asText(), hook,
                Duration.ofSeconds(payload.path("pollIntervalSeconds").asLong(DEFAULT_INTERVAL_SECONDS)),
                new CancellationPolicy(
                        policy.path("maxStagnationSeconds").asLong(d.maxStagnationSeconds()),
                        policy.path("maxCpuThreshold").asDouble(d.maxCpuThreshold()),
                        policy.path("maxMemoryThreshold").asDouble(d.maxMemoryThreshold()),
                        policy.path("enableAutoCancel").asBoolean(d.enableAutoCancel())));
    }

    /** The audit resource: {@code training:<projectId>:<jobId>}. */
    public String resource() {
        return "training:" + projectId + ":" + jobId;
    }

    /** The object without the fields already named otherwise (so each is named once). */
    static JsonNode without(JsonNode object, Set<String> fields) {
        if (!object.isObject()) {
            return object;
        }
        var copy = ((com.fasterxml.jackson.databind.node.ObjectNode) object).deepCopy();
        copy.remove(fields);
        return copy;
    }

    static void wholeNumber(JsonNode node, String field, String path, long min, long max, Violations v) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() && !(value.isNumber() && value.asDouble() == Math.rint(value.asDouble()))) {
            v.add(path, "must be a whole number of seconds");
        } else if (value.asDouble() < min || value.asDouble() > max) {
            v.add(path, "must be between " + min + " and " + max + " seconds, was " + value.asText());
        }
    }

    private static void percent(JsonNode node, String field, String path, Violations v) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            v.add(path, "must be a number (a percentage, 0–100)");
        } else if (!(value.asDouble() >= 0 && value.asDouble() <= 100)) {
            v.add(path, "must be between 0 and 100, was " + value.asText());
        }
    }
}
