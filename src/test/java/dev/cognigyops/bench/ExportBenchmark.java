package dev.cognigyops.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

import dev.cognigyops.demo.simulator.CognigySimulator;
import dev.cognigyops.demo.simulator.NluExportApi;
import dev.cognigyops.testsupport.EmbeddedS3;

/**
 * Benchmark (a program, not a test): one nlu-export of a large artifact through the real app,
 * {@code java <flags> -jar target/cognigy-ops.jar run request.json}, from the bundled Cognigy simulator
 * into S3Proxy on the filesystem, both running in THIS JVM; the app is a separate process configured
 * only through environment variables. While it runs, its {@code /proc/<pid>/status} (VmRSS, VmHWM) and
 * its heap (the JVM's own perf counters, what {@code jstat -gc} reads, from the memory-mapped
 * {@code hsperfdata} file: no attach, no extra process) are sampled every 50 ms.
 *
 * <p>Then the baseline on the same servers: {@code curl} downloads the same artifact to a file, then the
 * AWS SDK v2 uploads that file: PutObject with {@code RequestBody.fromFile}, on the sync Apache-client
 * {@code S3Client} the app uses. (The S3 Transfer Manager is not on this project's class path, and the SDK's
 * own multipart client, {@code S3AsyncClient.multipartEnabled(true)}, fails against S3Proxy 4.1: it rejects the
 * {@code x-amz-mp-object-size} header SDK 2.41 sends.)
 *
 * <p>Run it with {@code bench/export-1gib.sh [options]} (builds, then runs this class with plain {@code java}:
 * {@code exec:java} cannot be used, the pom pins its mainClass to the demo and the servers' non-daemon threads
 * would keep Maven waiting). It prints per-run figures and a summary, checks every run (exit code 0, status
 * SUCCEEDED, the object's sha256 metadata equals the simulator's) and exits 1 if one failed. The temporary
 * directory (S3Proxy's files, the app's results and audit, curl's file) is deleted at the end.
 *
 * <p>Peak RSS is the larger of the last VmHWM sampled and, when {@code /usr/bin/time} exists (it is then the
 * app's parent), the exact {@code ru_maxrss}. Phases come from the app's audit file: the streamed PUT is
 * {@code download_duration_sec} of ARTIFACT_STORED; the store step runs from the last job read to ARTIFACT_STORED
 * (PUT, CopyObject to the final key, DeleteObject of the staging key).
 *
 * Options (all optional):
 * <pre>
 * --size BYTES            artifact size, e.g. 1GiB, 512MiB, 1073741824 (default 1GiB)
 * --config NAME=FLAGS     a JVM flag set for the app, repeatable; FLAGS separated by spaces, may be empty
 *                         (default: defaults= and recommended=RECOMMENDED_FLAGS)
 * --flags "FLAGS"         shorthand for --config custom=FLAGS
 * --repeat N              runs of each flag set, interleaved (default 1)
 * --warmup BYTES          one unreported app run first, to warm the servers in this JVM (default 128MiB; 0: none)
 * --no-baseline           skip curl + upload
 * --jar PATH              the app jar (default target/cognigy-ops.jar)
 * --timeline              print the RSS/heap samples once a second
 * --keep                  keep the temporary directory
 * --app-env NAME=VALUE    one more environment variable for the app (e.g. MALLOC_ARENA_MAX=2), repeatable
 * </pre>
 */
public final class ExportBenchmark {

    /** What we recommend to operators for a small footprint; justified by this benchmark (bench/README.md). */
    public static final String RECOMMENDED_FLAGS =
            "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:MaxDirectMemorySize=32m -Xss512k -XX:ReservedCodeCacheSize=64m";

    static final String CLIENT_ID = "bench-client";
    static final String CLIENT_SECRET = "bench-client-secret";
    static final String BUCKET = "bench-exports";
    static final long MIB = 1024L * 1024;
    static final ObjectMapper JSON = new ObjectMapper();

    private ExportBenchmark() {
    }

    record Config(String name, List<String> flags) {
        String flagText() {
            return flags.isEmpty() ? "(JVM defaults)" : String.join(" ", flags);
        }
    }

