package dev.cognigyops.export;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.cognigyops.audit.AuditLog;
import dev.cognigyops.http.OutboundCall;
import dev.cognigyops.http.OutboundCalls;
import dev.cognigyops.http.PathTemplate;
import dev.cognigyops.poll.PollLoop;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.Operation;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.storage.ArtifactStore;
import dev.cognigyops.storage.StoredObject;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Settings;
import dev.cognigyops.webhook.WebhookTargets;

/**
 * nlu-export (seed 000, SPEC §5): check the model version is TRAINED, start the export, poll its
 * job, stream the artifact into S3, notify the webhook, audit. Each public method is one step of
 * {@code routes/nlu-export.camel.yaml}.
 */
public final class NluExport implements Operation {

    public static final String NAME = "nlu-export";
    private static final Set<String> FIELDS = Set.of("modelId", "modelVersion", "format", "s3Bucket", "s3Key", "webhookUrl");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_]{1,32}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern KEY = Pattern.compile("(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\p{Cntrl}]+");
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
    public Set<String> scopes() {
        return settings.scopes(NAME);
    }

    @Override
    public void validate(JsonNode payload, Violations v) {
        v.rejectUnknownFields(payload, "payload.", FIELDS);
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

    /** Step: remember the request, and ask for the model version. */
    public void checkVersion(Exchange exchange) {
        RunContext run = RunContext.of(exchange);
        var state = new ExportState(run.payloadText("modelId", null), run.payloadText("modelVersion", null),
                run.payloadText("format", "ONNX"), run.payloadText("s3Bucket", settings.get("cognigy.s3.bucket", null)),
                run.payloadText("s3Key", null), run.payloadText("webhookUrl", settings.get("cognigy.webhook.url", null)),
                clock.instant());
        exchange.setProperty(ExportState.PROPERTY, state);
        call(exchange, OutboundCall.cognigy("GET", PathTemplate.expand(settings.require("cognigy.api.nlu-model-version"),
                        Map.of("modelId", state.modelId, "version", state.version)),
                null, "MODEL_VERSION_CHECKED", state.resource()));
    }

    /** Step: the version must be TRAINED; then ask for the export. */
    public void startExport(Exchange exchange) {
        ExportState state = state(exchange);
        String status = Json.text(OutboundCalls.response(exchange), "status");
        if (!"TRAINED".equals(status)) {
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "model " + state.modelId + " version " + state.version
                    + " is in state " + status + "; an export needs TRAINED");
        }
        ObjectNode body = Json.object();
        body.put("modelId", state.modelId);
        body.put("version", state.version);
        body.put("format", state.format);
        ObjectNode metadata = body.putObject("metadata");
        metadata.put("exported_by", AuditLog.ACTOR);
        metadata.put("runId", RunContext.of(exchange).runId());
        call(exchange, OutboundCall.cognigy("POST", PathTemplate.expand(settings.require("cognigy.api.nlu-exports"),
                        Map.of("modelId", state.modelId)),
                body, "EXPORT_REQUESTED", state.resource()));
    }

    /** Step: keep the job and export ids. */
    public void exportStarted(Exchange exchange) {
        ExportState state = state(exchange);
        JsonNode answer = OutboundCalls.response(exchange);
        state.jobId = Json.text(answer, "jobId");
        state.exportId = Json.text(answer, "exportId");
        if (state.jobId == null || state.exportId == null) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the export request was accepted but the answer has no "
                    + (state.jobId == null ? "jobId" : "exportId") + ": " + answer);
        }
    }

    /** Poll step: ask for the job. */
    public void readJob(Exchange exchange) {
        ExportState state = state(exchange);
        // the job id is Cognigy's, not checked like the payload's ids: encoded all the same
        call(exchange, OutboundCall.cognigy("GET", PathTemplate.expand(settings.require("cognigy.api.jobs"),
                Map.of("jobId", state.jobId)), null, "EXPORT_JOB_STATUS", state.resource()));
    }

    /** Poll step: interpret the job's status. */
    public void jobRead(Exchange exchange) {
        ExportState state = state(exchange);
        JsonNode job = OutboundCalls.response(exchange);
        String status = Json.text(job, "status");
        state.progress = job.path("progress").asInt(state.progress);
        switch (status == null ? "" : status) {
            case "COMPLETED" -> {
                state.downloadUrl = Json.text(job, "downloadUrl");
                if (state.downloadUrl == null || state.downloadUrl.isBlank()) {
                    throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "export job " + state.jobId
                            + " is COMPLETED but has no downloadUrl");
                }
                PollLoop.done(exchange);
            }
            case "FAILED" -> throw new RunFailure(ErrorCode.JOB_FAILED, "export job " + state.jobId + " FAILED: "
                    + (Json.text(job, "errorMessage") == null ? "no errorMessage given" : Json.text(job, "errorMessage")));
            case "PENDING", "RUNNING" -> PollLoop.pending(exchange,
                    "export job " + state.jobId + " is " + status + " (" + state.progress + "%)");
            default -> throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "export job " + state.jobId
                    + " has an unexpected status '" + status + "'");
        }
    }

    /**
     * Step: the download, sent with the run's token only when it goes to the tenant's own origin; a
     * redirect to another origin is followed without it ({@link ArtifactDownload}).
     */
    public void prepareDownload(Exchange exchange) {
        ExportState state = state(exchange);
        URI base = URI.create(settings.require("cognigy.base-url"));
        URI url = resolve(base, state.downloadUrl);
        boolean sameOrigin = dev.cognigyops.http.RedirectRule.sameOrigin(base, url);
        exchange.setProperty(OutboundCalls.CALL, OutboundCall.download(url.toString(), sameOrigin, "ARTIFACT_STORED", state.resource()));
    }

    /** Step (retried whole by the call route configuration): stream the artifact into S3. */
    public void transfer(Exchange exchange) throws IOException {
        ExportState state = state(exchange);
        OutboundCall call = exchange.getProperty(OutboundCalls.CALL, OutboundCall.class);
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("export-format", state.format);
        metadata.put("model-id", state.modelId);
        metadata.put("model-version", state.version);
        metadata.put("export-id", state.exportId);
        try (ArtifactDownload.Opened opened = download.open(URI.create(call.target()), authorization)) {
            state.stored = store.store(opened.body(), opened.contentLength(), state.bucket, state.key(),
                    opened.contentType(), metadata, RunContext.of(exchange).runId());
        } finally {
            exchange.getMessage().removeHeaders("*");
        }
        StoredObject stored = state.stored;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("export_id", state.exportId);
        details.put("job_id", state.jobId);
        details.put("storage_destination", stored.uri());
        details.put("artifact_size_bytes", stored.sizeBytes());
        details.put("sha256", stored.sha256());
        details.put("download_duration_sec", stored.transferSeconds());
        details.put("server_side_encryption", "AES256");
        details.put("attempts", OutboundCalls.attempts(exchange));
        audit.record(RunContext.of(exchange), "ARTIFACT_STORED", "SUCCESS", state.resource(), details);
        exchange.removeProperty(OutboundCalls.CALL);
    }

    /** Filter: is there a webhook to notify? */
    public boolean hasWebhook(Exchange exchange) {
        return state(exchange).webhookUrl != null;
    }

    /** Step: the webhook call with seed 000's payload. */
    public void notifyWebhook(Exchange exchange) {
        ExportState state = state(exchange);
        ObjectNode payload = Json.object();
        payload.put("event", "nlu_model_export_completed");
        payload.put("timestamp", clock.instant().toString());
        ObjectNode data = payload.putObject("data");
        data.put("modelId", state.modelId);
        data.put("version", state.version);
        data.put("exportId", state.exportId);
        data.put("jobId", state.jobId);
        data.put("storageLocation", state.stored.uri());
        data.put("artifactSizeBytes", state.stored.sizeBytes());
        data.put("durationSeconds", seconds(exchange));
        data.put("status", "SUCCESS");
        call(exchange, OutboundCall.webhook(state.webhookUrl, payload, "WEBHOOK_SENT", state.resource()));
    }

    /** Step: the output and seed 000's audit record. */
    public void complete(Exchange exchange) {
        ExportState state = state(exchange);
        StoredObject stored = state.stored;
        double seconds = seconds(exchange);
        ObjectNode out = RunContext.of(exchange).output();
        out.put("exportId", state.exportId);
        out.put("jobId", state.jobId);
        out.put("s3Uri", stored.uri());
        out.put("artifactSizeBytes", stored.sizeBytes());
        out.put("sha256", stored.sha256());
        out.put("durationSeconds", seconds);

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
        details.put("export_id", state.exportId);
        details.put("job_id", state.jobId);
        details.put("sha256", stored.sha256());
        details.put("metrics", metrics);
        details.put("compliance_flags", flags);
        audit.record(RunContext.of(exchange), "EXPORT_COMPLETED", "SUCCESS", state.resource(), details);
    }

    private double seconds(Exchange exchange) {
        return Math.round(Duration.between(state(exchange).startedAt, clock.instant()).toMillis() / 10.0) / 100.0;
    }

    static URI resolve(URI base, String url) {
        URI target = URI.create(url);
        if (target.isAbsolute()) {
            return target;
        }
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        return URI.create(root).resolve(url.startsWith("/") ? url.substring(1) : url);
    }

    private static void call(Exchange exchange, OutboundCall call) {
        exchange.setProperty(OutboundCalls.CALL, call);
    }



    private static ExportState state(Exchange exchange) {
        return exchange.getProperty(ExportState.PROPERTY, ExportState.class);
    }
}
