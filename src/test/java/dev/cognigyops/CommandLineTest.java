package dev.cognigyops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.EmbeddedS3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java ... CognigyOps run FILE} as a CI/CD pipeline calls it: a separate JVM configured only
 * by environment variables, the result alone on standard output, exit 0 / 1 / 2.
 */
class CommandLineTest {

    static WireMockServer cognigy;
    static EmbeddedS3 s3;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        cognigy = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        cognigy.start();
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"cli-token-123\",\"expires_in\":3600}")));
        new ExportStubs(cognigy, 10_000).happyPath();
        s3 = EmbeddedS3.start();
        s3.createBucket("cli-exports");
    }

    @AfterAll
    static void stop() {
        cognigy.stop();
        s3.close();
    }

    record Outcome(int exitCode, String stdout, String stderr, long wallMs) {
    }

    Outcome runCli(String request) throws Exception {
        return runCli(request.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    Outcome runCli(String request, Map<String, String> extraEnv) throws Exception {
        return runCli(request.getBytes(StandardCharsets.UTF_8), extraEnv);
    }

    Outcome runCli(byte[] request, Map<String, String> extraEnv) throws Exception {
        Path file = dir.resolve("request.json");
        Files.write(file, request);
        return runCliOn(file.toString(), extraEnv);
    }

    Process startCli(String file, Map<String, String> extraEnv, Path out, Path err) throws IOException {
        // the JIT's first tier only: a short run starts on less CPU, and nothing here depends on the compiler
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), CognigyOps.class.getName(), "run", file));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("COGNIGY_BASE_URL", cognigy.baseUrl());
        env.put("COGNIGY_AUTH_CLIENT_ID", "cli-client");
        env.put("COGNIGY_AUTH_CLIENT_SECRET", "cli-secret-value-xyz");
        env.put("COGNIGY_S3_BUCKET", "cli-exports");
        env.put("COGNIGY_S3_ENDPOINT_OVERRIDE", s3.endpoint().toString());
        env.put("COGNIGY_S3_PATH_STYLE", "true");
        env.put("COGNIGY_POLL_FIRST_DELAY_MS", "50");
        env.put("AWS_ACCESS_KEY_ID", EmbeddedS3.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedS3.SECRET_KEY);
        env.putAll(extraEnv);
        return pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    Outcome runCliOn(String file, Map<String, String> extraEnv) throws Exception {
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        long t0 = System.nanoTime();
        Process process = startCli(file, extraEnv, out, err);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the command line did not finish in 60 s");
        }
        long wallMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), wallMs);
    }

    @Test
    void aCommandLineRunIsInTheRunStoreSoItsRequestIdIsRefusedEvenWithoutItsResultFile() throws Exception {
        Outcome first = runCli(ExportStubs.request("cli-once", ""));
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        // the results folder is this machine's; the run store is every instance's
        Files.delete(dir.resolve("results").resolve("cli-once.json"));

        Outcome again = runCli(ExportStubs.request("cli-once", ""));

        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(Json.parse(again.stdout())).as("the stored result, not a second run").isEqualTo(Json.parse(first.stdout()));
        cognigy.verify(1, postRequestedFor(urlEqualTo(ExportStubs.EXPORTS_PATH))
                .withHeader("Idempotency-Key", matching("cli-once:.*")));
        assertThat(Files.readString(dir.resolve("audit/audit.jsonl"))).contains("\"DUPLICATE_REQUEST\"");
    }

    @Test
    void aCommandLineRunKilledMidwayGoesOnFromItsCheckpointWhenTheSameRequestRunsAgain() throws Exception {
        WireMockServer held = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        held.start();
        try {
            held.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                    .withBody("{\"access_token\":\"cli-token-123\",\"expires_in\":3600}")));
            ExportStubs stubs = new ExportStubs(held, 10_000);
            stubs.trainedVersion();
            stubs.exportStart();
            stubs.artifactDownload();
            // the first life waits on its first job read until it is killed; the second life's reads answer at once
            held.stubFor(get(ExportStubs.JOB_PATH).inScenario("job").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson("{\"status\":\"RUNNING\",\"progress\":10}").withFixedDelay(120_000))
                    .willSetStateTo("killed"));
            held.stubFor(get(ExportStubs.JOB_PATH).inScenario("job").whenScenarioStateIs("killed")
                    .willReturn(okJson("{\"status\":\"COMPLETED\",\"progress\":100,\"downloadUrl\":\"" + ExportStubs.ARTIFACT_PATH + "\"}")));
            Map<String, String> env = Map.of("COGNIGY_BASE_URL", held.baseUrl(),
                    "COGNIGY_CLUSTER_LEASE_SECONDS", "5", "COGNIGY_CLUSTER_HEARTBEAT_MS", "500");
            Path file = dir.resolve("request.json");
            Files.writeString(file, ExportStubs.request("cli-resume", ""));

            Process firstLife = startCli(file.toString(), env, dir.resolve("first-stdout"), dir.resolve("first-stderr"));
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> held.findAll(getRequestedFor(urlEqualTo(ExportStubs.JOB_PATH))).size() == 1);

            firstLife.destroyForcibly().waitFor();
            Instant killedAt = Instant.now();
            // its lease lapses within cognigy.cluster.lease-seconds of the kill
            await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(killedAt.plusSeconds(5).plusMillis(500)));

            Outcome resumed = runCliOn(file.toString(), env);

            assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
            JsonNode result = Json.parse(resumed.stdout());
            assertThat(result.path("runId").asText()).isEqualTo("cli-resume");
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            held.verify(1, postRequestedFor(urlEqualTo(ExportStubs.EXPORTS_PATH)));
            List<JsonNode> events = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("audit/audit.jsonl"))) {
                JsonNode event = Json.parse(line);
                if (event.path("runId").asText().equals("cli-resume")) {
                    events.add(event);
                }
            }
            assertThat(events).filteredOn(e -> e.path("action").asText().equals("RUN_RESUMED")).singleElement()
                    .satisfies(e -> assertThat(e.path("details").path("checkpoint").asText()).isEqualTo("EXPORT_REQUESTED"));
            assertThat(events).filteredOn(e -> e.path("action").asText().equals("RUN_FINISHED")).hasSize(1);
            assertThat(dir.resolve("results").resolve("cli-resume.json")).exists();
        } finally {
            held.stop();
        }
    }

    @Test
    void aSettingThatIsMissingStopsTheStartWithOneLineNamingIt() throws Exception {
        Outcome outcome = runCli(ExportStubs.request(null, ""), Map.of("COGNIGY_BASE_URL", ""));

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.stderr()).contains("cognigy-ops cannot start: setting cognigy.base-url is not set "
                + "(application.properties, -Dcognigy.base-url or COGNIGY_BASE_URL)").doesNotContain("\tat ");
        assertThat(outcome.stdout()).isEmpty();
    }

    @Test
    void aSucceededRunPrintsOnlyItsResultAndExitsZero() throws Exception {
        Outcome outcome = runCli(ExportStubs.request(null, ""));

        assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
        JsonNode result = Json.parse(outcome.stdout());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("trigger").asText()).isEqualTo("cli");
        assertThat(result.path("output").path("s3Uri").asText()).isEqualTo("s3://cli-exports/" + ExportStubs.KEY);
        assertThat(outcome.stdout().trim()).startsWith("{").endsWith("}");
        assertThat(outcome.stderr()).as("logs go to standard error").contains("nlu-export")
                .doesNotContain("cli-secret-value-xyz").doesNotContain("cli-token-123");
        assertThat(dir.resolve("results").resolve(result.path("runId").asText() + ".json")).exists();
    }

    @Test
    void aRejectedRequestExitsTwoAndAFailedRunExitsOne() throws Exception {
        Outcome rejected = runCli("{\"operation\":\"nlu-export\",\"payload\":{}}");
        assertThat(rejected.exitCode()).isEqualTo(2);
        assertThat(Json.parse(rejected.stdout()).path("error").path("message").asText())
                .contains("payload.modelId: is required").contains("payload.modelVersion: is required");

        Outcome failed = runCli("{\"operation\":\"nlu-export\",\"payload\":{\"modelId\":\"unknown-model\",\"modelVersion\":\"9\"}}");
        assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(1);
        assertThat(Json.parse(failed.stdout()).path("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void deepNestingAndOtherEncodingsAreRejectedNotFailed() throws Exception {
        Outcome deep = runCli("{\"operation\":\"nlu-export\",\"payload\":" + "[".repeat(1001) + "]".repeat(1001) + "}");
        assertThat(deep.exitCode()).as(deep.stderr()).isEqualTo(2);
        assertThat(Json.parse(deep.stdout()).path("error").path("message").asText()).isEqualTo("request: is nested deeper than 100 levels");

        Outcome latin1 = runCli("{\"operation\":\"nlu-export\",\"payload\":{\"modelId\":\"caf\u00e9\"}}"
                .getBytes(StandardCharsets.ISO_8859_1), Map.of());
        assertThat(latin1.exitCode()).as(latin1.stderr()).isEqualTo(2);
        assertThat(Json.parse(latin1.stdout()).path("error").path("message").asText()).startsWith("request: is not UTF-8: byte 0xE9 at offset 51");
    }

    @Test
    void aMissingFileIsNamedWithItsCause() throws Exception {
        Outcome missing = runCliOn(dir.resolve("no-such-request.json").toString(), Map.of());

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stdout()).isEmpty();
        assertThat(missing.stderr()).contains("cannot read " + dir.resolve("no-such-request.json") + ": no such file");
    }

    @Test
    void aResultThatCannotBeWrittenIsStillPrintedAndTheExitCodeFollowsTheRun() throws Exception {
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the results folder's parent should be");

        Outcome outcome = runCli(ExportStubs.request(null, "").getBytes(StandardCharsets.UTF_8),
                Map.of("COGNIGY_RESULTS_DIR", blocked.resolve("results").toString()));

        assertThat(outcome.exitCode()).as(outcome.stderr()).isZero();
        assertThat(Json.parse(outcome.stdout()).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(outcome.stderr()).contains("could not be written to " + blocked.resolve("results")).contains("not a directory");
    }

    @Test
    void kafkaThatCannotBeReachedNeitherHoldsTheRunNorHidesWhatWasNotPublished() throws Exception {
        Outcome withoutKafka = runCli(ExportStubs.request(null, ""));
        Outcome kafkaDown = runCli(ExportStubs.request(null, ""), Map.of("COGNIGY_KAFKA_BROKERS", "127.0.0.1:" + dev.cognigyops.testsupport.FreePort.pick()));

        assertThat(kafkaDown.exitCode()).as(kafkaDown.stderr()).isZero();
        JsonNode result = Json.parse(kafkaDown.stdout());
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        String runId = result.path("runId").asText();
        assertThat(dir.resolve("results").resolve(runId + ".json")).exists();
        // docs/contract.md#hostile-input-and-failing-dependencies: publishing is bounded by cognigy.kafka.max-block-ms (2 s); each audit event once took 60 s
        assertThat(kafkaDown.wallMs() - withoutKafka.wallMs())
                .as("Kafka down costs seconds, not minutes (%d ms without Kafka, %d ms with it down)",
                        withoutKafka.wallMs(), kafkaDown.wallMs())
                .isLessThan(15_000);
        long auditEvents = Files.readAllLines(dir.resolve("audit/audit.jsonl")).stream()
                .filter(line -> line.contains("\"runId\":\"" + runId + "\"")).count();
        assertThat(kafkaDown.stderr()).as("standard error says what was not published, and where it is")
                .contains("1 result and " + auditEvents + " audit events were not published to Kafka at 127.0.0.1:")
                .contains("they are only in results and " + Path.of("audit", "audit.jsonl"));
        assertThat(kafkaDown.stdout()).doesNotContain("not published");
    }

    static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