    record Options(long size, List<Config> configs, int repeat, long warmup, boolean baseline, Path jar,
                   boolean timeline, boolean keep, Map<String, String> appEnv) {
    }

    /** One app run, as measured. */
    record AppRun(Config config, int exitCode, String status, String exportId, String s3Uri, long sizeBytes,
                  boolean shaOk, double wallSeconds, double runSeconds, double putSeconds, double storeSeconds,
                  long peakRssKb, long hwmKb, long timeMaxRssKb, long peakHeapUsedKb, long peakHeapCommittedKb,
                  long maxOldUsedKb, long metaspaceUsedKb, long youngGcs, long fullGcs, double appCpuSeconds,
                  double harnessCpuSeconds, String error) {
        boolean ok() {
            return error == null;
        }

        long bestPeakRssKb() {
            return Math.max(Math.max(peakRssKb, hwmKb), timeMaxRssKb);
        }
    }

    record Baseline(double curlSeconds, double putSeconds, double copySeconds) {
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(parse(args));
        } catch (Throwable e) {
            e.printStackTrace();
            code = 2;
        }
        // the simulator's and S3Proxy's server threads are not daemons; exec:java would wait for them
        System.exit(code);
    }

    static int run(Options o) throws Exception {
        if (!Files.isRegularFile(o.jar)) {
            throw new IllegalStateException(o.jar.toAbsolutePath() + " is missing: run mvn -q -B package -DskipTests first");
        }
        Path work = Files.createTempDirectory("cognigy-bench-");
        say("work dir " + work + "; app jar " + o.jar.toAbsolutePath() + " (" + mib(Files.size(o.jar)) + " MiB)");
        say("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + memTotal() + ", java "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        List<AppRun> runs = new ArrayList<>();
        Baseline baseline = null;
        try (CognigySimulator cognigy = new CognigySimulator(CLIENT_ID, CLIENT_SECRET).withJobStages(0, 1).start();
             EmbeddedS3 s3 = EmbeddedS3.startOnFilesystem(work.resolve("s3"))) {
            s3.createBucket(BUCKET);
            say("Cognigy simulator at " + cognigy.baseUrl() + ", S3Proxy (filesystem) at " + s3.endpoint());

            if (o.warmup > 0) {
                cognigy.withArtifactSize(o.warmup);
                Config warm = o.configs.get(o.configs.size() - 1);
                say("warm-up: one unreported export of " + human(o.warmup) + " with " + warm.flagText());
                AppRun w = runApp(warm, o, work, cognigy, s3, "warmup");
                if (!w.ok()) {
                    throw new IllegalStateException("warm-up run failed: " + w.error);
                }
            }

            cognigy.withArtifactSize(o.size);
            int n = 0;
            for (int r = 1; r <= o.repeat; r++) {
                for (Config c : o.configs) {
                    n++;
                    say("");
                    say("app run " + n + ": " + c.name + " [" + c.flagText() + "], artifact " + human(o.size));
                    AppRun run = runApp(c, o, work, cognigy, s3, "run-" + n);
                    runs.add(run);
                    printRun(run);
                }
            }

            Optional<AppRun> source = runs.stream().filter(r -> r.exportId != null).reduce((a, b) -> b);
            if (o.baseline && source.isPresent()) {
                say("");
                List<Baseline> rounds = new ArrayList<>();
                for (int r = 1; r <= o.repeat; r++) {
                    rounds.add(baseline(o, work, cognigy, s3, source.get().exportId));
                }
                // the round with the median total
                rounds.sort(Comparator.comparingDouble(x -> x.curlSeconds + x.putSeconds));
                baseline = rounds.get((rounds.size() - 1) / 2);
            }
        } finally {
            if (o.keep) {
                say("kept " + work);
            } else {
                deleteRecursively(work);
            }
        }
        summary(o, runs, baseline);
        return runs.stream().allMatch(AppRun::ok) ? 0 : 1;
    }

    // ---- the app run -------------------------------------------------------------------------------

    static AppRun runApp(Config config, Options o, Path work, CognigySimulator cognigy, EmbeddedS3 s3, String name)
            throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        ObjectNode request = JSON.createObjectNode();
        request.put("operation", "nlu-export");
        ObjectNode payload = request.putObject("payload");
        payload.put("modelId", NluExportApi.DEMO_MODEL_ID);
        payload.put("modelVersion", NluExportApi.TRAINED_VERSION);
        Path requestFile = dir.resolve("request.json");
        Files.writeString(requestFile, JSON.writeValueAsString(request));

        List<String> command = new ArrayList<>();
        Path timeFile = dir.resolve("time.txt");
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            // GNU time is the app's parent: its ru_maxrss of the child is the exact peak RSS, without sampling
            command.addAll(List.of("/usr/bin/time", "-f", "%M %e", "-o", timeFile.toString()));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(config.flags);
        command.addAll(List.of("-jar", o.jar.toAbsolutePath().toString(), "run", requestFile.toString()));

        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("COGNIGY_") || k.startsWith("AWS_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("JDK_JAVA_OPTIONS") || k.equals("_JAVA_OPTIONS") || k.equals("MAVEN_OPTS"));
        env.put("COGNIGY_BASE_URL", cognigy.baseUrl());
        env.put("COGNIGY_AUTH_CLIENT_ID", CLIENT_ID);
        env.put("COGNIGY_AUTH_CLIENT_SECRET", CLIENT_SECRET);
        env.put("COGNIGY_S3_BUCKET", BUCKET);
        env.put("COGNIGY_S3_ENDPOINT_OVERRIDE", s3.endpoint().toString());
        env.put("COGNIGY_S3_PATH_STYLE", "true");
        env.put("COGNIGY_POLL_FIRST_DELAY_MS", "200");
        env.put("COGNIGY_RESULTS_DIR", dir.resolve("results").toString());
        env.put("COGNIGY_AUDIT_FILE", dir.resolve("audit/audit.jsonl").toString());
        env.put("COGNIGY_INBOX_DIR", dir.resolve("inbox").toString());
        env.put("COGNIGY_SPOOL_DIR", dir.resolve("spool").toString());
        env.put("COGNIGY_DATA_DIR", dir.resolve("data").toString());
        env.put("AWS_ACCESS_KEY_ID", EmbeddedS3.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedS3.SECRET_KEY);
        env.putAll(o.appEnv);

        Duration harnessCpu0 = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        long t0 = System.nanoTime();
        Process process = pb.start();
        Sampler sampler = new Sampler(process, timed, t0);
        Thread thread = new Thread(sampler, "bench-sampler");
        thread.setDaemon(true);
        thread.start();
        boolean finished = process.waitFor(30, TimeUnit.MINUTES);
        long t1 = System.nanoTime();
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        sampler.stop = true;
        thread.join(2_000);
        int exit = finished ? process.exitValue() : -1;
        double wall = (t1 - t0) / 1e9;
        // CPU this JVM (simulator, S3Proxy, sampler) spent while the app ran
        double harnessCpu = (ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toMillis()
                - harnessCpu0.toMillis()) / 1000.0;

        long timeMaxRss = 0;
        if (timed && Files.exists(timeFile)) {
            // the last line is "%M %e"; a killed child adds a line before it
            List<String> lines = Files.readAllLines(timeFile);
            String[] parts = lines.get(lines.size() - 1).trim().split("\\s+");
            try {
                timeMaxRss = Long.parseLong(parts[0]);
            } catch (RuntimeException ignored) {
                // no figure
            }
        }
        if (o.timeline) {
            sampler.printTimeline();
        }

        String error = null;
        String status = null;
        String exportId = null;
        String s3Uri = null;
        long size = -1;
        double runSeconds = Double.NaN;
        double putSeconds = Double.NaN;
        double storeSeconds = Double.NaN;
        boolean shaOk = false;
        String stdout = Files.readString(dir.resolve("stdout.txt"));
        try {
            // the result is the pretty-printed JSON object at the end of stdout (a log line may precede it)
            int start = stdout.startsWith("{") ? 0 : stdout.indexOf("\n{") + 1;
            JsonNode result = JSON.readTree(stdout.substring(start));
            status = result.path("status").asText(null);
            JsonNode out = result.path("output");
            exportId = out.path("exportId").asText(null);
            s3Uri = out.path("s3Uri").asText(null);
            size = out.path("artifactSizeBytes").asLong(-1);
            runSeconds = out.path("durationSeconds").asDouble(Double.NaN);
            if (Double.isNaN(runSeconds)) {
                runSeconds = result.path("durationMs").asLong() / 1000.0;
            }
        } catch (IOException | RuntimeException e) {
            error = "no result JSON on stdout: " + e.getMessage();
        }
        // phases from the audit file: the streamed PUT (download -> upload) as ArtifactStore timed it, and the
        // whole store step (PUT, then CopyObject to the final key and DeleteObject of the staging key)
        Path audit = dir.resolve("audit/audit.jsonl");
        if (Files.exists(audit)) {
            Instant lastJobRead = null;
            for (String line : Files.readAllLines(audit)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode event = JSON.readTree(line);
                String action = event.path("action").asText();
                Instant at = Instant.parse(event.path("timestamp").asText());
                if ("EXPORT_JOB_STATUS".equals(action)) {
                    lastJobRead = at;
                } else if ("ARTIFACT_STORED".equals(action)) {
                    putSeconds = event.path("details").path("download_duration_sec").asDouble(Double.NaN);
                    if (lastJobRead != null) {
                        storeSeconds = Duration.between(lastJobRead, at).toMillis() / 1000.0;
                    }
                }
            }
        }

        if (error == null && exit != 0) {
            error = "exit code " + exit + (finished ? "" : " (killed after 30 min)");
        }
        if (error == null && !"SUCCEEDED".equals(status)) {
            error = "status " + status;
        }
        if (error == null) {
            String key = s3Uri.substring(("s3://" + BUCKET + "/").length());
            HeadObjectResponse head = s3.head(BUCKET, key);
            String stored = head.metadata().get("sha256");
            String expected = cognigy.expectedSha256(exportId);
            shaOk = expected.equals(stored) && head.contentLength() == cognigy.nlu().export(exportId).orElseThrow().artifactSize();
            if (!shaOk) {
                error = "object " + s3Uri + " has sha256 " + stored + " and " + head.contentLength()
                        + " bytes; the simulator served " + expected;
            }
            List<String> keys = s3.listKeys(BUCKET);
            if (error == null && keys.size() != 1) {
                error = "bucket holds " + keys + " instead of the one artifact";
            }
            // keep the disk tidy: every run writes another artifact
            s3.client().deleteObject(b -> b.bucket(BUCKET).key(key));
        }
        if (error != null) {
            say("FAILED: " + error);
            say("stderr tail of " + dir + ":\n" + tail(dir.resolve("stderr.txt"), 30));
        }
        return new AppRun(config, exit, status, exportId, s3Uri, size, shaOk, wall, runSeconds, putSeconds,
                storeSeconds, sampler.peakRssKb, sampler.hwmKb, timeMaxRss, sampler.peakHeapUsedKb,
                sampler.peakHeapCommittedKb, sampler.maxOldUsedKb, sampler.metaspaceUsedKb, sampler.youngGcs,
                sampler.fullGcs, sampler.cpuTicks / 100.0, harnessCpu, error);
    }

    static void printRun(AppRun r) {
        say(String.format(Locale.ROOT, "  result           %s, exit %d, sha256 %s, %s", r.status, r.exitCode,
                r.shaOk ? "matches the simulator's" : "NOT CHECKED/WRONG", r.s3Uri));
        say(String.format(Locale.ROOT, "  wall             %.2f s (process start -> exit); run %.2f s (result durationSeconds);"
                + " JVM start+stop %.2f s", r.wallSeconds, r.runSeconds, r.wallSeconds - r.runSeconds));
        say(String.format(Locale.ROOT, "  transfer         streamed PUT %.2f s (%.0f MB/s), store step incl. copy+delete %.2f s;"
                        + " %.0f MB/s over the wall time", r.putSeconds, mbps(r.sizeBytes, r.putSeconds), r.storeSeconds,
                mbps(r.sizeBytes, r.wallSeconds)));
        say(String.format(Locale.ROOT, "  peak RSS         %d MB (VmHWM %d kB, ru_maxrss %d kB, max sampled VmRSS %d kB)",
                mb(r.bestPeakRssKb()), r.hwmKb, r.timeMaxRssKb, r.peakRssKb));
        say(String.format(Locale.ROOT, "  CPU              app %.1f s (user+sys, sampled), servers in the harness JVM %.1f s;"
                + " %.2f of the machine's %d cores over the wall time", r.appCpuSeconds, r.harnessCpuSeconds,
                (r.appCpuSeconds + r.harnessCpuSeconds) / r.wallSeconds / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors()));
        say(String.format(Locale.ROOT, "  heap             peak sampled used %d MB, peak committed %d MB, max old-gen used %d MB;"
                        + " metaspace %d MB; GCs young %d, full %d", mb(r.peakHeapUsedKb), mb(r.peakHeapCommittedKb),
                mb(r.maxOldUsedKb), mb(r.metaspaceUsedKb), r.youngGcs, r.fullGcs));
    }

    // ---- the baseline ------------------------------------------------------------------------------

    static Baseline baseline(Options o, Path work, CognigySimulator cognigy, EmbeddedS3 s3, String exportId)
            throws Exception {
        String token = token(cognigy);
        String url = cognigy.baseUrl() + "/api/v1/artifacts/" + exportId;
        Path file = work.resolve("baseline-artifact.bin");
        say("baseline: curl -s -f -o FILE -H 'Authorization: Bearer ...' " + url);
        long t0 = System.nanoTime();
        Process curl = new ProcessBuilder("curl", "-s", "-f", "-o", file.toString(), "-H",
                "Authorization: Bearer " + token, url).redirectErrorStream(true).start();
        String curlOut = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = curl.waitFor();
        double curlSeconds = (System.nanoTime() - t0) / 1e9;
        if (rc != 0) {
            throw new IllegalStateException("curl failed with " + rc + ": " + curlOut);
        }
        long size = Files.size(file);
        String sha = sha256(file);
        if (!sha.equals(cognigy.expectedSha256(exportId))) {
            throw new IllegalStateException("curl's file has sha256 " + sha + ", not the simulator's");
        }
        say(String.format(Locale.ROOT, "  curl download    %.2f s (%.0f MB/s), %d bytes, sha256 ok", curlSeconds,
                mbps(size, curlSeconds), size));

        double put;
        double copy;
        try (S3Client client = s3.newClient(true)) {
            long u0 = System.nanoTime();
            client.putObject(b -> b.bucket(BUCKET).key("baseline/put.bin"), RequestBody.fromFile(file));
            put = (System.nanoTime() - u0) / 1e9;
            check(client.headObject(b -> b.bucket(BUCKET).key("baseline/put.bin")).contentLength(), size);
            say(String.format(Locale.ROOT, "  SDK PutObject    %.2f s (%.0f MB/s): S3Client (Apache, as the app), RequestBody.fromFile,"
                    + " one PUT", put, mbps(size, put)));
            // not part of the baseline: what the app's second step (staging key -> final key) costs on this server
            long c0 = System.nanoTime();
            client.copyObject(b -> b.sourceBucket(BUCKET).sourceKey("baseline/put.bin").destinationBucket(BUCKET)
                    .destinationKey("baseline/copy.bin").metadataDirective(MetadataDirective.REPLACE)
                    .metadata(Map.of("sha256", sha)));
            copy = (System.nanoTime() - c0) / 1e9;
            client.deleteObject(b -> b.bucket(BUCKET).key("baseline/put.bin"));
            client.deleteObject(b -> b.bucket(BUCKET).key("baseline/copy.bin"));
            say(String.format(Locale.ROOT, "  (for reference) CopyObject of that object to another key, as the app does after its"
                    + " PUT: %.2f s (%.0f MB/s)", copy, mbps(size, copy)));
        }
        Files.deleteIfExists(file);
        return new Baseline(curlSeconds, put, copy);
    }

    static String token(CognigySimulator cognigy) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(CLIENT_ID, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(CLIENT_SECRET, StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode("artifacts:download", StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(cognigy.baseUrl() + "/oauth/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token endpoint answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    // ---- the summary -------------------------------------------------------------------------------

    static void summary(Options o, List<AppRun> runs, Baseline b) {
        say("");
        say("==== summary: nlu-export of " + human(o.size) + " (" + o.size + " bytes); MB = 10^6 bytes ====");
        Map<String, List<AppRun>> byConfig = new LinkedHashMap<>();
        runs.forEach(r -> byConfig.computeIfAbsent(r.config.name, k -> new ArrayList<>()).add(r));
        double baselineSeconds = b == null ? Double.NaN : b.curlSeconds + b.putSeconds;
        say(String.format(Locale.ROOT, "%-12s %-4s %7s %6s %8s %8s %8s %6s  %s", "flags", "ok", "wall s", "MB/s",
                "peakRSS", "heapPeak", "heapComm", "ratio", "JVM flags"));
        for (var e : byConfig.entrySet()) {
            for (AppRun r : e.getValue()) {
                say(String.format(Locale.ROOT, "%-12s %-4s %7.2f %6.0f %5d MB %5d MB %5d MB %6s  %s", e.getKey(),
                        r.ok() ? "yes" : "NO", r.wallSeconds, mbps(r.sizeBytes, r.wallSeconds),
                        mb(r.bestPeakRssKb()), mb(r.peakHeapUsedKb), mb(r.peakHeapCommittedKb),
                        Double.isNaN(baselineSeconds) ? "-" : String.format(Locale.ROOT, "%.2f", r.wallSeconds / baselineSeconds),
                        r.config.flagText()));
            }
        }
        say("where the app's wall time goes (s): JVM start+Camel boot+stop | API calls and polls | streamed PUT"
                + " (download -> upload) | CopyObject staging -> final key, delete staging");
        for (var e : byConfig.entrySet()) {
            for (AppRun r : e.getValue()) {
                say(String.format(Locale.ROOT, "  %-12s %5.2f | %5.2f | %5.2f | %5.2f", e.getKey(), r.wallSeconds - r.runSeconds,
                        r.runSeconds - r.storeSeconds, r.putSeconds, r.storeSeconds - r.putSeconds));
            }
        }
        if (b != null) {
            say(String.format(Locale.ROOT, "baseline%s: curl %.2f s + SDK PutObject %.2f s = %.2f s  (CopyObject of the same"
                    + " object on this server: %.2f s)", o.repeat > 1 ? " (median round)" : "", b.curlSeconds, b.putSeconds,
                    baselineSeconds, b.copySeconds));
            say("ratio = app wall time / (curl + PutObject); targets: ratio <= 1.00, peak RSS < 300 MB");
        }
        for (var e : byConfig.entrySet()) {
            List<AppRun> ok = e.getValue().stream().filter(AppRun::ok).toList();
            if (ok.isEmpty()) {
                say(e.getKey() + ": no successful run");
                continue;
            }
            long rss = mb(ok.stream().mapToLong(AppRun::bestPeakRssKb).max().orElse(0));
            double wall = median(ok.stream().mapToDouble(AppRun::wallSeconds).toArray());
            double put = median(ok.stream().mapToDouble(AppRun::putSeconds).toArray());
            say(String.format(Locale.ROOT, "%s: peak RSS %d MB -> %s; wall %.2f s%s", e.getKey(), rss,
                    rss < 300 ? "under 300 MB" : "MISSES the 300 MB target", wall, Double.isNaN(baselineSeconds) ? ""
                            : String.format(Locale.ROOT, " vs %.2f s -> %s (its streamed PUT alone: %.2f s, %.2f of the baseline)",
                                    baselineSeconds, wall <= baselineSeconds ? "not slower than curl + upload"
                                            : "SLOWER than curl + upload", put, put / baselineSeconds)));
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    // ---- sampling ----------------------------------------------------------------------------------

    /** Samples the app's /proc status and its hsperfdata heap counters every 50 ms until it exits. */
    static final class Sampler implements Runnable {
        private final Process process;
        private final boolean wrapped;
        private final long t0;
        volatile boolean stop;
        long pid = -1;
        long peakRssKb;
        long hwmKb;
        long peakHeapUsedKb;
        long peakHeapCommittedKb;
        long maxOldUsedKb;
        long metaspaceUsedKb;
        long youngGcs;
        long fullGcs;
        long cpuTicks;
        final List<long[]> samples = new ArrayList<>();
        private PerfData perf;

        Sampler(Process process, boolean wrapped, long t0) {
            this.process = process;
            this.wrapped = wrapped;
            this.t0 = t0;
        }

        @Override
        public void run() {
            while (!stop && process.isAlive()) {
                sample();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            if (pid < 0) {
                pid = wrapped ? process.children().map(ProcessHandle::pid).findFirst().orElse(-1L) : process.pid();
                if (pid < 0) {
                    return;
                }
            }
            long rss = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = kb(line);
                    } else if (line.startsWith("VmHWM:")) {
                        hwmKb = Math.max(hwmKb, kb(line));
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                return; // gone
            }
            peakRssKb = Math.max(peakRssKb, rss);
            try {
                // utime + stime (fields 14 and 15), in clock ticks; the command name (field 2) may hold spaces
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                cpuTicks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException | RuntimeException e) {
                // gone
            }
            long used = -1;
            long committed = -1;
            if (perf == null) {
                perf = PerfData.open(pid);
            }
            if (perf != null) {
                try {
                    used = perf.heapUsedKb();
                    committed = perf.heapCommittedKb();
                    peakHeapUsedKb = Math.max(peakHeapUsedKb, used);
                    peakHeapCommittedKb = Math.max(peakHeapCommittedKb, committed);
                    maxOldUsedKb = Math.max(maxOldUsedKb, perf.kb("sun.gc.generation.1.space.0.used"));
                    metaspaceUsedKb = Math.max(metaspaceUsedKb, perf.kb("sun.gc.metaspace.used"));
                    youngGcs = perf.value("sun.gc.collector.0.invocations");
                    fullGcs = perf.value("sun.gc.collector.1.invocations");
                } catch (RuntimeException e) {
                    // the JVM is going away
                }
            }
            samples.add(new long[] {(System.nanoTime() - t0) / 1_000_000, rss, used, committed});
        }

        void printTimeline() {
            say("  timeline (ms since start: VmRSS / heap used / heap committed, MB):");
            StringBuilder line = new StringBuilder();
            long next = 0;
            for (long[] s : samples) {
                if (s[0] >= next) {
                    line.append(String.format(Locale.ROOT, " %5.1fs:%d/%d/%d", s[0] / 1000.0, s[1] / 1024,
                            s[2] / 1024, s[3] / 1024));
                    next = (s[0] / 1000 + 1) * 1000;
                    if (line.length() > 100) {
                        say("   " + line);
                        line.setLength(0);
                    }
                }
            }
            if (line.length() > 0) {
                say("   " + line);
            }
        }

        private static long kb(String line) {
            String[] parts = line.trim().split("\\s+");
            return Long.parseLong(parts[1]);
        }
    }

    /**
     * The HotSpot performance counters of another JVM, read from its memory-mapped
     * {@code /tmp/hsperfdata_<user>/<pid>} (what {@code jstat} reads; layout from HotSpot's perfMemory.hpp:
     * a prologue, then entries of {length, nameOffset, vectorLength, type, flags, units, variability,
     * dataOffset}).
     */
    static final class PerfData {
        private static final String[] USED = {"sun.gc.generation.0.space.0.used", "sun.gc.generation.0.space.1.used",
            "sun.gc.generation.0.space.2.used", "sun.gc.generation.1.space.0.used"};
        private static final String[] COMMITTED = {"sun.gc.generation.0.capacity", "sun.gc.generation.1.capacity"};
        private final MappedByteBuffer buffer;
        private final Map<String, Integer> offsets = new HashMap<>();
        private int scannedEntries;

        private PerfData(MappedByteBuffer buffer) {
            this.buffer = buffer;
        }

        static PerfData open(long pid) {
            // HotSpot on Linux always puts it under /tmp, whatever java.io.tmpdir says
            Path file = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
                if ((buffer.getInt(0) & 0xffffffffL) != 0xcafec0c0L) {
                    return null;
                }
                buffer.order(buffer.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                if (buffer.get(7) == 0) {
                    return null; // not accessible yet
                }
                PerfData perf = new PerfData(buffer);
                perf.scan();
                return perf.offsets.containsKey(USED[0]) ? perf : null;
            } catch (IOException e) {
                return null;
            }
        }

        private void scan() {
            int count = buffer.getInt(28);
            if (count == scannedEntries) {
                return;
            }
            int entry = buffer.getInt(24);
            for (int i = 0; i < count; i++) {
                int length = buffer.getInt(entry);
                if (i >= scannedEntries) {
                    int nameStart = entry + buffer.getInt(entry + 4);
                    int end = nameStart;
                    while (buffer.get(end) != 0) {
                        end++;
                    }
                    byte[] name = new byte[end - nameStart];
                    buffer.get(nameStart, name);
                    int vector = buffer.getInt(entry + 8);
                    byte type = buffer.get(entry + 12);
                    if (vector == 0 && type == 'J') {
                        offsets.put(new String(name, StandardCharsets.US_ASCII), entry + buffer.getInt(entry + 16));
                    }
                }
                entry += length;
            }
            scannedEntries = count;
        }

        long value(String name) {
            Integer offset = offsets.get(name);
            if (offset == null) {
                scan();
                offset = offsets.get(name);
            }
            return offset == null ? 0 : buffer.getLong(offset);
        }

        long kb(String name) {
            return value(name) / 1024;
        }

        long heapUsedKb() {
            return Arrays.stream(USED).mapToLong(this::value).sum() / 1024;
        }

        long heapCommittedKb() {
            return Arrays.stream(COMMITTED).mapToLong(this::value).sum() / 1024;
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    static Options parse(String[] args) {
        long size = 1024 * MIB;
        List<Config> configs = new ArrayList<>();
        int repeat = 1;
        long warmup = 128 * MIB;
        boolean baseline = true;
        Path jar = Path.of("target", "cognigy-ops.jar");
        boolean timeline = false;
        boolean keep = false;
        Map<String, String> appEnv = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--size" -> size = bytes(args[++i]);
                case "--config" -> {
                    String v = args[++i];
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--config NAME=FLAGS, got " + v);
                    }
                    configs.add(new Config(v.substring(0, eq), split(v.substring(eq + 1))));
                }
                case "--flags" -> configs.add(new Config("custom", split(args[++i])));
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = bytes(args[++i]);
                case "--no-baseline" -> baseline = false;
                case "--jar" -> jar = Path.of(args[++i]);
                case "--timeline" -> timeline = true;
                case "--keep" -> keep = true;
                case "--app-env" -> {
                    String v = args[++i];
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--app-env NAME=VALUE, got " + v);
                    }
                    appEnv.put(v.substring(0, eq), v.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown option " + a + " (see the class comment)");
            }
        }
        if (configs.isEmpty()) {
            configs.add(new Config("defaults", List.of()));
            configs.add(new Config("recommended", split(RECOMMENDED_FLAGS)));
        }
        return new Options(size, configs, repeat, warmup, baseline, jar, timeline, keep, appEnv);
    }

    static List<String> split(String flags) {
        String t = flags.trim();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }

    static long bytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        for (String[] u : new String[][] {{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"}, {"gb", "1000000000"},
            {"mb", "1000000"}, {"kb", "1000"}, {"g", "1073741824"}, {"m", "1048576"}, {"k", "1024"}}) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length()).trim();
                break;
            }
        }
        return Math.round(Double.parseDouble(t) * unit);
    }

    static String human(long bytes) {
        if (bytes >= 1024 * MIB && bytes % (1024 * MIB) == 0) {
            return bytes / (1024 * MIB) + " GiB";
        }
        if (bytes >= MIB && bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        return bytes + " bytes";
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static void check(long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException("uploaded object has " + actual + " bytes, expected " + expected);
        }
    }

    static double mbps(long bytes, double seconds) {
        return bytes / 1e6 / seconds;
    }

    static long mb(long kb) {
        return Math.round(kb * 1024 / 1e6);
    }

    static long mib(long bytes) {
        return bytes / MIB;
    }

    static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> (Long.parseLong(l.trim().split("\\s+")[1]) / 1024 / 1024) + " GiB RAM").findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ")";
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
