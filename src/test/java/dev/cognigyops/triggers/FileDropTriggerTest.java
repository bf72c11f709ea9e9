package dev.cognigyops.triggers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Requests dropped into the watched folder, run through the whole app. */
class FileDropTriggerTest extends AppTestSupport {

    ExportStubs stubs;

    @Override
    protected void doPostSetup() {
        stubs = new ExportStubs(cognigy, 50_000);
        stubs.happyPath();
    }

    Path inbox() {
        return workDir.resolve("inbox");
    }

    /** Writes a file the way a careful sender does: a hidden temporary name, then a rename. */
    void drop(String relative, String content) throws IOException {
        Path target = inbox().resolve(relative);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    JsonNode awaitResult(String runId) {
        Path file = workDir.resolve("results").resolve(runId + ".json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aDroppedRequestRunsAndItsFileMovesToDone() throws Exception {
        drop("export.json", ExportStubs.request("dropped-1", ""));

        JsonNode result = awaitResult("dropped-1");

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("trigger").asText()).isEqualTo("file");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/export.json")));
        assertThat(inbox().resolve("export.json")).doesNotExist();
        assertThat(s3().exists(bucket, ExportStubs.KEY)).isTrue();
    }

    @Test
    void aBarePayloadInAnOperationFolderIsARequestForThatOperation() throws Exception {
        drop("nlu-export/model.json", "{\"modelId\":\"intent-classifier\",\"modelVersion\":\"1.4.0\"}");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbox().resolve(".done/nlu-export/model.json")));

        try (var results = Files.list(workDir.resolve("results"))) {
            JsonNode result = Json.MAPPER.readTree(results.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow().toFile());
            assertThat(result.path("operation").asText()).isEqualTo("nlu-export");
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        }
    }

    @Test
    void rejectedFilesAreKeptWithAnErrorFileNamingEveryViolation() throws Exception {
        drop("broken.json", "{\"operation\": \"nlu-export\", \"payload\": {");
        drop("unknown.json", "{\"operation\":\"make-coffee\",\"requestId\":\"coffee\",\"payload\":{}}");
        drop("bad-payload.json", "{\"operation\":\"nlu-export\",\"requestId\":\"bad-payload\",\"payload\":"
                + "{\"modelId\":\"no spaces allowed\",\"s3Key\":\"/absolute\",\"webhookUrl\":\"ftp://x\",\"colour\":\"red\"}}");
        Path failed = inbox().resolve(".failed");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(failed.resolve("broken.error.json"))
                && Files.exists(failed.resolve("unknown.error.json")) && Files.exists(failed.resolve("bad-payload.error.json"))
                && Files.exists(failed.resolve("broken.json")) && Files.exists(failed.resolve("unknown.json"))
                && Files.exists(failed.resolve("bad-payload.json")));

        assertThat(Files.readString(failed.resolve("broken.json"))).as("the request is kept as sent")
                .isEqualTo("{\"operation\": \"nlu-export\", \"payload\": {");
        assertThat(Json.MAPPER.readTree(failed.resolve("broken.error.json").toFile()).path("message").asText())
                .contains("not valid JSON");
        assertThat(Json.MAPPER.readTree(failed.resolve("unknown.error.json").toFile()).path("message").asText())
                .contains("operation: unknown operation 'make-coffee'").contains("nlu-export");
        JsonNode bad = Json.MAPPER.readTree(failed.resolve("bad-payload.error.json").toFile());
        assertThat(bad.path("violations")).extracting(JsonNode::asText).anyMatch(v -> v.startsWith("payload.modelId:"))
                .anyMatch(v -> v.startsWith("payload.modelVersion: is required"))
                .anyMatch(v -> v.startsWith("payload.s3Key:"))
                .anyMatch(v -> v.startsWith("payload.webhookUrl:"))
                .anyMatch(v -> v.startsWith("payload.colour: is not a known field"));

        JsonNode result = resultFile("bad-payload");
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(auditActions("bad-payload")).containsExactly("RUN_STARTED", "RUN_FINISHED");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/oauth/token")));
    }

    @Test
    void aHalfWrittenFileIsNotReadUntilItIsComplete() throws Exception {
        String request = ExportStubs.request("slow-writer", "");
        Path target = inbox().resolve("slow.json");
        Files.createDirectories(inbox());
        // a sender that writes in place, in pieces, more slowly than the inbox is polled
        try (OutputStream out = Files.newOutputStream(target)) {
            byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
            int step = bytes.length / 6 + 1;
            for (int i = 0; i < bytes.length; i += step) {
                out.write(bytes, i, Math.min(step, bytes.length - i));
                out.flush();
                Thread.sleep(100);
            }
        }

        JsonNode result = awaitResult("slow-writer");

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(inbox().resolve(".failed")).doesNotExist();
    }
}
