package dev.cognigyops.nluexport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.JarTestServers;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service under the image's flags (-Xmx128m, exit on out-of-memory) with its eight workers all
 * exporting at once: artifacts of unknown length go up in parts, and each run used to hold a part
 * buffer and two copies of it (24 MiB), so eight runs exhausted the heap and the JVM exited — with
 * the requests still in the inbox, at every restart. The part buffers are now shared and bounded.
 */
class ConcurrentExportsIT {

    static final int EXPORTS = 16;

    @TempDir
    Path dir;

    @Test
    void sixteenExportsAtOnceUnderTheImagesFlagsAllSucceed() throws Exception {
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        try (JarTestServers servers = new JarTestServers("concurrent-it");
             AppProcess app = AppProcess.in(dir).flags(AppProcess.DOCKERFILE_FLAGS).env(servers.env()).start()) {
            // 6 MiB, sent slowly and without a length: every worker is in its upload at the same time
            byte[] artifact = new byte[6 * 1024 * 1024];
            new java.util.Random(7).nextBytes(artifact);
            servers.cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(ExportStubs.ARTIFACT_PATH)
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                            .withHeader("Content-Type", "application/octet-stream").withBody(artifact)
                            .withChunkedDribbleDelay(30, 3000)));
            for (int i = 0; i < EXPORTS; i++) {
                Path tmp = inbox.resolve(".e" + i + ".part");
                Files.writeString(tmp, ExportStubs.request("concurrent-" + i, ",\"s3Key\":\"concurrent/" + i + ".onnx\""));
                Files.move(tmp, inbox.resolve("e" + i + ".json"), StandardCopyOption.ATOMIC_MOVE);
            }

            await().atMost(Duration.ofSeconds(120)).until(() -> !app.isAlive() || count(dir.resolve("results")) == EXPORTS);

            assertThat(app.isAlive()).as("the service is up; stdout:\n" + app.stdout()).isTrue();
            for (int i = 0; i < EXPORTS; i++) {
                var result = Json.MAPPER.readTree(dir.resolve("results/concurrent-" + i + ".json").toFile());
                assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
                assertThat(servers.s3.exists("concurrent-it", "concurrent/" + i + ".onnx")).isTrue();
            }
        }
    }

    static long count(Path results) throws java.io.IOException {
        if (!Files.isDirectory(results)) {
            return 0;
        }
        try (var files = Files.list(results)) {
            return files.filter(f -> f.getFileName().toString().startsWith("concurrent-")).count();
        }
    }
}
