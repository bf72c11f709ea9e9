package dev.cognigyops.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import dev.cognigyops.calls.TruncatedDownloadException;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;

/**
 * Streams an artifact into S3 without ever holding it whole: the bytes go from the download
 * straight into an upload to a staging key while their SHA-256 is computed; once every byte has
 * arrived and the count matches, the object is copied to its final key with its metadata
 * (including the hash, known only now) and {@code ServerSideEncryption=AES256}, and the staging
 * object is deleted. Readers therefore never see a partial or unverified artifact under the
 * final key, and a failed transfer leaves nothing behind.
 *
 * <p>With a known length the upload is one streamed PUT (no buffer at all); without one it is a
 * multipart upload with one reused part buffer. Memory use does not grow with the artifact.
 *
 * <p>Every S3 call ends within the client's {@code apiCallTimeout} ({@code cognigy.s3.read-timeout-seconds}).
 * S3 not answering within it is final: a STORAGE_ERROR naming S3 and the object, not retried (another
 * whole-artifact try would only wait as long again), and no clean-up call is made to the silent S3 (a
 * staging object may be left; it is never read as an artifact). S3 busy (5xx, 429) or unreachable (refused,
 * reset) is {@link StorageUnavailableException}, retried whole by the call's retry rules.
 */
public final class ArtifactStore {

    /** S3's limit for a single PUT and a single CopyObject. */
    static final long SINGLE_REQUEST_LIMIT = 5L * 1024 * 1024 * 1024;
    /** S3's smallest part: 1,024 of them reach the 5 GiB limit, and eight fit in 40 MiB. */
    static final int PART_SIZE = 5 * 1024 * 1024;

    /** What an S3 failure is, for what happens next. */
    enum S3Failure {
        /** No answer within the call's bound (or the socket's): final, and S3 is not asked again. */
        NO_ANSWER,
        /** Busy (5xx, 429) or unreachable (refused, reset, no connection in time): worth another try. */
        UNAVAILABLE,
        /** Anything else S3 answered (403, 404, a bad request): final. */
        REFUSED
    }

    private final S3Client s3;
    private final Clock clock;
    private final PartBuffers buffers;
    /** The bound on every call, as messages say it: "within 300 s". */
    private final String within;

    public ArtifactStore(S3Client s3, Clock clock) {
        this(s3, clock, PartBuffers.forHeap(PART_SIZE));
    }

    ArtifactStore(S3Client s3, Clock clock, PartBuffers buffers) {
        this.s3 = s3;
        this.clock = clock;
        this.buffers = buffers;
        this.within = s3.serviceClientConfiguration().overrideConfiguration().apiCallTimeout()
                .map(ArtifactStore::within).orElse("in time");
    }

