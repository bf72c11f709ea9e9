package dev.cognigyops.nluexport;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.calls.OutboundCall;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.calls.RedirectRule;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.storage.ArtifactStore;
import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;
import dev.cognigyops.webhooks.WebhookTargets;

/**
 * nlu-export (docs/contract.md#nlu-export): check the model version is TRAINED, start the export,
 * poll its job, stream the artifact into S3, notify the webhook, audit. The route,
 * {@code routes/operations/nlu-export.camel.yaml}, makes the calls; each public method here is one decision or
 * one step's outcome, taking the run's {@link NluExportRun} and an answer and returning the next
 * {@link NluExportRun} (or a request body, or the output). Nothing here knows Camel's Exchange.
 */
public final class NluExport implements Operation {

    public static final String NAME = "nlu-export";
    private static final Set<String> FIELDS = Set.of("modelId", "modelVersion", "format", "s3Bucket", "s3Key", "webhookUrl");
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_]{1,32}");
    static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final Pattern KEY = Pattern.compile("(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\p{Cntrl}]+");
    /** S3 keys are at most 1024 bytes; the staging key adds ".uploading-<runId>" to this one. */
    static final int MAX_KEY_BYTES = 900;

    private final Settings settings;
    private final WebhookTargets webhookTargets;
    private final ArtifactDownload download;
    private final ArtifactStore store;
    private final AuditLog audit;
    private final Clock clock;

    public NluExport(Settings settings, ArtifactDownload download, ArtifactStore store, AuditLog audit, Clock clock) {
        this.settings = settings;
        this.webhookTargets = WebhookTargets.from(settings);
        this.download = download;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }


    @Override
    public void validate(JsonNode payload, Violations v) {
        for (String field : SnapshotExportRequest.COGNIGY_V2_ONLY) {
            if (payload.has(field)) {
                v.add("payload." + field, "is a field of profile cognigy-v2 (a snapshot of a Cognigy project); this instance "
                        + "runs profile seeds (cognigy.api.profile), where an export is of an NLU model (modelId, modelVersion)");
            }
        }
        com.fasterxml.jackson.databind.node.ObjectNode rest = payload.deepCopy();
        rest.remove(SnapshotExportRequest.COGNIGY_V2_ONLY);
        v.rejectUnknownFields(rest, "payload.", FIELDS);
        String hint = "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit";
        v.requireText(payload, "modelId", "payload.modelId", ID, hint);
        v.requireText(payload, "modelVersion", "payload.modelVersion", ID, hint);
        v.optionalText(payload, "format", "payload.format", FORMAT, "must be 1–32 letters, digits or '_' (e.g. ONNX)");
        String bucket = v.optionalText(payload, "s3Bucket", "payload.s3Bucket", BUCKET,
                "must be a valid S3 bucket name (3–63 lower-case letters, digits, '.' or '-')");
        if (bucket == null && !payload.hasNonNull("s3Bucket") && settings.get("cognigy.s3.bucket").isEmpty()) {
            v.add("payload.s3Bucket", "is required when the setting cognigy.s3.bucket is not set");
        }
        String key = v.optionalText(payload, "s3Key", "payload.s3Key", KEY,
                "must not start with '/', and have no '..' segment or control character");
        if (key != null && key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            v.add("payload.s3Key", "must be at most " + MAX_KEY_BYTES + " bytes in UTF-8 (S3 allows 1024, and the "
                    + "upload first goes to a staging key with a suffix)");
        }
        String webhook = v.optionalText(payload, "webhookUrl", "payload.webhookUrl", null, null);
        WebhookTargets.Verdict verdict = webhook == null ? null : webhookTargets.check(webhook);
        if (verdict != null && !verdict.allowed()) {
            v.add("payload.webhookUrl", verdict.reason());
        }
    }

    /** Built for profile cognigy-v2: a snapshot of the project into S3 (NluExportV2, route direct:nlu-export-v2). */
    @Override
    public boolean onCognigyV2() {
        return true;
    }

    @Override
    public void validateOnCognigyV2(JsonNode payload, Violations violations) {
        SnapshotExportRequest.validate(payload, violations, !settings.get("cognigy.s3.bucket").isEmpty(), webhookTargets);
    }

    /** First step: a new run's state from its payload, or the saved state the run goes on from. */
    public NluExportRun begin(@ExchangeProperty(RunContext.PROPERTY) RunContext run) {
        if (run.resumeFrom() != null) {
            return Json.MAPPER.convertValue(run.resumeFrom(), NluExportRun.class);
        }
        return new NluExportRun(NluExportRun.Phase.STARTED, run.runId(), run.payloadText("modelId", null),
                run.payloadText("modelVersion", null), run.payloadText("format", "ONNX"),
                run.payloadText("s3Bucket", settings.get("cognigy.s3.bucket", null)), run.payloadText("s3Key", null),
                run.payloadText("webhookUrl", settings.get("cognigy.webhook.url", null)), clock.millis(),
                null, null, null, 0, null, null, null);
    }

    /** The model version's answer: it must be TRAINED. */
    public NluExportRun versionChecked(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run, @Body JsonNode version) {
        String status = Json.text(version, "status");
        if (!"TRAINED".equals(status)) {
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "model " + run.modelId() + " version " + run.modelVersion()
                    + " is in state " + status + "; an export needs TRAINED");
        }
        return run.at(NluExportRun.Phase.VERSION_CHECKED);
    }

    /** The body of the export request. */
    public JsonNode exportRequest(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run) {
        ObjectNode body = Json.object();
        body.put("modelId", run.modelId());
        body.put("version", run.modelVersion());
        body.put("format", run.format());
        ObjectNode metadata = body.putObject("metadata");
        metadata.put("exported_by", AuditLog.ACTOR);
        metadata.put("runId", run.runId());
        return body;
    }

    /** The export request's answer: its job and export ids. */
    public NluExportRun exportRequested(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run, @Body JsonNode answer) {
        String jobId = Json.text(answer, "jobId");
        String exportId = Json.text(answer, "exportId");
        if (jobId == null || exportId == null) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the export request was accepted but the answer has no "
                    + (jobId == null ? "jobId" : "exportId") + ": " + answer);
        }
        return run.withExport(jobId, exportId);
    }

    /** One read of the export job: still going, COMPLETED with its download, or a failure. */
    public NluExportRun jobRead(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run, @Body JsonNode job) {
        String status = Json.text(job, "status");
        int progress = job.path("progress").asInt(run.progress());
        switch (status == null ? "" : status) {
            case "COMPLETED" -> {
                String downloadUrl = Json.text(job, "downloadUrl");
                if (downloadUrl == null || downloadUrl.isBlank()) {
                    throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "export job " + run.jobId()
                            + " is COMPLETED but has no downloadUrl");
                }
                return run.withJob(NluExportRun.Phase.JOB_COMPLETED, status, progress, downloadUrl);
            }
            case "FAILED" -> throw new RunFailure(ErrorCode.JOB_FAILED, "export job " + run.jobId() + " FAILED: "
                    + (Json.text(job, "errorMessage") == null ? "no errorMessage given" : Json.text(job, "errorMessage")));
            case "PENDING", "RUNNING" -> {
                return run.withJob(NluExportRun.Phase.EXPORT_REQUESTED, status, progress, null);
            }
            default -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "export job " + run.jobId()
                    + " has an unexpected status '" + status + "'");
        }
    }

    /**
     * The download: with the run's token only when it goes to the tenant's own origin; a redirect to
     * another origin is followed without it ({@link ArtifactDownload}).
     */
    public OutboundCall download(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run) {
        URI base = URI.create(settings.require("cognigy.base-url"));
        URI url = resolve(base, run.downloadUrl());
        return OutboundCall.download(url.toString(), RedirectRule.sameOrigin(base, url), "ARTIFACT_STORED", run.resource());
    }

    /**
     * Streams the artifact into S3 (retried whole by the route's call configuration). The SDK does
     * this, not camel-aws2-s3: the component takes a body it can read twice or a known length, and a
     * download is neither; ArtifactStore streams it once, hashing it on the way (see its comment).
     */
    public NluExportRun transfer(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run,
                                 @ExchangeProperty(OutboundCalls.CALL) OutboundCall call,
                                 @ExchangeProperty(OutboundCalls.STATE) OutboundCalls.CallState attempt,
                                 @Header("Authorization") String authorization,
                                 @ExchangeProperty(RunContext.PROPERTY) RunContext context) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("export-format", run.format());
        metadata.put("model-id", run.modelId());
        metadata.put("model-version", run.modelVersion());
        metadata.put("export-id", run.exportId());
        StoredObject stored;
        try (ArtifactDownload.Opened opened = download.open(URI.create(call.target()), authorization)) {
            stored = store.store(opened.body(), opened.contentLength(), run.bucket(), run.key(),
                    opened.contentType(), metadata, run.runId());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("export_id", run.exportId());
        details.put("job_id", run.jobId());
        stored.describeInto(details, attempt == null ? 1 : attempt.attempts());
        audit.record(context, "ARTIFACT_STORED", "SUCCESS", run.resource(), details);
        return run.withStored(stored);
    }

    /** The webhook's payload (seed 000's). */
    public JsonNode webhookPayload(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run) {
        ObjectNode payload = Json.object();
        payload.put("event", "nlu_model_export_completed");
        payload.put("timestamp", clock.instant().toString());
        ObjectNode data = payload.putObject("data");
        data.put("modelId", run.modelId());
        data.put("version", run.modelVersion());
        data.put("exportId", run.exportId());
        data.put("jobId", run.jobId());
        data.put("storageLocation", run.stored().uri());
        data.put("artifactSizeBytes", run.stored().sizeBytes());
        data.put("durationSeconds", seconds(run));
        data.put("status", "SUCCESS");
        return payload;
    }

    /** What became of the webhook ({@code delivered}, {@code attempts}, {@code error}). */
    public NluExportRun webhookNotified(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run, @Body JsonNode outcome) {
        return run.withWebhook(Json.MAPPER.convertValue(outcome, Json.MAPPER.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class)));
    }

    /** The last step: the output, and seed 000's audit record. */
    public JsonNode complete(@ExchangeProperty(NluExportRun.PROPERTY) NluExportRun run,
                             @ExchangeProperty(RunContext.PROPERTY) RunContext context) {
        StoredObject stored = run.stored();
        double seconds = seconds(run);
        ObjectNode out = Json.object();
        out.put("exportId", run.exportId());
        out.put("jobId", run.jobId());
        out.put("s3Uri", stored.uri());
        out.put("artifactSizeBytes", stored.sizeBytes());
        out.put("sha256", stored.sha256());
        out.put("durationSeconds", seconds);
        if (run.webhook() != null) {
            out.set("webhook", Json.MAPPER.valueToTree(run.webhook()));
        }

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("duration_seconds", seconds);
        metrics.put("artifact_size_bytes", stored.sizeBytes());
        metrics.put("storage_destination", stored.uri());
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("encrypted_at_rest", true);
        flags.put("scope_validated", true);
        flags.put("version_constrained", true);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("log_type", "nlu_export_audit");
        details.put("export_id", run.exportId());
        details.put("job_id", run.jobId());
        details.put("sha256", stored.sha256());
        details.put("metrics", metrics);
        details.put("compliance_flags", flags);
        audit.record(context, "EXPORT_COMPLETED", "SUCCESS", run.resource(), details);
        return out;
    }

    private double seconds(NluExportRun run) {
        return Math.round((clock.millis() - run.startedAtMs()) / 10.0) / 100.0;
    }

    static URI resolve(URI base, String url) {
        URI target = URI.create(url);
        if (target.isAbsolute()) {
            return target;
        }
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        return URI.create(root).resolve(url.startsWith("/") ? url.substring(1) : url);
    }
}
