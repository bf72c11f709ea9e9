package dev.cognigyops.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.main.Main;

import dev.cognigyops.CognigyOps;
import dev.cognigyops.demo.simulator.CognigySimulator;
import dev.cognigyops.demo.simulator.v2.CognigyV2Simulator;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.EmbeddedS3;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The one-command demo ({@code mvn -q test-compile exec:java}): cognigy-ops running as a service
 * against the bundled, stateful Cognigy simulator and an S3-compatible store in the same JVM. It
 * drops every request in {@code examples/requests/} into the watched folder, prints each result as
 * it finishes and what landed in S3, then stops. Meanwhile the page is at http://localhost:8080/ ({@code -Ddemo.port});
 * {@code -Ddemo.keep-serving=true} keeps it up until Enter. Everything it writes is under {@code target/demo/}.
 */
public final class Demo {

    static final String CLIENT_ID = "demo-client";
    static final String CLIENT_SECRET = "demo-client-secret-change-me";
    static final String BUCKET = "demo-model-exports";
    /** The simulated tenant's API key (profile cognigy-v2). */
    static final String API_KEY = "demo-api-key-change-me";

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of("target", "demo").toAbsolutePath();
        deleteRecursively(home);
        Files.createDirectories(home);
        boolean v2 = "cognigy-v2".equals(System.getProperty("demo.profile", "seeds"));
        Path examples = Path.of(args.length > 0 ? args[0] : v2 ? "examples/cognigy-v2" : "examples/requests");

        say("starting the Cognigy simulator and a local S3-compatible store ...");
        EmbeddedS3 s3 = EmbeddedS3.startOnFilesystem(home.resolve("s3"));
        s3.createBucket(BUCKET);

        Main app = CognigyOps.newMain();
        app.addOverrideProperty("cognigy.inbox.dir", home.resolve("inbox").toString());
        app.addOverrideProperty("cognigy.results.dir", home.resolve("results").toString());
        app.addOverrideProperty("cognigy.audit.file", home.resolve("audit/audit.jsonl").toString());
        app.addOverrideProperty("cognigy.spool.dir", home.resolve("spool").toString());
        app.addOverrideProperty("cognigy.data.dir", home.resolve("data").toString());
        app.addOverrideProperty("cognigy.s3.bucket", BUCKET);
        app.addOverrideProperty("cognigy.s3.endpoint-override", s3.endpoint().toString());
        app.addOverrideProperty("cognigy.s3.path-style", "true");
        app.addOverrideProperty("cognigy.poll.first-delay-ms", "500");
        app.addOverrideProperty("cognigy.inbox.read-lock-check-ms", "300");
        // the page at / (and the runs API, the probes): no token configured, so a browser on this host needs none
        String port = System.getProperty("demo.port", "8080");
        app.addOverrideProperty("camel.server.port", port);
        AutoCloseable cognigy;
        Map<String, String> ids;
        String simulatorUrl;
        if (v2) {
            CognigyV2Simulator tenant = new CognigyV2Simulator(API_KEY).start();
            ids = seedTenant(tenant);
            app.addOverrideProperty("cognigy.api.profile", "cognigy-v2");
            app.addOverrideProperty("cognigy.base-url", tenant.baseUrl());
            app.addOverrideProperty("cognigy.auth.api-key", API_KEY);
            // MLflow is a server of its own: the seeds simulator's MLflow area, on another port
            CognigySimulator mlflow = new CognigySimulator("mlflow", "unused").register(new dev.cognigyops.demo.simulator.MlflowApi()).start();
            app.addOverrideProperty("mlflow.tracking-uri", mlflow.baseUrl());
            cognigy = () -> {
                tenant.close();
                mlflow.close();
            };
            simulatorUrl = tenant.baseUrl();
        } else {
            CognigySimulator seeds = seedsSimulator(app);
            ids = Map.of();
            cognigy = seeds;
            simulatorUrl = seeds.baseUrl();
        }

