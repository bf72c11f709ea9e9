package dev.cognigyops.storage;

/** An object written to S3: where, how big, its SHA-256 (hex) and how long receiving it took. */
public record StoredObject(String bucket, String key, long sizeBytes, String sha256, double transferSeconds) {

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }

    /** What an audit event of the stored object says: where, how big, its hash, the transfer, SSE and attempts. */
    public void describeInto(java.util.Map<String, Object> details, int attempts) {
        details.put("storage_destination", uri());
        details.put("artifact_size_bytes", sizeBytes);
        details.put("sha256", sha256);
        details.put("download_duration_sec", transferSeconds);
        details.put("server_side_encryption", "AES256");
        details.put("attempts", attempts);
    }
}
