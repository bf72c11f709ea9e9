package dev.cognigyops.nluexport;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.webhooks.WebhookTargets;

/**
 * nlu-export's payload on profile cognigy-v2 (docs/contract.md §9): {@code {projectId, snapshotName?,
 * description?, s3Bucket?, s3Key?, webhookUrl?, rotate = false}}. The fields that only mean something on
 * the seeds API (an NLU model's id, version and export format) are REJECTED by name, not ignored.
 */
public record SnapshotExportRequest(String projectId, String snapshotName, String description, String bucket,
                                    String s3Key, String webhookUrl, boolean rotate) {

    static final Set<String> FIELDS = Set.of("projectId", "snapshotName", "description", "s3Bucket", "s3Key", "webhookUrl",
            "rotate");
    /** Seeds-only fields, each with why it means nothing here. */
    static final Map<String, String> SEEDS_ONLY = Map.of(
            "modelId", "a seeds NLU model; on a real tenant the export is a snapshot of the project (projectId)",
            "modelVersion", "a seeds NLU model's version; a snapshot is the project as it is now",
            "format", "a snapshot is always a .csnap file");
    /** Fields only this profile takes: named when sent to an instance of profile seeds. */
    static final Set<String> COGNIGY_V2_ONLY = Set.of("projectId", "snapshotName", "description", "rotate");
    /** Not a limit Cognigy documents (I): keeps the POST far below its 60 kB body limit. */
    static final int MAX_DESCRIPTION = 2000;

    /** Names every rule the payload breaks. */
    public static void validate(JsonNode payload, Violations v, boolean bucketConfigured, WebhookTargets webhooks) {
        payload.fieldNames().forEachRemaining(name -> {
            if (SEEDS_ONLY.containsKey(name)) {
                v.add("payload." + name, "is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): "
                        + SEEDS_ONLY.get(name));
            }
        });
        com.fasterxml.jackson.databind.node.ObjectNode rest = payload.deepCopy();
        rest.remove(SEEDS_ONLY.keySet());
        v.rejectUnknownFields(rest, "payload.", FIELDS);
        v.requireText(payload, "projectId", "payload.projectId", NluExport.ID,
                "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit (a Cognigy project's _id)");
        String name = v.optionalText(payload, "snapshotName", "payload.snapshotName", null, null);
        if (name != null) {
            SnapshotName.problems(name).forEach(p -> v.add("payload.snapshotName", p));
        }
        JsonNode description = payload.get("description");
        if (description != null && !description.isNull()) {
            if (!description.isTextual()) {
                v.add("payload.description", "must be a string");
            } else if (description.asText().length() > MAX_DESCRIPTION) {
                v.add("payload.description", "must be at most " + MAX_DESCRIPTION + " characters");
            }
        }
        String bucket = v.optionalText(payload, "s3Bucket", "payload.s3Bucket", NluExport.BUCKET,
                "must be a valid S3 bucket name (3–63 lower-case letters, digits, '.' or '-')");
        if (bucket == null && !payload.hasNonNull("s3Bucket") && !bucketConfigured) {
            v.add("payload.s3Bucket", "is required when the setting cognigy.s3.bucket is not set");
        }
        String key = v.optionalText(payload, "s3Key", "payload.s3Key", NluExport.KEY,
                "must not start with '/', and have no '..' segment or control character");
        if (key != null && key.getBytes(StandardCharsets.UTF_8).length > NluExport.MAX_KEY_BYTES) {
            v.add("payload.s3Key", "must be at most " + NluExport.MAX_KEY_BYTES + " bytes in UTF-8 (S3 allows 1024, and the "
                    + "upload first goes to a staging key with a suffix)");
        }
        String webhook = v.optionalText(payload, "webhookUrl", "payload.webhookUrl", null, null);
        WebhookTargets.Verdict verdict = webhook == null ? null : webhooks.check(webhook);
        if (verdict != null && !verdict.allowed()) {
            v.add("payload.webhookUrl", verdict.reason());
        }
        JsonNode rotate = payload.get("rotate");
        if (rotate != null && !rotate.isNull() && !rotate.isBoolean()) {
            v.add("payload.rotate", "must be true or false");
        }
    }

    /** The request of a payload that passed {@link #validate}, with its defaults; the name defaults to {@code cognigy-ops-<runId>}. */
    public static SnapshotExportRequest from(JsonNode payload, String runId, String defaultBucket, String defaultWebhook) {
        return new SnapshotExportRequest(payload.get("projectId").asText(),
                text(payload, "snapshotName", SnapshotName.defaultFor(runId)), text(payload, "description", ""),
                text(payload, "s3Bucket", defaultBucket), text(payload, "s3Key", null),
                text(payload, "webhookUrl", defaultWebhook), payload.path("rotate").asBoolean(false));
    }

    /** Where the .csnap goes: the requested key, or {@code snapshots/{projectId}/{snapshotName}.csnap}. */
    public String key() {
        return s3Key != null ? s3Key : "snapshots/" + projectId + "/" + snapshotName + ".csnap";
    }

    private static String text(JsonNode payload, String field, String otherwise) {
        return payload.hasNonNull(field) ? payload.get(field).asText() : otherwise;
    }
}
