package dev.cognigyops.export;

import java.time.Instant;

import dev.cognigyops.storage.StoredObject;

/** What one nlu-export run has learnt so far; the exchange property {@value #PROPERTY}. */
final class ExportState {

    static final String PROPERTY = "nluExport";

    final String modelId;
    final String version;
    final String format;
    final String bucket;
    final String requestedKey;
    final String webhookUrl;
    final Instant startedAt;
    String jobId;
    String exportId;
    String downloadUrl;
    int progress;
    StoredObject stored;

    ExportState(String modelId, String version, String format, String bucket, String requestedKey, String webhookUrl,
                Instant startedAt) {
        this.modelId = modelId;
        this.version = version;
        this.format = format;
        this.bucket = bucket;
        this.requestedKey = requestedKey;
        this.webhookUrl = webhookUrl;
        this.startedAt = startedAt;
    }

    String resource() {
        return "nlu:" + modelId + ":" + version;
    }

    String key() {
        if (requestedKey != null) {
            return requestedKey;
        }
        return "nlu-exports/" + modelId + "/" + version + "/" + exportId + "." + format.toLowerCase(java.util.Locale.ROOT);
    }
}
