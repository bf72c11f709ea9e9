package dev.cognigyops.triggers;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.JarTestServers;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 40 MB request file used to kill the service under the Dockerfile's flags (-Xmx128m, exit on
 * out-of-memory) and, left in the inbox, again at every restart. Now it is REJECTED by its size
 * without being read, kept in .failed/, and the request dropped after it runs.
 */
class LargeRequestFileIT {

    @TempDir
    Path dir;

    @Test
    void aFortyMegabyteFileIsRejectedAndKeptAndTheServiceGoesOn() throws Exception {
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        Path big = inbox.resolve(".big.json.part");
        long size;
        try (OutputStream out = Files.newOutputStream(big)) {
            out.write("{\"operation\":\"nlu-export\",\"payload\":{\"modelId\":\"".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 40; i++) {
                out.write(chunk);
            }
            out.write("\",\"modelVersion\":\"1.4.0\"}}".getBytes(StandardCharsets.UTF_8));
        }
        size = Files.size(big);
        Files.move(big, inbox.resolve("big.json"), StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(inbox.resolve("after.json"), ExportStubs.request("after-the-big-one", ""));

        try (JarTestServers servers = new JarTestServers("large-file-it");
             AppProcess app = AppProcess.in(dir).flags(AppProcess.DOCKERFILE_FLAGS).env(servers.env()).start()) {
            Path failed = inbox.resolve(".failed");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("results/after-the-big-one.json"))
                    && Files.exists(failed.resolve("big.error.json")));

            assertThat(app.isAlive()).as("the service is still up; stderr:\n" + app.stderr()).isTrue();
            assertThat(Files.size(failed.resolve("big.json"))).as("the request is kept whole").isEqualTo(size);
            JsonNode error = Json.MAPPER.readTree(failed.resolve("big.error.json").toFile());
            assertThat(error.path("message").asText()).isEqualTo("request: is " + size
                    + " bytes, over the limit of 1048576 bytes (cognigy.requests.max-bytes); it was not read");
            JsonNode result = Json.MAPPER.readTree(dir.resolve("results").resolve(error.path("runId").asText() + ".json").toFile());
            assertThat(result.path("status").asText()).isEqualTo("REJECTED");
            JsonNode after = Json.MAPPER.readTree(dir.resolve("results/after-the-big-one.json").toFile());
            assertThat(after.path("status").asText()).isEqualTo("SUCCEEDED");
        }
    }
}
