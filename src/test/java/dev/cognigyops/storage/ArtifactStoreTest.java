package dev.cognigyops.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cognigyops.calls.TruncatedDownloadException;
import dev.cognigyops.testsupport.EmbeddedS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Streaming an artifact into a real (embedded) S3: verified object or nothing at all. */
class ArtifactStoreTest {

    static final String BUCKET = "artifacts";
    static final Map<String, String> GIVEN = Map.of("export-format", "ONNX", "model-id", "intent-classifier");

    static EmbeddedS3 s3;
    S3Client client;
    ArtifactStore store;

    @BeforeAll
    static void start() {
        s3 = EmbeddedS3.start();
        s3.createBucket(BUCKET);
    }

    /** A client per test: S3Proxy closes the connection after refusing a body, and a pooled one would carry that over. */
    @org.junit.jupiter.api.BeforeEach
    void newClient() {
        // as AppConfiguration#s3Client builds it, with the fixture's endpoint and keys
        client = S3Client.builder()
                .region(Region.of(EmbeddedS3.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder())
                .forcePathStyle(true)
                .endpointOverride(s3.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        store = new ArtifactStore(client, Clock.systemUTC());
    }

    @org.junit.jupiter.api.AfterEach
    void closeClient() {
        client.close();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> s3Failures() {
        var client = (java.util.function.BiFunction<String, Throwable, software.amazon.awssdk.core.exception.SdkException>)
                (m, cause) -> software.amazon.awssdk.core.exception.SdkClientException.builder().message(m).cause(cause).build();
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("the call's bound",
                        software.amazon.awssdk.core.exception.ApiCallTimeoutException.create(2000), ArtifactStore.S3Failure.NO_ANSWER),
                org.junit.jupiter.params.provider.Arguments.of("the attempt's bound",
                        software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException.create(2000), ArtifactStore.S3Failure.NO_ANSWER),
                org.junit.jupiter.params.provider.Arguments.of("a read timing out",
                        client.apply("Unable to execute HTTP request", new java.net.SocketTimeoutException("Read timed out")),
                        ArtifactStore.S3Failure.NO_ANSWER),
                org.junit.jupiter.params.provider.Arguments.of("a connect timing out",
                        client.apply("Unable to execute HTTP request", new java.net.SocketTimeoutException("Connect timed out")),
                        ArtifactStore.S3Failure.UNAVAILABLE),
                org.junit.jupiter.params.provider.Arguments.of("a refused connection",
                        client.apply("Unable to execute HTTP request", new java.net.ConnectException("Connection refused")),
                        ArtifactStore.S3Failure.UNAVAILABLE),
                org.junit.jupiter.params.provider.Arguments.of("a broken pipe",
                        software.amazon.awssdk.core.exception.SdkClientException.create("Broken pipe"), ArtifactStore.S3Failure.UNAVAILABLE),
                org.junit.jupiter.params.provider.Arguments.of("503", s3Error(503), ArtifactStore.S3Failure.UNAVAILABLE),
                org.junit.jupiter.params.provider.Arguments.of("500", s3Error(500), ArtifactStore.S3Failure.UNAVAILABLE),
                org.junit.jupiter.params.provider.Arguments.of("429", s3Error(429), ArtifactStore.S3Failure.UNAVAILABLE),
                org.junit.jupiter.params.provider.Arguments.of("403", s3Error(403), ArtifactStore.S3Failure.REFUSED),
                org.junit.jupiter.params.provider.Arguments.of("404", s3Error(404), ArtifactStore.S3Failure.REFUSED));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {2}")
    @org.junit.jupiter.params.provider.MethodSource("s3Failures")
    void s3NotAnsweringIsFinalBeingBusyOrUnreachableIsWorthAnotherTryARefusalIsFinal(
            String what, software.amazon.awssdk.core.exception.SdkException failure, ArtifactStore.S3Failure kind) {
        assertThat(ArtifactStore.kindOf(failure)).isEqualTo(kind);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} reads: bounded, named, asked once")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anS3ThatNeverAnswersEndsTheStoreWithinTheBoundNamingS3AndTheObject(boolean serverReads) throws Exception {
        try (var blackHole = new dev.cognigyops.testsupport.BlackHoleServer(serverReads);
             S3Client silent = S3Client.builder()
                     .region(Region.of(EmbeddedS3.REGION))
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create(EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY)))
                     .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(java.time.Duration.ofSeconds(1)))
                     .forcePathStyle(true)
                     .endpointOverride(blackHole.endpoint())
                     .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                             .apiCallTimeout(java.time.Duration.ofSeconds(1)).apiCallAttemptTimeout(java.time.Duration.ofSeconds(1)))
                     .build()) {
            // 32 MB: more than the socket buffers hold, so a server that reads nothing stalls the writes
            byte[] artifact = randomBytes(32 * 1024 * 1024, 7);
            long started = System.nanoTime();

            dev.cognigyops.runs.RunFailure failure = catchThrowableOfType(dev.cognigyops.runs.RunFailure.class,
                    () -> new ArtifactStore(silent, Clock.systemUTC()).store(new ByteArrayInputStream(artifact), artifact.length,
                            BUCKET, "models/m.onnx", "application/octet-stream", GIVEN, "run-1"));

            long tookMs = java.time.Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertThat(failure).isNotNull();
            assertThat(failure.code()).isEqualTo(dev.cognigyops.runs.ErrorCode.STORAGE_ERROR);
            assertThat(failure.getMessage()).startsWith("S3 did not answer within 1 s storing s3://" + BUCKET + "/models/m.onnx");
            assertThat(tookMs).as("one bound, not two").isBetween(900L, 1900L);
            assertThat(blackHole.connections()).as("the silent S3 is not asked again (no clean-up call)").isEqualTo(1);
        }
    }

    @Test
    void aMissingBucketIsAStorageErrorThatIsNotRetried() {
        assertThatThrownBy(() -> store.store(new java.io.ByteArrayInputStream(new byte[10]), 10, "no-such-bucket",
                "k.onnx", "application/octet-stream", java.util.Map.of(), "run-1"))
                .isInstanceOf(dev.cognigyops.runs.RunFailure.class)
                .hasMessageContaining("s3://no-such-bucket/k.onnx");
    }

    @Test
    void aJsonDocumentIsStoredEncryptedWithItsHashAndCanBeReadBack() throws Exception {
        var doc = dev.cognigyops.support.Json.object().put("manifestVersion", "1.1.0").put("runId", "r-1");

        StoredObject stored = store.putJson(BUCKET, "manifests/env-1/r-1.json", doc);

        byte[] bytes = s3.getBytes(BUCKET, "manifests/env-1/r-1.json");
        assertThat(dev.cognigyops.support.Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(doc);
        assertThat(stored.uri()).isEqualTo("s3://" + BUCKET + "/manifests/env-1/r-1.json");
        assertThat(stored.sizeBytes()).isEqualTo(bytes.length);
        assertThat(stored.sha256()).isEqualTo(sha256(bytes));
        assertThat(s3.sseRequested(BUCKET, "manifests/env-1/r-1.json")).isTrue();
        HeadObjectResponse head = s3.head(BUCKET, "manifests/env-1/r-1.json");
        assertThat(head.contentType()).isEqualTo("application/json");
        assertThat(head.metadata()).containsEntry("sha256", sha256(bytes));
    }

    @Test
    void aJsonDocumentS3RefusesIsAStorageErrorNamingTheObject() {
        assertThatThrownBy(() -> store.putJson("no-such-bucket", "manifests/m.json", dev.cognigyops.support.Json.object()))
                .isInstanceOf(dev.cognigyops.runs.RunFailure.class)
                .hasMessageContaining("s3://no-such-bucket/manifests/m.json")
                .extracting(e -> ((dev.cognigyops.runs.RunFailure) e).code())
                .isEqualTo(dev.cognigyops.runs.ErrorCode.STORAGE_ERROR);
    }

    static software.amazon.awssdk.core.exception.SdkException s3Error(int status) {
        return software.amazon.awssdk.services.s3.model.S3Exception.builder().statusCode(status).message("status " + status).build();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    void assertNoStagingKeys() {
        assertThat(s3.listKeys(BUCKET)).noneMatch(k -> k.contains(".uploading-"));
    }

    void assertStored(String key, StoredObject stored, long size, String sha256) {
        assertThat(stored.bucket()).isEqualTo(BUCKET);
        assertThat(stored.key()).isEqualTo(key);
        assertThat(stored.uri()).isEqualTo("s3://" + BUCKET + "/" + key);
        assertThat(stored.sizeBytes()).isEqualTo(size);
        assertThat(stored.sha256()).isEqualTo(sha256);
        assertThat(stored.transferSeconds()).isGreaterThanOrEqualTo(0.0);

        HeadObjectResponse head = s3.head(BUCKET, key);
        assertThat(head.contentLength()).isEqualTo(size);
        assertThat(head.contentType()).isEqualTo("application/octet-stream");
        assertThat(head.metadata())
                .containsEntry("sha256", sha256)
                .containsEntry("artifact-size-bytes", Long.toString(size))
                .containsEntry("export-format", "ONNX")
                .containsEntry("model-id", "intent-classifier")
                .containsKey("download-duration-sec");
        assertThat(head.metadata().get("download-duration-sec")).matches("\\d+\\.\\d{2}");
        assertThat(s3.sseRequested(BUCKET, key)).as("SSE asked for on the final object").isTrue();
        assertThat(s3.lastWrite(BUCKET, key).orElseThrow().serverSideEncryption()).isEqualTo("AES256");
        assertThat(s3.listKeys(BUCKET)).contains(key);
        assertNoStagingKeys();
    }

    @Test
    void knownLengthIsStoredWithItsHashAndMetadata() throws Exception {
        byte[] artifact = randomBytes(300_000, 1);
        String key = "nlu-exports/m/1/known.onnx";

        StoredObject stored = store.store(new ByteArrayInputStream(artifact), artifact.length, BUCKET, key,
                "application/octet-stream", GIVEN, "run-known");

        assertStored(key, stored, artifact.length, sha256(artifact));
        assertThat(s3.getBytes(BUCKET, key)).isEqualTo(artifact);
        assertThat(s3.writes()).anySatisfy(w -> {
            assertThat(w.operation()).isEqualTo("PutObject");
            assertThat(w.key()).isEqualTo(key + ".uploading-run-known");
            assertThat(w.sseRequested()).isTrue();
        });
    }

    @Test
    void anEmptyArtifactIsRefusedAndNothingIsStored() {
        String known = "nlu-exports/m/1/empty.onnx";
        String unknown = "nlu-exports/m/1/empty-unknown-length.onnx";

        assertThatThrownBy(() -> store.store(new ByteArrayInputStream(new byte[0]), 0, BUCKET, known,
                "application/octet-stream", GIVEN, "run-empty"))
                .isInstanceOf(dev.cognigyops.runs.RunFailure.class).hasMessageContaining("is empty (0 bytes)");
        assertThatThrownBy(() -> store.store(new ByteArrayInputStream(new byte[0]), -1, BUCKET, unknown,
                "application/octet-stream", GIVEN, "run-empty-2"))
                .isInstanceOf(dev.cognigyops.runs.RunFailure.class).hasMessageContaining("is empty (0 bytes)");

        assertThat(s3.listKeys(BUCKET)).noneMatch(k -> k.startsWith("nlu-exports/m/1/empty"));
    }

    @Test
    void unknownLengthGoesMultipartWithoutHoldingTheArtifact() throws Exception {
        long size = 20L * 1024 * 1024 + 12_345; // 3 parts of 8 MiB: 8 + 8 + ~4
        String key = "nlu-exports/m/1/big.onnx";

        StoredObject stored = store.store(new GeneratedStream(size, 7), -1, BUCKET, key,
                "application/octet-stream", GIVEN, "run-big");

        String expected = sha256(new GeneratedStream(size, 7));
        assertStored(key, stored, size, expected);
        try (InputStream back = s3.client().getObject(b -> b.bucket(BUCKET).key(key))) {
            assertThat(sha256(back)).isEqualTo(expected);
        }
        assertThat(s3.writes()).anySatisfy(w -> {
            assertThat(w.operation()).isEqualTo("CompleteMultipartUpload");
            assertThat(w.key()).isEqualTo(key + ".uploading-run-big");
            assertThat(w.sseRequested()).isTrue();
        });
    }

    @Test
    void unknownLengthSmallerThanOnePartIsStored() throws Exception {
        byte[] artifact = randomBytes(70_000, 3);
        String key = "nlu-exports/m/1/small-unknown.onnx";

        StoredObject stored = store.store(new ByteArrayInputStream(artifact), -1, BUCKET, key,
                "application/octet-stream", GIVEN, "run-small");

        assertStored(key, stored, artifact.length, sha256(artifact));
        assertThat(s3.getBytes(BUCKET, key)).isEqualTo(artifact);
    }

    @Test
    void aSourceShorterThanAnnouncedLeavesNothing() {
        byte[] artifact = randomBytes(100_000, 4);
        String key = "nlu-exports/m/1/short.onnx";

        TruncatedDownloadException failure = catchThrowableOfType(TruncatedDownloadException.class,
                () -> store.store(new ByteArrayInputStream(artifact), 250_000, BUCKET, key,
                        "application/octet-stream", GIVEN, "run-short"));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("100000").contains("250000");
        assertThat(s3.exists(BUCKET, key)).isFalse();
        assertThat(s3.exists(BUCKET, key + ".uploading-run-short")).isFalse();
        assertNoStagingKeys();
    }

    @Test
    void aSourceThatBreaksWithKnownLengthLeavesNothing() {
        String key = "nlu-exports/m/1/broken-known.onnx";

        TruncatedDownloadException failure = catchThrowableOfType(TruncatedDownloadException.class,
                () -> store.store(new BreakingStream(new GeneratedStream(1_000_000, 5), 400_000), 1_000_000, BUCKET, key,
                        "application/octet-stream", GIVEN, "run-broken-known"));

        assertThat(failure).isNotNull();
        assertThat(failure.getCause()).isInstanceOf(IOException.class).hasMessageContaining("Connection reset");
        assertThat(s3.exists(BUCKET, key)).isFalse();
        assertThat(s3.exists(BUCKET, key + ".uploading-run-broken-known")).isFalse();
        assertNoStagingKeys();
    }

    @Test
    void aSourceThatBreaksWithUnknownLengthLeavesNothing() throws Exception {
        String key = "nlu-exports/m/1/broken-unknown.onnx";

        TruncatedDownloadException failure = catchThrowableOfType(TruncatedDownloadException.class,
                () -> store.store(new BreakingStream(new GeneratedStream(20_000_000, 6), 9_000_000), -1, BUCKET, key,
                        "application/octet-stream", GIVEN, "run-broken-unknown"));

        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("Connection reset");
        assertThat(s3.exists(BUCKET, key)).isFalse();
        assertThat(s3.exists(BUCKET, key + ".uploading-run-broken-unknown")).isFalse();
        assertNoStagingKeys();
        assertThat(client.listMultipartUploads(b -> b.bucket(BUCKET)).uploads())
                .noneMatch(u -> u.key().startsWith(key));
    }

    @Test
    void anExistingObjectSurvivesAFailedTransfer() throws Exception {
        byte[] original = randomBytes(50_000, 8);
        String key = "nlu-exports/m/1/keep.onnx";
        store.store(new ByteArrayInputStream(original), original.length, BUCKET, key, "application/octet-stream",
                GIVEN, "run-keep-1");

        catchThrowableOfType(TruncatedDownloadException.class, () -> store.store(
                new ByteArrayInputStream(randomBytes(10, 9)), 60_000, BUCKET, key, "application/octet-stream",
                GIVEN, "run-keep-2"));

        assertThat(s3.getBytes(BUCKET, key)).isEqualTo(original);
        assertNoStagingKeys();
    }

    /**
     * {@code size} pseudo-random bytes made on the fly, 64 KiB at a time: the same seed gives the same bytes,
     * however the reader splits its reads.
     */
    static final class GeneratedStream extends InputStream {
        private final long size;
        private final Random random;
        private final byte[] block = new byte[64 * 1024];
        private int blockPos = block.length;
        private long produced;

        GeneratedStream(long size, long seed) {
            this.size = size;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (produced >= size) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (blockPos == block.length) {
                random.nextBytes(block);
                blockPos = 0;
            }
            int n = (int) Math.min(len, Math.min(size - produced, block.length - blockPos));
            System.arraycopy(block, blockPos, b, off, n);
            blockPos += n;
            produced += n;
            return n;
        }
    }

    /** Passes {@code failAfter} bytes through, then fails as a reset connection does. */
    static final class BreakingStream extends InputStream {
        private final InputStream in;
        private final long failAfter;
        private long passed;

        BreakingStream(InputStream in, long failAfter) {
            this.in = in;
            this.failAfter = failAfter;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (passed >= failAfter) {
                throw new IOException("Connection reset");
            }
            int n = in.read(b, off, (int) Math.min(len, failAfter - passed));
            if (n > 0) {
                passed += n;
            }
            return n;
        }
    }
}
