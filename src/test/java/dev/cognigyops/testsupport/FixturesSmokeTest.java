package dev.cognigyops.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Proves the two fixtures, and pins down by assertion what S3Proxy 4.1.0 does with what the app sends
 * (see the findings on {@link EmbeddedS3}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FixturesSmokeTest {

    private static final int MIB = 1024 * 1024;
    /** A thread of its own per upload (the common pool has a single thread on a 2-CPU machine). */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> {
        Thread t = new Thread(r, "smoke-upload");
        t.setDaemon(true);
        t.start();
    };

    private EmbeddedKafka kafka;
    private EmbeddedS3 memS3;
    private EmbeddedS3 fsS3;
    private long kafkaStartMs;
    private long memS3StartMs;
    private long fsS3StartMs;

    @BeforeAll
    void startAll(@TempDir Path tmp) {
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.start();
        kafkaStartMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        memS3 = EmbeddedS3.start();
        memS3StartMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        fsS3 = EmbeddedS3.startOnFilesystem(tmp.resolve("s3"));
        fsS3StartMs = (System.nanoTime() - t0) / 1_000_000;
        System.err.printf("STARTUP kafka=%d ms, s3(transient)=%d ms, s3(filesystem)=%d ms%n",
                kafkaStartMs, memS3StartMs, fsS3StartMs);
    }

    @AfterAll
    void stopAll() {
        long t0 = System.nanoTime();
        if (kafka != null) {
            kafka.close();
        }
        long kafkaStop = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        if (memS3 != null) {
            memS3.close();
        }
        if (fsS3 != null) {
            fsS3.close();
        }
        System.err.printf("SHUTDOWN kafka=%d ms, s3 both=%d ms%n", kafkaStop, (System.nanoTime() - t0) / 1_000_000);
    }

    // NB: pass names, not the fixtures: JUnit auto-closes AutoCloseable @ParameterizedTest arguments
    static Stream<String> s3s() {
        return Stream.of("mem", "fs");
    }

    private EmbeddedS3 s3(String backend) {
        return backend.equals("mem") ? memS3 : fsS3;
    }

    // ---------------------------------------------------------------- Kafka

    @Test
    void kafkaRoundTrip() {
        assertThat(kafka.bootstrapServers()).matches("[^:]+:\\d+").doesNotEndWith(":9092");
        kafka.createTopics("smoke-in", "smoke-out");
        kafka.createTopics("smoke-in"); // idempotent
        kafka.send("smoke-in", "k1", "v1");
        kafka.send("smoke-in", "k2", "v2", Map.of("run-id", "r-42"));

        List<ConsumerRecord<String, String>> got = kafka.readAll("smoke-in", 2, Duration.ofSeconds(10));
        assertThat(got).extracting(ConsumerRecord::key).containsExactly("k1", "k2");
        assertThat(got).extracting(ConsumerRecord::value).containsExactly("v1", "v2");
        assertThat(new String(got.get(1).headers().lastHeader("run-id").value(), StandardCharsets.UTF_8))
                .isEqualTo("r-42");
        // a second fresh group reads from the beginning again
        assertThat(kafka.readValues("smoke-in", 2, Duration.ofSeconds(10))).containsExactly("v1", "v2");

        // timeout: returns what it has, does not throw
        long t0 = System.nanoTime();
        assertThat(kafka.readAll("smoke-out", 1, Duration.ofMillis(1500))).isEmpty();
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(1000L, 6000L);
    }

    // ---------------------------------------------------------------- S3 basics + (a) metadata

    @ParameterizedTest
    @MethodSource("s3s")
    void putGetListAndUserMetadata(String backend) {
        EmbeddedS3 s3 = s3(backend);
        String bucket = "meta-" + backend(s3);
        assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(s3.endpoint().getPort()).isPositive();
        assertThat(s3.region()).isEqualTo("us-east-1");
        s3.createBucket(bucket);
        S3Client c = s3.client();

        c.putObject(b -> b.bucket(bucket).key("dir/a.json").contentType("application/json")
                        .metadata(Map.of("run-id", "r-1", "Source-Env", "dev")),
                RequestBody.fromString("{\"a\":1}"));
        assertThat(s3.getString(bucket, "dir/a.json")).isEqualTo("{\"a\":1}");
        assertThat(s3.listKeys(bucket)).containsExactly("dir/a.json");
        assertThat(s3.exists(bucket, "dir/a.json")).isTrue();
        assertThat(s3.exists(bucket, "nope")).isFalse();

        HeadObjectResponse head = s3.head(bucket, "dir/a.json");
        assertThat(head.contentType()).isEqualTo("application/json");
        assertThat(head.contentLength()).isEqualTo(7L);
        // (a) metadata kept on PutObject, keys lower-cased as on AWS
        assertThat(head.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("run-id", "r-1", "source-env", "dev"));
        var get = c.getObjectAsBytes(b -> b.bucket(bucket).key("dir/a.json"));
        assertThat(get.response().metadata()).containsEntry("run-id", "r-1");

        // (a) CopyObject REPLACE: new metadata replaces the old
        c.copyObject(b -> b.sourceBucket(bucket).sourceKey("dir/a.json").destinationBucket(bucket)
                .destinationKey("dir/b.json").metadataDirective(MetadataDirective.REPLACE)
                .contentType("application/json").metadata(Map.of("state", "final")));
        assertThat(s3.head(bucket, "dir/b.json").metadata()).containsExactlyEntriesOf(Map.of("state", "final"));
        assertThat(s3.getString(bucket, "dir/b.json")).isEqualTo("{\"a\":1}");
        // in-place REPLACE (the usual "update metadata" idiom) works too
        c.copyObject(b -> b.sourceBucket(bucket).sourceKey("dir/a.json").destinationBucket(bucket)
                .destinationKey("dir/a.json").metadataDirective(MetadataDirective.REPLACE)
                .metadata(Map.of("run-id", "r-2")));
        assertThat(s3.head(bucket, "dir/a.json").metadata()).containsExactlyEntriesOf(Map.of("run-id", "r-2"));
        // CopyObject COPY (default): source metadata carried over
        c.copyObject(b -> b.sourceBucket(bucket).sourceKey("dir/b.json").destinationBucket(bucket)
                .destinationKey("dir/c.json"));
        assertThat(s3.head(bucket, "dir/c.json").metadata()).containsExactlyEntriesOf(Map.of("state", "final"));

        // what the recorder saw
        assertThat(s3.lastWrite(bucket, "dir/b.json")).get().satisfies(w -> {
            assertThat(w.operation()).isEqualTo("CopyObject");
            assertThat(w.metadataDirective()).isEqualTo("REPLACE");
            assertThat(w.copySource()).isEqualTo(bucket + "/dir/a.json");
        });
        assertThat(s3.lastPutHeaders(bucket, "dir/b.json")).containsEntry("x-amz-meta-state", "final")
                .containsEntry("x-amz-metadata-directive", "REPLACE");
        assertThat(s3.lastPutHeaders(bucket, "never-written")).isEmpty();

        s3.emptyBucket(bucket);
        assertThat(s3.listKeys(bucket)).isEmpty();
    }

    // ---------------------------------------------------------------- (b) SSE

    @ParameterizedTest
    @MethodSource("s3s")
    void serverSideEncryption(String backend) {
        EmbeddedS3 s3 = s3(backend);
        String bucket = "sse-" + backend(s3);
        s3.createBucket(bucket);
        S3Client c = s3.client();

        var put = c.putObject(b -> b.bucket(bucket).key("enc").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromString("secret"));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.head(bucket, "enc").serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        var get = c.getObjectAsBytes(b -> b.bucket(bucket).key("enc"));
        assertThat(get.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.sseRequested(bucket, "enc")).isTrue();
        assertThat(s3.lastPutHeaders(bucket, "enc")).containsEntry("x-amz-server-side-encryption", "AES256");

        var copy = c.copyObject(b -> b.sourceBucket(bucket).sourceKey("enc").destinationBucket(bucket)
                .destinationKey("enc-copy").serverSideEncryption(ServerSideEncryption.AES256)
                .metadataDirective(MetadataDirective.REPLACE).metadata(Map.of("k", "v")));
        assertThat(copy.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.head(bucket, "enc-copy").serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.sseRequested(bucket, "enc-copy")).isTrue();

        // not asked for: the recorder says so; what HeadObject reports differs per backend
        c.putObject(b -> b.bucket(bucket).key("plain"), RequestBody.fromString("x"));
        assertThat(s3.sseRequested(bucket, "plain")).isFalse();
        assertThat(s3.lastPutHeaders(bucket, "plain")).doesNotContainKey("x-amz-server-side-encryption");
        ServerSideEncryption reported = s3.head(bucket, "plain").serverSideEncryption();
        if (s3 == memS3) {
            // like AWS today: every object is reported as SSE-S3 encrypted, so HeadObject proves nothing
            assertThat(reported).isEqualTo(ServerSideEncryption.AES256);
        } else {
            assertThat(reported).isNull();
        }
        // a copy without SSE over an SSE object: the new write did not ask for it
        c.copyObject(b -> b.sourceBucket(bucket).sourceKey("enc").destinationBucket(bucket)
                .destinationKey("enc-copy-plain"));
        assertThat(s3.sseRequested(bucket, "enc-copy-plain")).isFalse();

        // an invalid algorithm is refused
        assertThatThrownBy(() -> c.putObject(b -> b.bucket(bucket).key("bad").serverSideEncryption("DES"),
                RequestBody.fromString("x")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(400));
    }

    @Test
    void plainS3ProxyOnFilesystemRejectsSseAndListsInFlightUploads(@TempDir Path tmp) throws Exception {
        java.nio.file.Files.createDirectories(tmp.resolve("raw"));
        S3Proxy raw = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(tmp.resolve("raw").toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, "ak", "sk")
                .build();
                raw.start();
        try (S3Client c = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + raw.getPort()))
                .region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("ak", "sk")))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build()) {
            c.createBucket(b -> b.bucket("raw"));
            c.putObject(b -> b.bucket("raw").key("plain"), RequestBody.fromString("x"));
            // and a plain S3Proxy lists an upload that is still in flight as "<key>-<uuid>"
            byte[] data = randomBytes(2 * MIB);
            var release = new java.util.concurrent.CountDownLatch(1);
            var upload = java.util.concurrent.CompletableFuture.runAsync(() -> c.putObject(
                    b -> b.bucket("raw").key("f.bin"),
                    RequestBody.fromInputStream(pausingAfter(data, MIB, release), data.length)), OWN_THREAD);
            try {
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                        c.listObjectsV2(b -> b.bucket("raw")).contents()).extracting(o -> o.key())
                        .anyMatch(k -> k.matches("f\\.bin-[0-9a-f-]{36}")));
            } finally {
                release.countDown();
            }
            upload.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(c.listObjectsV2(b -> b.bucket("raw")).contents()).extracting(o -> o.key())
                    .containsExactly("f.bin", "plain");

            // the filesystem store has no SSE: S3Proxy refuses the header rather than ignore it
            // (done last: S3Proxy then drops the connection, and a non-resettable stream sent next on a stale
            // pooled connection cannot be retried by the SDK)
            assertThatThrownBy(() -> c.putObject(b -> b.bucket("raw").key("enc")
                    .serverSideEncryption(ServerSideEncryption.AES256), RequestBody.fromString("x")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(501));
        } finally {
            raw.stop();
        }
    }

    // ---------------------------------------------------------------- (c) streaming

    @ParameterizedTest
    @MethodSource("s3s")
    void streamedPutAndTruncatedStream(String backend) {
        EmbeddedS3 s3 = s3(backend);
        String bucket = "stream-" + backend(s3);
        s3.createBucket(bucket);
        S3Client c = s3.client();
        byte[] data = randomBytes(3 * MIB + 123);

        c.putObject(b -> b.bucket(bucket).key("big.bin").contentLength((long) data.length)
                        .serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromInputStream(new ByteArrayInputStream(data), data.length));
        assertThat(s3.getBytes(bucket, "big.bin")).isEqualTo(data);
        assertThat(s3.lastWrite(bucket, "big.bin")).get().extracting(EmbeddedS3.RecordedWrite::contentLength)
                .isEqualTo((long) data.length);

        // the stream ends 1000 bytes early: the SDK fails the call itself, nothing is stored
        byte[] shortData = Arrays.copyOf(data, data.length - 1000);
        try (S3Client own = s3.newClient(true)) {
            assertThatThrownBy(() -> own.putObject(b -> b.bucket(bucket).key("short.bin"),
                    RequestBody.fromInputStream(new ByteArrayInputStream(shortData), data.length)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("fewer bytes than the specified content-length");
            String after;
            try {
                own.listBuckets();
                after = "client still usable";
            } catch (RuntimeException e) {
                after = e.toString();
            }
            assertThat(after).isEqualTo("client still usable");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(s3.exists(bucket, "short.bin")).isFalse();
            assertThat(s3.listKeys(bucket)).containsExactly("big.bin");
        });

        // ... and over an existing object, the old content survives
        try (S3Client own = s3.newClient(true)) {
            assertThatThrownBy(() -> own.putObject(b -> b.bucket(bucket).key("big.bin"),
                    RequestBody.fromInputStream(new ByteArrayInputStream(shortData), data.length)));
        }
        assertThat(s3.getBytes(bucket, "big.bin")).isEqualTo(data);

        // a stream that fails mid-way (IOException) behaves the same
        try (S3Client own = s3.newClient(true)) {
            assertThatThrownBy(() -> own.putObject(b -> b.bucket(bucket).key("broken.bin"),
                    RequestBody.fromInputStream(failingAfter(data, MIB), data.length)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("does not support mark/reset");
            String after;
            try {
                own.listBuckets();
                after = "client still usable";
            } catch (RuntimeException e) {
                after = e.toString();
            }
            assertThat(after).isEqualTo("client still usable");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(s3.exists(bucket, "broken.bin")).isFalse();
            assertThat(s3.listKeys(bucket)).containsExactly("big.bin");
        });
        assertThat(s3.getBytes(bucket, "big.bin")).isEqualTo(data);
    }

    @ParameterizedTest
    @MethodSource("s3s")
    void sdkDefaultChecksumsWorkToo(String backend) {
        EmbeddedS3 s3 = s3(backend);
        String bucket = "cks-" + backend(s3);
        s3.createBucket(bucket);
        byte[] data = randomBytes(2 * MIB + 7);
        try (S3Client c = s3.newClient(false)) {
            c.putObject(b -> b.bucket(bucket).key("s.bin"), RequestBody.fromInputStream(
                    new ByteArrayInputStream(data), data.length));
            c.putObject(b -> b.bucket(bucket).key("b.bin"), RequestBody.fromBytes(data));
            assertThat(c.getObjectAsBytes(b -> b.bucket(bucket).key("s.bin")).asByteArray()).isEqualTo(data);
            assertThat(c.getObjectAsBytes(b -> b.bucket(bucket).key("b.bin")).asByteArray()).isEqualTo(data);
        }
    }

    @Test
    void whatTheSdkSendsOverPlainHttp() {
        EmbeddedS3 s3 = memS3;
        s3.createBucket("wire");
        byte[] data = randomBytes(64 * 1024);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (boolean whenRequired : new boolean[] {true, false}) {
            try (S3Client c = clientRecordingHeaders(s3, whenRequired, seen)) {
                c.putObject(b -> b.bucket("wire").key("stream"),
                        RequestBody.fromInputStream(new ByteArrayInputStream(data), data.length));
                c.putObject(b -> b.bucket("wire").key("bytes"), RequestBody.fromBytes(data));
                c.putObject(b -> b.bucket("wire").key("string"), RequestBody.fromString("small"));
            }
        }
        // over plain http the SDK always streams PutObject as SigV4-signed aws-chunked, whatever the RequestBody;
        // S3Proxy's in-memory buffering of non-chunked signed bodies (v4-max-non-chunked-request-size) never applies
        assertThat(seen).hasSize(6).allSatisfy(line -> assertThat(line)
                .contains("sha256=[STREAMING-AWS4-HMAC-SHA256-PAYLOAD").contains("content-encoding=[aws-chunked]"));
        assertThat(seen.subList(0, 3)).allSatisfy(line -> assertThat(line).contains("trailer=null"));
        assertThat(seen.subList(3, 6)).allSatisfy(line -> assertThat(line)
                .contains("-PAYLOAD-TRAILER]").contains("trailer=[x-amz-checksum-crc32]"));
    }

    @ParameterizedTest
    @MethodSource("s3s")
    void anInFlightUploadIsNotVisible(String backend) throws Exception {
        EmbeddedS3 s3 = s3(backend);
        String bucket = "inflight-" + backend;
        s3.createBucket(bucket);
        s3.putString(bucket, "other.txt", "x");
        byte[] data = randomBytes(2 * MIB);
        var release = new java.util.concurrent.CountDownLatch(1);
        var upload = java.util.concurrent.CompletableFuture.runAsync(() -> s3.client().putObject(
                b -> b.bucket(bucket).key("f.bin"),
                RequestBody.fromInputStream(pausingAfter(data, MIB, release), data.length)), OWN_THREAD);
        try {
            // the server has started writing (temp file <key>-<uuid> exists), but nothing shows
            await().atMost(Duration.ofSeconds(5)).until(() -> tempFileExists(s3, bucket));
            assertThat(s3.listKeys(bucket)).containsExactly("other.txt");
            assertThat(s3.exists(bucket, "f.bin")).isFalse();
        } finally {
            release.countDown();
        }
        upload.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(s3.listKeys(bucket)).containsExactly("f.bin", "other.txt");
        assertThat(s3.getBytes(bucket, "f.bin")).isEqualTo(data);
    }

    /** Peeks behind the fixture's listing filter: the real store's own listing. */
    private static boolean tempFileExists(EmbeddedS3 s3, String bucket) {
        return s3.rawListKeys(bucket).stream().anyMatch(k -> k.matches("f\\.bin-[0-9a-f-]{36}"));
    }

    private static S3Client clientRecordingHeaders(EmbeddedS3 s3, boolean whenRequired, List<String> seen) {
        var b = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission ctx, ExecutionAttributes attrs) {
                        var h = ctx.httpRequest().headers();
                        seen.add((whenRequired ? "WHEN_REQUIRED " : "DEFAULT ") + ctx.httpRequest().encodedPath()
                                + " sha256=" + h.get("x-amz-content-sha256")
                                + " content-encoding=" + h.get("Content-Encoding")
                                + " decoded=" + h.get("x-amz-decoded-content-length")
                                + " trailer=" + h.get("x-amz-trailer"));
                    }
                }));
        if (whenRequired) {
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return b.build();
    }

    // ---------------------------------------------------------------- (d) multipart

    @ParameterizedTest
    @MethodSource("s3s")
    void multipartUploadAbortAndUploadPartCopy(String backend) throws IOException {
        EmbeddedS3 s3 = s3(backend);
        String bucket = "mpu-" + backend(s3);
        s3.createBucket(bucket);
        S3Client c = s3.client();
        byte[] part1 = randomBytes(5 * MIB);
        byte[] part2 = randomBytes(1234);

        String uploadId = c.createMultipartUpload(b -> b.bucket(bucket).key("mp.bin")
                .serverSideEncryption(ServerSideEncryption.AES256).metadata(Map.of("run-id", "r-9"))).uploadId();
        var e1 = c.uploadPart(b -> b.bucket(bucket).key("mp.bin").uploadId(uploadId).partNumber(1)
                .contentLength((long) part1.length), RequestBody.fromInputStream(new ByteArrayInputStream(part1),
                part1.length)).eTag();
        var e2 = c.uploadPart(b -> b.bucket(bucket).key("mp.bin").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(part2)).eTag();
        var done = c.completeMultipartUpload(b -> b.bucket(bucket).key("mp.bin").uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(2).eTag(e2).build())));
        assertThat(done.eTag()).endsWith("-2\"");
        byte[] whole = concat(part1, part2);
        assertThat(s3.getBytes(bucket, "mp.bin")).isEqualTo(whole);
        HeadObjectResponse head = s3.head(bucket, "mp.bin");
        assertThat(head.metadata()).containsEntry("run-id", "r-9");
        assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.lastWrite(bucket, "mp.bin")).get().satisfies(w -> {
            assertThat(w.operation()).isEqualTo("CompleteMultipartUpload");
            assertThat(w.sseRequested()).isTrue();
        });
        // S3Proxy's own bookkeeping writes (.s3proxy-mpu-stub-<id>) are neither listed nor recorded
        assertThat(s3.writes()).extracting(EmbeddedS3.RecordedWrite::key).noneMatch(k -> k.startsWith(".s3proxy-"));

        // abort: no object, no pending upload
        String abortId = c.createMultipartUpload(b -> b.bucket(bucket).key("aborted.bin")).uploadId();
        c.uploadPart(b -> b.bucket(bucket).key("aborted.bin").uploadId(abortId).partNumber(1),
                RequestBody.fromBytes(part2));
        assertThat(c.listMultipartUploads(b -> b.bucket(bucket)).uploads()).hasSize(1);
        c.abortMultipartUpload(b -> b.bucket(bucket).key("aborted.bin").uploadId(abortId));
        assertThat(c.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(s3.exists(bucket, "aborted.bin")).isFalse();
        assertThat(s3.listKeys(bucket)).containsExactly("mp.bin");

        // too-small non-last part is refused at Complete, as on AWS
        String smallId = c.createMultipartUpload(b -> b.bucket(bucket).key("small.bin")).uploadId();
        var s1 = c.uploadPart(b -> b.bucket(bucket).key("small.bin").uploadId(smallId).partNumber(1),
                RequestBody.fromBytes(part2)).eTag();
        var s2 = c.uploadPart(b -> b.bucket(bucket).key("small.bin").uploadId(smallId).partNumber(2),
                RequestBody.fromBytes(part2)).eTag();
        assertThatThrownBy(() -> c.completeMultipartUpload(b -> b.bucket(bucket).key("small.bin").uploadId(smallId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(s1).build(),
                        CompletedPart.builder().partNumber(2).eTag(s2).build()))))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode()).isEqualTo("EntityTooSmall"));
        c.abortMultipartUpload(b -> b.bucket(bucket).key("small.bin").uploadId(smallId));

        // UploadPartCopy: whole object as part 1, a range of it as part 2
        String copyId = c.createMultipartUpload(b -> b.bucket(bucket).key("copied.bin")).uploadId();
        var c1 = c.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("mp.bin").destinationBucket(bucket)
                .destinationKey("copied.bin").uploadId(copyId).partNumber(1)).copyPartResult().eTag();
        var c2 = c.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey("mp.bin").destinationBucket(bucket)
                .destinationKey("copied.bin").uploadId(copyId).partNumber(2).copySourceRange("bytes=0-99"))
                .copyPartResult().eTag();
        c.completeMultipartUpload(b -> b.bucket(bucket).key("copied.bin").uploadId(copyId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(c1).build(),
                        CompletedPart.builder().partNumber(2).eTag(c2).build())));
        try (ResponseInputStream<GetObjectResponse> in = c.getObject(b -> b.bucket(bucket).key("copied.bin"))) {
            assertThat(in.readAllBytes()).isEqualTo(concat(whole, Arrays.copyOf(whole, 100)));
        }
    }

    // ---------------------------------------------------------------- helpers

    private String backend(EmbeddedS3 s3) {
        return s3 == memS3 ? "mem" : "fs";
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Serves {@code okBytes}, then blocks until {@code release}, then serves the rest. */
    private static InputStream pausingAfter(byte[] data, int okBytes, java.util.concurrent.CountDownLatch release) {
        return new InputStream() {
            int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= okBytes) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                if (pos >= data.length) {
                    return -1;
                }
                int n = Math.min(len, (pos < okBytes ? okBytes : data.length) - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    private static InputStream failingAfter(byte[] data, int okBytes) {
        return new InputStream() {
            int pos;

            @Override
            public int read() throws IOException {
                if (pos >= okBytes) {
                    throw new IOException("source broke");
                }
                return data[pos++] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= okBytes) {
                    throw new IOException("source broke");
                }
                int n = Math.min(len, okBytes - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
