package dev.cognigyops.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListBucketsRequest;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * A real S3-compatible HTTP server (S3Proxy 4.1.0 on its shaded Jetty 12) inside the test JVM, on a dynamic
 * port on {@code 127.0.0.1}, requiring AWS Signature V4 with a fixed test key pair ({@link #ACCESS_KEY} /
 * {@link #SECRET_KEY}), region {@code us-east-1}, path-style addressing.
 *
 * <pre>{@code
 * try (EmbeddedS3 s3 = EmbeddedS3.start()) {
 *     s3.createBucket("exports");
 *     // point the app at s3.endpoint() with s3.accessKey()/s3.secretKey(), region us-east-1, path-style
 *     assertThat(s3.getString("exports", "a.json")).contains("...");
 *     assertThat(s3.sseRequested("exports", "a.json")).isTrue();
 * }
 * }</pre>
 *
 * <p>Do not pass an {@code EmbeddedS3} (or {@link EmbeddedKafka}) as a {@code @ParameterizedTest} argument:
 * JUnit closes {@link AutoCloseable} arguments after each invocation.
 *
 * <h2>Backends</h2>
 * S3Proxy 4.x no longer uses Apache jclouds: it has its own {@code org.gaul.s3proxy.blobstore.BlobStore}
 * SPI whose requests and responses are AWS SDK v2 model objects (S3Proxy is built against SDK 2.54 but
 * runs on the SDK 2.41.28 that camel-aws2-s3 brings: every SDK class/method S3Proxy references exists in
 * 2.41.28). The jclouds provider names survive: {@link #start()} uses {@code "transient"}
 * ({@code TransientNio2BlobStore}, in memory on jimfs) and {@link #startOnFilesystem(Path)} uses
 * {@code "filesystem"} ({@code FilesystemNio2BlobStore}, one file per object; for big objects). Both are
 * wrapped in a recording {@link ForwardingBlobStore} (S3Proxy unwraps exactly that type to pick its
 * per-backend quirks, so behaviour is otherwise unchanged) which:
 * <ul>
 * <li>records every <em>successful</em> object write as S3Proxy parsed it from the HTTP request
 *     ({@link #writes()}, {@link #lastWrite}, {@link #lastPutHeaders}, {@link #sseRequested});</li>
 * <li>lets the filesystem backend accept SSE (see (b));</li>
 * <li>hides in-flight uploads from listings: S3Proxy's stores write {@code <key>-<uuid>} next to the object
 *     and rename it when done, and plain S3Proxy <em>lists that temp file</em> while the upload runs (a
 *     polling consumer would see it). Real S3 shows nothing until the upload completes; so does this
 *     fixture ({@link #rawListKeys} shows what the store has).</li>
 * </ul>
 *
 * <h2>Findings (each asserted in {@code FixturesSmokeTest}; S3Proxy 4.1.0, AWS SDK 2.41.28, Apache client)</h2>
 * <ul>
 * <li><b>Client settings.</b> Endpoint override + path-style + static credentials + region suffice. S3Proxy
 *     4.1 understands the SDK's default flexible checksums (CRC32 trailer in the aws-chunked body), so the
 *     SDK defaults ({@code WHEN_SUPPORTED}) work as well as {@code WHEN_REQUIRED}; {@link #client()} uses
 *     {@code WHEN_REQUIRED} for both, {@link #newClient(boolean) newClient(false)} keeps the defaults.</li>
 * <li><b>(a) User metadata</b> ({@code x-amz-meta-*}) is stored by PutObject and returned by HeadObject and
 *     GetObject (keys lower-cased, as on AWS); CopyObject with {@code MetadataDirective=REPLACE} replaces it
 *     (also in place, source = destination), with COPY (the default) it carries over. Both backends.</li>
 * <li><b>(b) SSE.</b> Transient backend: {@code ServerSideEncryption=AES256} is accepted on PutObject,
 *     CopyObject and CreateMultipartUpload and returned on their responses and on HeadObject/GetObject;
 *     an unknown algorithm is refused with 400. But, like AWS today, it reports {@code AES256} for
 *     <em>every</em> object, asked for or not, so a response never proves the client asked. Plain S3Proxy on
 *     the filesystem backend refuses any SSE header with {@code 501 NotImplemented} (it will not pretend to
 *     encrypt); this fixture makes it accept SSE (the wrapper takes the SSE fields off before the store sees
 *     them and puts the requested algorithm back on the write, Head and Get responses; objects written
 *     without SSE report none; SSE-C stays unsupported). <b>To assert that the app asked for SSE use
 *     {@link #sseRequested} / {@link #lastPutHeaders} / {@link #lastWrite}</b>: they are taken from the
 *     parsed request (for a multipart upload, from its CreateMultipartUpload), on both backends.</li>
 * <li><b>(c) Streaming.</b> Over plain http the SDK sends <em>every</em> PutObject (fromInputStream,
 *     fromBytes, fromString) as a SigV4 {@code aws-chunked} body ({@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD},
 *     plus {@code -TRAILER} with a CRC32 trailer under the default checksum mode), which S3Proxy decodes and
 *     verifies; {@code RequestBody.fromInputStream(in, contentLength)} works on both backends. S3Proxy's
 *     in-memory buffering of non-chunked signed bodies ({@code v4-max-non-chunked-request-size}, default
 *     128 MiB, left as is) therefore does not apply to SDK uploads. If the stream ends early the SDK itself
 *     fails the call ({@code IllegalStateException: The request content has fewer bytes than the specified
 *     content-length}); a stream that throws {@code IOException} fails the call too (the SDK cannot replay a
 *     non-resettable stream). Either way no object is created, an existing object under that key is left
 *     intact, and the client stays usable.</li>
 * <li><b>(d) Multipart.</b> CreateMultipartUpload / UploadPart / CompleteMultipartUpload /
 *     AbortMultipartUpload / ListMultipartUploads and UploadPartCopy (with and without
 *     {@code x-amz-copy-source-range}; S3Proxy emulates it with a read of the source) work on both backends;
 *     the 5 MiB minimum for non-last parts is enforced at Complete ({@code EntityTooSmall}); metadata and
 *     SSE given at Create end up on the object.</li>
 * <li><b>Connection quirk.</b> When S3Proxy refuses a request that has a body (e.g. the 501 above) before
 *     reading the body, it then closes that connection; a <em>slow</em> streaming upload that the SDK sends
 *     next on the same pooled connection fails with "Broken pipe" and cannot be retried (non-resettable
 *     stream). 404s from Head/Get do not do this.</li>
 * </ul>
 */
public final class EmbeddedS3 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-0123456789";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final RecordingBlobStore store;
    private final URI endpoint;
    private S3Client client;
    private volatile boolean closed;

    private EmbeddedS3(S3Proxy proxy, RecordingBlobStore store) {
        this.proxy = proxy;
        this.store = store;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts S3Proxy over an in-memory store (S3Proxy provider {@code "transient"}). */
    public static EmbeddedS3 start() {
        return start(BlobStores.create("transient", new Properties()));
    }

    /**
     * Starts S3Proxy over a directory (S3Proxy provider {@code "filesystem"}): buckets are sub-directories,
     * objects are files. Use for large objects. The directory is created if missing and left in place on
     * {@link #close()} (pass a JUnit {@code @TempDir}).
     */
    public static EmbeddedS3 startOnFilesystem(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        return start(BlobStores.create("filesystem", props));
    }

    private static EmbeddedS3 start(BlobStore backend) {
        long t0 = System.nanoTime();
        RecordingBlobStore recording = new RecordingBlobStore(backend);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(recording)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .jettyMaxThreads(32)
                .stopTimeout(1_000)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            try {
                proxy.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("Could not start S3Proxy", e);
        }
        EmbeddedS3 s3 = new EmbeddedS3(proxy, recording);
        LOG.info("Embedded S3 ({}) ready at {} in {} ms", backend.getClass().getSimpleName(), s3.endpoint,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return s3;
    }

    /** {@code http://127.0.0.1:<port>}; use path-style addressing. */
    public URI endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String region() {
        return REGION;
    }

    public void createBucket(String name) {
        client().createBucket(b -> b.bucket(name));
    }

    /**
     * A shared AWS SDK v2 client (the SDK version camel-aws2-s3 brings) for this server: endpoint override,
     * path-style, static credentials, us-east-1, checksums only when required. Owned by the fixture; do not
     * close it.
     */
    public synchronized S3Client client() {
        if (client == null) {
            client = newClient(true);
        }
        return client;
    }

    /**
     * A new client the caller must close. {@code checksumsWhenRequired=false} leaves the SDK's default
     * flexible-checksum behaviour (WHEN_SUPPORTED) in place.
     */
    public S3Client newClient(boolean checksumsWhenRequired) {
        var builder = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (checksumsWhenRequired) {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    // ---- convenience accessors for assertions ----------------------------------------------------

    public void putString(String bucket, String key, String content) {
        client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    public byte[] getBytes(String bucket, String key) {
        return client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    public String getString(String bucket, String key) {
        return new String(getBytes(bucket, key), StandardCharsets.UTF_8);
    }

    public boolean exists(String bucket, String key) {
        try {
            client().headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    public HeadObjectResponse head(String bucket, String key) {
        return client().headObject(b -> b.bucket(bucket).key(key));
    }

    /** Deletes every object in the bucket (e.g. between tests sharing one server); the bucket stays. */
    public void emptyBucket(String bucket) {
        for (String key : listKeys(bucket)) {
            client().deleteObject(b -> b.bucket(bucket).key(key));
        }
    }

    /** All keys in the bucket (follows pagination). */
    public List<String> listKeys(String bucket) {
        List<String> keys = new ArrayList<>();
        client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o -> keys.add(o.key()));
        return keys;
    }

    /** All objects in the bucket with size/etag (follows pagination). */
    public List<S3Object> listObjects(String bucket) {
        List<S3Object> objects = new ArrayList<>();
        client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(objects::add);
        return objects;
    }

    /**
     * Keys as the backing store itself lists them, bypassing this fixture's hiding of in-flight temp files
     * (for tests of the fixture).
     */
    public List<String> rawListKeys(String bucket) {
        List<String> keys = new ArrayList<>();
        store.delegate().list(ListObjectsV2Request.builder().bucket(bucket).maxKeys(1000).build())
                .contents().forEach(o -> keys.add(o.key()));
        return keys;
    }

    // ---- what the clients asked for --------------------------------------------------------------

    /** Every successful object write (PutObject, CopyObject, CompleteMultipartUpload), oldest first. */
    public List<RecordedWrite> writes() {
        return List.copyOf(store.writes);
    }

    /** The most recent successful write of {@code bucket/key}, if any. */
    public Optional<RecordedWrite> lastWrite(String bucket, String key) {
        List<RecordedWrite> all = store.writes;
        for (int i = all.size() - 1; i >= 0; i--) {
            RecordedWrite w = all.get(i);
            if (w.bucket().equals(bucket) && w.key().equals(key)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }

    /**
     * The request headers of the most recent successful write of {@code bucket/key} that matter for
     * assertions, as S3Proxy parsed them: {@code x-amz-server-side-encryption}, {@code x-amz-meta-*},
     * {@code Content-Type}, {@code x-amz-metadata-directive}, {@code x-amz-copy-source} and friends. For a
     * multipart upload, the headers of its CreateMultipartUpload. Empty map if never written.
     */
    public Map<String, String> lastPutHeaders(String bucket, String key) {
        return lastWrite(bucket, key).map(RecordedWrite::headers).orElse(Map.of());
    }

    /** Whether the most recent successful write of {@code bucket/key} asked for server-side encryption. */
    public boolean sseRequested(String bucket, String key) {
        return lastWrite(bucket, key).map(RecordedWrite::sseRequested).orElse(false);
    }

    public void clearRecordedWrites() {
        store.writes.clear();
    }

    /** Stops the server (and the in-memory store with it). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        synchronized (this) {
            if (client != null) {
                client.close();
            }
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("S3Proxy did not stop cleanly", e);
        }
        try {
            store.close();
        } catch (Exception e) {
            LOG.warn("Blob store did not close cleanly", e);
        }
        LOG.info("Embedded S3 stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    // ---- recording -------------------------------------------------------------------------------

    /** One successful object write, as S3Proxy parsed the client's request. */
    public record RecordedWrite(
            String operation,
            String bucket,
            String key,
            String serverSideEncryption,
            String ssekmsKeyId,
            Map<String, String> userMetadata,
            String contentType,
            String metadataDirective,
            String copySource,
            Long contentLength,
            Instant at) {

        /** Asked for any server-side encryption (AES256 or aws:kms*). */
        public boolean sseRequested() {
            return serverSideEncryption != null && !serverSideEncryption.isEmpty();
        }

        /** The assertion-relevant request headers, reconstructed. */
        public Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            if (serverSideEncryption != null) {
                h.put("x-amz-server-side-encryption", serverSideEncryption);
            }
            if (ssekmsKeyId != null) {
                h.put("x-amz-server-side-encryption-aws-kms-key-id", ssekmsKeyId);
            }
            if (contentType != null) {
                h.put("Content-Type", contentType);
            }
            if (metadataDirective != null) {
                h.put("x-amz-metadata-directive", metadataDirective);
            }
            if (copySource != null) {
                h.put("x-amz-copy-source", copySource);
            }
            userMetadata.forEach((k, v) -> h.put("x-amz-meta-" + k, v));
            return Collections.unmodifiableMap(h);
        }
    }

    /**
     * Records successful writes, and gives a store without SSE support (filesystem) the ability to accept
     * and report {@code x-amz-server-side-encryption}. Extends {@link ForwardingBlobStore} because S3Proxy
     * unwraps exactly that type to find the real backend (per-backend quirks); the interface's default
     * methods that {@link ForwardingBlobStore} does not forward are forwarded here, so the real backend's
     * own implementations are used.
     */
    private static final class RecordingBlobStore extends ForwardingBlobStore {

        private static final Pattern TEMP_SUFFIX =
                Pattern.compile("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

        final List<RecordedWrite> writes = new CopyOnWriteArrayList<>();
        private final Map<String, CreateMultipartUploadRequest> uploads = new ConcurrentHashMap<>();
        /** Only used when emulating SSE: bucket/key -> algorithm asked for. */
        private final Map<String, String> emulatedSse = new ConcurrentHashMap<>();
        private final boolean emulateSse;
        /** bucket/key -> number of writes of that key under way (their temp files are hidden from listings). */
        private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

        RecordingBlobStore(BlobStore delegate) {
            super(delegate);
            this.emulateSse = !delegate.supportsServerSideEncryption();
        }

        private static String id(String bucket, String key) {
            return bucket + "/" + key;
        }

        private <T> T writing(String bucket, String key, Supplier<T> write) {
            String id = id(bucket, key);
            inFlight.merge(id, 1, Integer::sum);
            try {
                return write.get();
            } finally {
                inFlight.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
            }
        }

        /** S3Proxy's nio2 stores write {@code <key>-<uuid>} next to the object, then rename it. */
        private boolean isInFlightTempFile(String bucket, String name) {
            if (inFlight.isEmpty()) {
                return false;
            }
            Matcher m = TEMP_SUFFIX.matcher(name);
            return m.find() && inFlight.containsKey(id(bucket, name.substring(0, m.start())));
        }

        private static void rejectCustomerKeys(String customerAlgorithm) {
            if (customerAlgorithm != null) {
                throw new UnsupportedOperationException("SSE-C is not supported by this backend");
            }
        }

        @Override
        public boolean supportsServerSideEncryption() {
            return true;
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
            String sse = request.serverSideEncryptionAsString();
            PutObjectRequest forward = request;
            if (emulateSse) {
                rejectCustomerKeys(request.sseCustomerAlgorithm());
                forward = request.toBuilder().serverSideEncryption((String) null).ssekmsKeyId(null)
                        .ssekmsEncryptionContext(null).bucketKeyEnabled(null).build();
            }
            PutObjectRequest toStore = forward;
            PutObjectResponse response = writing(request.bucket(), request.key(),
                    () -> delegate().putBlob(toStore, input));
            record(new RecordedWrite("PutObject", request.bucket(), request.key(), sse, request.ssekmsKeyId(),
                    Map.copyOf(request.metadata()), request.contentType(), null, null, request.contentLength(),
                    Instant.now()));
            if (emulateSse) {
                rememberSse(request.bucket(), request.key(), sse);
                response = response.toBuilder().serverSideEncryption(sse).build();
            }
            return response;
        }

        @Override
        public CopyObjectResponse copyBlob(CopyObjectRequest request) {
            String sse = request.serverSideEncryptionAsString();
            CopyObjectRequest forward = request;
            if (emulateSse) {
                rejectCustomerKeys(request.sseCustomerAlgorithm());
                forward = request.toBuilder().serverSideEncryption((String) null).ssekmsKeyId(null)
                        .ssekmsEncryptionContext(null).bucketKeyEnabled(null).build();
            }
            CopyObjectRequest toStore = forward;
            CopyObjectResponse response = writing(request.destinationBucket(), request.destinationKey(),
                    () -> delegate().copyBlob(toStore));
            record(new RecordedWrite("CopyObject", request.destinationBucket(), request.destinationKey(), sse,
                    request.ssekmsKeyId(), Map.copyOf(request.metadata()), request.contentType(),
                    request.metadataDirectiveAsString(), request.sourceBucket() + "/" + request.sourceKey(), null,
                    Instant.now()));
            if (emulateSse) {
                rememberSse(request.destinationBucket(), request.destinationKey(), sse);
                response = response.toBuilder().serverSideEncryption(sse).build();
            }
            return response;
        }

        @Override
        public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
            CreateMultipartUploadRequest forward = request;
            if (emulateSse) {
                rejectCustomerKeys(request.sseCustomerAlgorithm());
                forward = request.toBuilder().serverSideEncryption((String) null).ssekmsKeyId(null)
                        .ssekmsEncryptionContext(null).bucketKeyEnabled(null).build();
            }
            MultipartUpload upload = delegate().initiateMultipartUpload(forward);
            uploads.put(upload.id(), request);
            if (emulateSse && request.serverSideEncryption() != null && upload.response() != null) {
                upload = new MultipartUpload(upload.id(), upload.request(), upload.response().toBuilder()
                        .serverSideEncryption(request.serverSideEncryptionAsString()).build());
            }
            return upload;
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                CompleteMultipartUploadRequest request) {
            CompleteMultipartUploadResponse response = writing(request.bucket(), request.key(),
                    () -> delegate().completeMultipartUpload(upload, request));
            CreateMultipartUploadRequest initiated = uploads.remove(upload.id());
            if (initiated == null) {
                initiated = upload.request();
            }
            String sse = initiated.serverSideEncryptionAsString();
            record(new RecordedWrite("CompleteMultipartUpload", request.bucket(), request.key(), sse,
                    initiated.ssekmsKeyId(), Map.copyOf(initiated.metadata()), initiated.contentType(), null, null,
                    null, Instant.now()));
            if (emulateSse) {
                rememberSse(request.bucket(), request.key(), sse);
                response = response.toBuilder().serverSideEncryption(sse).build();
            }
            return response;
        }

        @Override
        public void abortMultipartUpload(MultipartUpload upload) {
            delegate().abortMultipartUpload(upload);
            uploads.remove(upload.id());
        }

        /** S3Proxy writes bookkeeping objects of its own (e.g. {@code .s3proxy-mpu-stub-<uploadId>}); not recorded. */
        private void record(RecordedWrite write) {
            if (!write.key().startsWith(".s3proxy-")) {
                writes.add(write);
            }
        }

        private void rememberSse(String bucket, String key, String sse) {
            if (sse == null) {
                emulatedSse.remove(id(bucket, key));
            } else {
                emulatedSse.put(id(bucket, key), sse);
            }
        }

        private HeadObjectResponse decorate(String bucket, String key, HeadObjectResponse response) {
            if (!emulateSse || response == null) {
                return response;
            }
            String sse = emulatedSse.get(id(bucket, key));
            return sse == null ? response : response.toBuilder().serverSideEncryption(sse).build();
        }

        @Override
        public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
            return decorate(request.bucket(), request.key(), delegate().blobMetadata(request));
        }

        @Override
        public HeadObjectResponse blobMetadata(String container, String name) {
            return decorate(container, name, delegate().blobMetadata(container, name));
        }

        @Override
        public HeadObjectResponse blobMetadataIfPresent(HeadObjectRequest request) {
            return decorate(request.bucket(), request.key(), delegate().blobMetadataIfPresent(request));
        }

        @Override
        public HeadObjectResponse blobMetadataIfPresent(String container, String name) {
            return decorate(container, name, delegate().blobMetadataIfPresent(container, name));
        }

        private ResponseInputStream<GetObjectResponse> decorate(String bucket, String key,
                ResponseInputStream<GetObjectResponse> in) {
            if (!emulateSse || in == null) {
                return in;
            }
            String sse = emulatedSse.get(id(bucket, key));
            if (sse == null) {
                return in;
            }
            GetObjectResponse response = in.response().toBuilder().serverSideEncryption(sse).build();
            return new ResponseInputStream<>(response, AbortableInputStream.create(in, in::abort));
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
            return decorate(request.bucket(), request.key(), delegate().getBlob(request));
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(String container, String name) {
            return decorate(container, name, delegate().getBlob(container, name));
        }

        // --- defaults of the BlobStore interface that ForwardingBlobStore (4.1.0) does not forward ---

        @Override
        public boolean supportsCopyMultipartPart() {
            return delegate().supportsCopyMultipartPart();
        }

        @Override
        public UploadPartCopyResponse copyMultipartPart(MultipartUpload upload, UploadPartCopyRequest request) {
            return delegate().copyMultipartPart(upload, request);
        }

        @Override
        public DeleteObjectsResponse removeBlobs(DeleteObjectsRequest request) {
            return delegate().removeBlobs(request);
        }

        @Override
        public ListObjectsResponse listV1(ListObjectsRequest request) {
            ListObjectsResponse response = delegate().listV1(request);
            if (response.contents().stream().noneMatch(o -> isInFlightTempFile(request.bucket(), o.key()))) {
                return response;
            }
            return response.toBuilder().contents(response.contents().stream()
                    .filter(o -> !isInFlightTempFile(request.bucket(), o.key())).toList()).build();
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            ListObjectsV2Response response = delegate().list(request);
            if (response.contents().stream().noneMatch(o -> isInFlightTempFile(request.bucket(), o.key()))) {
                return response;
            }
            List<S3Object> visible = response.contents().stream()
                    .filter(o -> !isInFlightTempFile(request.bucket(), o.key())).toList();
            return response.toBuilder().contents(visible)
                    .keyCount(response.keyCount() == null ? null
                            : response.keyCount() - (response.contents().size() - visible.size()))
                    .build();
        }

        @Override
        public ListBucketsResponse list(ListBucketsRequest request) {
            return delegate().list(request);
        }

        @Override
        public boolean containerExists(String container) {
            return delegate().containerExists(container);
        }
    }
}
