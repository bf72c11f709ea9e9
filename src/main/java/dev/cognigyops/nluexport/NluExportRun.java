package dev.cognigyops.nluexport;

import java.util.Locale;
import java.util.Map;

import dev.cognigyops.runs.OperationState;
import dev.cognigyops.storage.StoredObject;

/**
 * Everything one nlu-export run knows, as one value (written as JSON and read back equal): what was
 * asked, how far it got ({@link Phase}), and each thing Cognigy and S3 gave back. Each step of
 * {@code routes/operations/nlu-export.camel.yaml} that learns or changes something outside the program returns
 * the next value before the following step starts; a run restored from any of them goes on from its
 * phase without repeating what it records as done.
 *
 * @param startedAtMs the run's start (epoch ms), for {@code durationSeconds}
 * @param jobStatus   the export job's last status, while it is polled
 * @param stored      the artifact in S3, once stored
 * @param webhook     what became of the webhook ({@code delivered}, {@code attempts}, {@code error}), once notified
 */
public record NluExportRun(Phase phase, String runId, String modelId, String modelVersion, String format, String bucket,
                           String requestedKey, String webhookUrl, long startedAtMs, String jobId, String exportId,
                           String jobStatus, int progress, String downloadUrl, StoredObject stored,
                           Map<String, Object> webhook) implements OperationState {

    /** The exchange property that holds it (the same for every operation's state). */
    public static final String PROPERTY = OperationState.PROPERTY;

    /** How far a run got; each phase is reached when its step's outcome is recorded. */
    public enum Phase {
        STARTED, VERSION_CHECKED, EXPORT_REQUESTED, JOB_COMPLETED, ARTIFACT_STORED, WEBHOOK_NOTIFIED
    }

    /** For the route's filters: has the run not yet reached {@code phase}? */
    public boolean isBefore(String phase) {
        return this.phase.compareTo(Phase.valueOf(phase)) < 0;
    }

    public boolean hasWebhook() {
        return webhookUrl != null;
    }

    @Override
    public Map<String, String> pathValues() {
        return jobId == null ? Map.of("modelId", modelId, "version", modelVersion)
                : Map.of("modelId", modelId, "version", modelVersion, "jobId", jobId);
    }

    @Override
    public String resource() {
        return "nlu:" + modelId + ":" + modelVersion;
    }

    @Override
    public boolean pollDone() {
        return !isBefore(Phase.JOB_COMPLETED.name());
    }

    @Override
    public String pollStatus() {
        return jobStatus == null ? "export job " + jobId + " not read yet"
                : "export job " + jobId + " is " + jobStatus + " (" + progress + "%)";
    }

    /** Where the artifact goes: the requested key, or {@code nlu-exports/{modelId}/{version}/{exportId}.{format}}. */
    public String key() {
        if (requestedKey != null) {
            return requestedKey;
        }
        return "nlu-exports/" + modelId + "/" + modelVersion + "/" + exportId + "." + format.toLowerCase(Locale.ROOT);
    }

    NluExportRun at(Phase next) {
        return new NluExportRun(next, runId, modelId, modelVersion, format, bucket, requestedKey, webhookUrl, startedAtMs,
                jobId, exportId, jobStatus, progress, downloadUrl, stored, webhook);
    }

    NluExportRun withExport(String newJobId, String newExportId) {
        return new NluExportRun(Phase.EXPORT_REQUESTED, runId, modelId, modelVersion, format, bucket, requestedKey, webhookUrl,
                startedAtMs, newJobId, newExportId, jobStatus, progress, downloadUrl, stored, webhook);
    }

    NluExportRun withJob(Phase next, String status, int newProgress, String newDownloadUrl) {
        return new NluExportRun(next, runId, modelId, modelVersion, format, bucket, requestedKey, webhookUrl, startedAtMs,
                jobId, exportId, status, newProgress, newDownloadUrl, stored, webhook);
    }

    NluExportRun withStored(StoredObject object) {
        return new NluExportRun(Phase.ARTIFACT_STORED, runId, modelId, modelVersion, format, bucket, requestedKey, webhookUrl,
                startedAtMs, jobId, exportId, jobStatus, progress, downloadUrl, object, webhook);
    }

    NluExportRun withWebhook(Map<String, Object> outcome) {
        return new NluExportRun(Phase.WEBHOOK_NOTIFIED, runId, modelId, modelVersion, format, bucket, requestedKey, webhookUrl,
                startedAtMs, jobId, exportId, jobStatus, progress, downloadUrl, stored, outcome);
    }
}
