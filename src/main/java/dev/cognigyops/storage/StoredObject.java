package dev.cognigyops.storage;

/** An object written to S3: where, how big, its SHA-256 (hex) and how long receiving it took. */
public record StoredObject(String bucket, String key, long sizeBytes, String sha256, double transferSeconds) {

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }
}