        System.setProperty("aws.accessKeyId", EmbeddedS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", EmbeddedS3.SECRET_KEY);
        app.start();
        say("cognigy-ops is running on profile " + (v2 ? "cognigy-v2" : "seeds") + "; Cognigy simulator at "
                + simulatorUrl + ", S3 at " + s3.endpoint());
        say("the page: http://localhost:" + port + "/  (the runs and their steps, audit events, results and charts)");

        List<Path> requests;
        try (Stream<Path> files = Files.list(examples)) {
            requests = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        Path inbox = home.resolve("inbox");
        Files.createDirectories(inbox);
        for (Path request : requests) {
            Path tmp = inbox.resolve("." + request.getFileName() + ".part");
            Files.writeString(tmp, withIds(Files.readString(request), ids));
            Files.move(tmp, inbox.resolve(request.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            say("dropped " + examples.resolve(request.getFileName()) + " into " + inbox);
        }

        Path results = home.resolve("results");
        Set<Path> seen = new LinkedHashSet<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (seen.size() < requests.size() && Instant.now().isBefore(deadline)) {
            for (Path result : list(results)) {
                if (seen.add(result)) {
                    JsonNode json = Json.MAPPER.readTree(result.toFile());
                    say("result " + json.path("runId").asText() + ": " + json.path("operation").asText() + " "
                            + json.path("status").asText() + "\n" + Json.writePretty(json));
                }
            }
            Thread.sleep(200);
        }

        say("objects in s3://" + BUCKET + ":");
        for (String key : s3.listKeys(BUCKET)) {
            HeadObjectResponse head = s3.head(BUCKET, key);
            say("  " + key + "  " + head.contentLength() + " bytes, SSE " + s3.sseRequested(BUCKET, key)
                    + ", metadata " + head.metadata());
        }
        say("inbox: .done/ " + names(inbox.resolve(".done")) + ", .failed/ " + names(inbox.resolve(".failed")));
        say("audit trail: " + home.resolve("audit/audit.jsonl") + " ("
                + Files.readAllLines(home.resolve("audit/audit.jsonl")).size() + " events)");

        if (Boolean.getBoolean("demo.keep-serving")) {
            say("the page stays at http://localhost:" + port + "/ until you press Enter (or Ctrl-C)");
            // Ctrl-C: Camel's own hook waits for the context to stop, which nothing else here would do while
            // this thread waits for Enter (it would wait out the shutdown timeout)
            Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "demo-stop"));
            while (System.in.read() >= 0 && System.in.available() > 0) {
                // the rest of the line
            }
        }
        app.stop();
        s3.close();
        cognigy.close();
        int missing = requests.size() - seen.size();
        if (missing > 0) {
            say(missing + " request(s) had no result within 120 s");
        }
        System.exit(missing == 0 ? 0 : 1);
    }

    /** The seeds simulator, with every API area the five operations call, and the app pointed at it. */
    private static CognigySimulator seedsSimulator(Main app) {
        CognigySimulator cognigy = new CognigySimulator(CLIENT_ID, CLIENT_SECRET).start();
        app.addOverrideProperty("cognigy.base-url", cognigy.baseUrl());
        app.addOverrideProperty("cognigy.auth.client-id", CLIENT_ID);
        app.addOverrideProperty("cognigy.auth.client-secret", CLIENT_SECRET);

        cognigy.register(new dev.cognigyops.demo.simulator.BotDeployApi(java.time.Clock.systemUTC()));
        app.addOverrideProperty("cognigy.poll.bot-deploy.first-delay-ms", "1000");

        cognigy.register(new dev.cognigyops.demo.simulator.TrainingApi(java.time.Clock.systemUTC()));

        cognigy.register(new dev.cognigyops.demo.simulator.FlowDeployApi());
        app.addOverrideProperty("cognigy.flow-deploy.page-size", "4");
        app.addOverrideProperty("cognigy.poll.flow-deploy.first-delay-ms", "200");

        cognigy.register(new dev.cognigyops.demo.simulator.NlpRetrainApi(java.time.Clock.systemUTC()))
                .register(new dev.cognigyops.demo.simulator.MlflowApi());
        app.addOverrideProperty("mlflow.tracking-uri", cognigy.baseUrl());
        return cognigy;
    }

    /**
     * A tenant as a contact centre has one: a support bot's project of three flows (each executing the
     * next) with two snapshots, its webchat endpoint serving the first, an empty production project to
     * promote the flows into, and an intent training under way. The ids it made, by the names the
     * requests in examples/cognigy-v2/ use for them ({@code ${supportProjectId}}, ...).
     */
    private static Map<String, String> seedTenant(CognigyV2Simulator tenant) throws Exception {
        tenant.withTrainingResult(0.91, List.of());
        String support = tenant.seedProject("Support bot", 3);
        String production = tenant.seedProject("Support bot (production)", 0);
        String release1 = tenant.seedSnapshot(support, "release-1", true);
        String release2 = tenant.seedSnapshot(support, "release-2", true);
        String webchat = tenant.seedEndpointOnSnapshot(release1, "Webchat");
        String mainFlow = tenant.flows(support).get(0).id();
        java.net.http.HttpResponse<String> training = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(tenant.baseUrl() + "/new/v2.0/flows/"
                                + tenant.flows(support).get(1).id() + "/intents/train"))
                        .header("X-API-Key", API_KEY).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"localeId\":\"" + tenant.localeId(support) + "\",\"mode\":\"full\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        String trainingTask = Json.parse(training.body()).path("_id").asText();
        return Map.of("supportProjectId", support, "productionProjectId", production, "release2SnapshotId", release2,
                "webchatEndpointId", webchat, "mainFlowId", mainFlow, "supportLocaleId", tenant.localeId(support),
                "trainingTaskId", trainingTask);
    }

    /** The request with the tenant's ids put in for their {@code ${name}}s. */
    static String withIds(String request, Map<String, String> ids) {
        String filled = request;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            filled = filled.replace("${" + id.getKey() + "}", id.getValue());
        }
        return filled;
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    private static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(f -> names.add(f.getFileName().toString()));
            }
        }
        return names.stream().sorted().toList();
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