    /**
     * @param source      the download, read once
     * @param length      its Content-Length, or -1 when unknown
     * @param metadata    user metadata; {@code sha256}, {@code artifact-size-bytes} and
     *                    {@code download-duration-sec} are added from what was measured
     * @param stagingTag  makes the staging key unique to the run
     */
    public StoredObject store(InputStream source, long length, String bucket, String key, String contentType,
                              Map<String, String> metadata, String stagingTag) throws IOException {
        if (length > SINGLE_REQUEST_LIMIT) {
            throw new RunFailure(ErrorCode.STORAGE_ERROR, "artifact of " + length + " bytes is over the 5 GiB "
                    + "that a single S3 copy can take; not supported");
        }
        if (length == 0) {
            throw emptyArtifact(bucket, key);
        }
        String staging = key + ".uploading-" + stagingTag;
        Instant started = clock.instant();
        HashingInputStream in = new HashingInputStream(source, length);
        boolean stagingWritten = false;
        boolean s3Silent = false;
        try {
            if (length >= 0) {
                s3.putObject(b -> b.bucket(bucket).key(staging).contentType(contentType).contentLength(length)
                                .serverSideEncryption(ServerSideEncryption.AES256),
                        RequestBody.fromInputStream(in, length));
                stagingWritten = true;
                in.checkComplete();
            } else {
                stagingWritten = multipartUpload(in, bucket, staging, contentType);
            }
            if (in.count() == 0) {
                throw emptyArtifact(bucket, key);
            }
            if (in.count() > SINGLE_REQUEST_LIMIT) {
                throw new RunFailure(ErrorCode.STORAGE_ERROR, "artifact of " + in.count()
                        + " bytes is over the 5 GiB that a single S3 copy can take; not supported");
            }
            double seconds = Duration.between(started, clock.instant()).toMillis() / 1000.0;
            String sha256 = in.sha256();
            Map<String, String> meta = new LinkedHashMap<>(metadata);
            meta.put("artifact-size-bytes", Long.toString(in.count()));
            meta.put("download-duration-sec", String.format(java.util.Locale.ROOT, "%.2f", seconds));
            meta.put("sha256", sha256);
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(staging).destinationBucket(bucket).destinationKey(key)
                    .metadataDirective(MetadataDirective.REPLACE).metadata(meta).contentType(contentType)
                    .serverSideEncryption(ServerSideEncryption.AES256));
            return new StoredObject(bucket, key, in.count(), sha256, seconds);
        } catch (SdkException e) {
            String where = "s3://" + bucket + "/" + key;
            S3Failure kind = kindOf(e);
            if (kind == S3Failure.NO_ANSWER) {
                s3Silent = true;
                throw new RunFailure(ErrorCode.STORAGE_ERROR, "S3 did not answer " + within + " storing " + where
                        + (length > 0 && in.count() < length ? " (" + in.count() + " of " + length
                        + " bytes of the artifact had been sent)" : ""));
            }
            TruncatedDownloadException truncated = findTruncation(e);
            if (truncated != null) {
                throw truncated;
            }
            if (kind == S3Failure.UNAVAILABLE) {
                throw new StorageUnavailableException("S3 did not take the artifact for " + where + ": " + e.getMessage(), e);
            }
            throw new RunFailure(ErrorCode.STORAGE_ERROR, "S3 rejected the artifact for " + where + ": " + e.getMessage());
        } finally {
            deleteQuietly(bucket, staging, !s3Silent && (stagingWritten || length >= 0));
        }
    }

    /**
     * Writes a small JSON document (a manifest) to {@code bucket/key} in one PUT, with
     * {@code ServerSideEncryption=AES256} and its SHA-256 as user metadata {@code sha256}; a write
     * S3 refuses, or cannot take, is a STORAGE_ERROR naming the object.
     */
    public StoredObject putJson(String bucket, String key, com.fasterxml.jackson.databind.JsonNode document) {
        byte[] bytes = dev.cognigyops.support.Json.write(document).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha256;
        try {
            sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
        Instant started = clock.instant();
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json").contentLength((long) bytes.length)
                    .serverSideEncryption(ServerSideEncryption.AES256).metadata(Map.of("sha256", sha256)),
                    RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            String where = "s3://" + bucket + "/" + key;
            throw new RunFailure(ErrorCode.STORAGE_ERROR, kindOf(e) == S3Failure.NO_ANSWER
                    ? "S3 did not answer " + within + " storing " + where
                    : "S3 did not take " + where + ": " + e.getMessage());
        }
        return new StoredObject(bucket, key, bytes.length, sha256,
                Duration.between(started, clock.instant()).toMillis() / 1000.0);
    }

    /**
     * A small write that failed (e.g. through camel-aws2-s3), as {@link #putJson} names it: a
     * STORAGE_ERROR saying S3 did not answer within the bound, or did not take the object.
     */
    public RunFailure storingFailed(Throwable failure, String bucket, String key) {
        String where = "s3://" + bucket + "/" + key;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RunFailure run && run.code() == ErrorCode.STORAGE_ERROR) {
                return run;
            }
            if (t instanceof SdkException e) {
                return new RunFailure(ErrorCode.STORAGE_ERROR, kindOf(e) == S3Failure.NO_ANSWER
                        ? "S3 did not answer " + within + " storing " + where
                        : "S3 did not take " + where + ": " + e.getMessage());
            }
        }
        return new RunFailure(ErrorCode.STORAGE_ERROR, "S3 did not take " + where + ": "
                + (failure == null ? "no reason given" : failure.getMessage()));
    }

    /**
     * Uploads the stream in parts of {@link #PART_SIZE} through one buffer of the shared, bounded
     * {@link PartBuffers} (each part is sent from it, not copied); false when it was empty and nothing
     * was created.
     */
    private boolean multipartUpload(HashingInputStream in, String bucket, String key, String contentType) throws IOException {
        byte[] buffer = buffers.take();
        try {
            return multipartUpload(in, bucket, key, contentType, buffer);
        } finally {
            buffers.give(buffer);
        }
    }

    private boolean multipartUpload(HashingInputStream in, String bucket, String key, String contentType, byte[] buffer)
            throws IOException {
        int filled = in.readNBytes(buffer, 0, buffer.length);
        if (filled == 0) {
            return false;
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)
                .serverSideEncryption(ServerSideEncryption.AES256)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            while (filled > 0) {
                int number = partNumber++;
                int length = filled;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength((long) length), RequestBody.fromInputStream(
                                new java.io.ByteArrayInputStream(buffer, 0, length), length)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                filled = filled < buffer.length ? 0 : in.readNBytes(buffer, 0, buffer.length);
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            return true;
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof SdkException sdk && kindOf(sdk) == S3Failure.NO_ANSWER)) {
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (RuntimeException ignored) {
                    // the upload expires by the bucket's lifecycle rule if it cannot be aborted now
                }
            }
            throw e;
        }
    }

    private void deleteQuietly(String bucket, String key, boolean mayExist) {
        if (!mayExist) {
            return;
        }
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (RuntimeException ignored) {
            // nothing there, or S3 unreachable: the staging key is never read as an artifact
        }
    }

    /** An empty download is never a model: it is reported, and nothing is stored. */
    private static RunFailure emptyArtifact(String bucket, String key) {
        return new RunFailure(ErrorCode.UPSTREAM_ERROR, "the artifact for s3://" + bucket + "/" + key
                + " is empty (0 bytes); nothing was stored");
    }

    /**
     * S3 not answering within the bound (the call's or the attempt's timeout, a socket read timing
     * out); S3 busy or unreachable (5xx, 429, a refused or broken connection, a connect timeout);
     * or S3 refusing (any other answer).
     */
    static S3Failure kindOf(SdkException e) {
        if (e instanceof software.amazon.awssdk.services.s3.model.S3Exception s3) {
            return s3.statusCode() >= 500 || s3.statusCode() == 429 ? S3Failure.UNAVAILABLE : S3Failure.REFUSED;
        }
        if (e instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException
                || e instanceof software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException) {
            return S3Failure.NO_ANSWER;
        }
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof java.net.SocketTimeoutException t
                    && (t.getMessage() == null || !t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connect"))) {
                return S3Failure.NO_ANSWER;
            }
        }
        return e instanceof software.amazon.awssdk.core.exception.SdkClientException ? S3Failure.UNAVAILABLE : S3Failure.REFUSED;
    }

    /** "within 3 s", or "within 1500 ms" when not whole seconds. */
    static String within(Duration bound) {
        return bound.toMillis() % 1000 == 0 ? "within " + bound.toSeconds() + " s" : "within " + bound.toMillis() + " ms";
    }

    private static TruncatedDownloadException findTruncation(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof TruncatedDownloadException t) {
                return t;
            }
            for (Throwable s : c.getSuppressed()) {
                if (s instanceof TruncatedDownloadException t) {
                    return t;
                }
            }
        }
        return null;
    }
}
