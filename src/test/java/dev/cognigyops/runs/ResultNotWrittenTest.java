package dev.cognigyops.runs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;

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

/**
 * A results folder that cannot be written loses no finished work: the dropped file goes to
 * {@code .failed/} with an error file that names the cause and carries the result, a repeat of the
 * request is refused (the export is not done twice), and the result is written once the folder can
 * take it. The folder is made unwritable by a plain file standing where it should be, which holds for
 * root too (a folder's mode does not).
 */
class ResultNotWrittenTest extends AppTestSupport {

    Path blocked;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        blocked = workDir.resolve("blocked");
        p.setProperty("cognigy.results.dir", blocked.resolve("results").toString());
        p.setProperty("cognigy.results.retry-ms", "200");
        return p;
    }

    @Override
    protected void doPostSetup() throws Exception {
        new ExportStubs(cognigy, 10_000).happyPath();
        Files.writeString(blocked, "a file where the results folder's parent should be");
    }

    void drop(String name, String content) throws Exception {
        Path inbox = workDir.resolve("inbox");
        Files.createDirectories(inbox);
        Path tmp = inbox.resolve("." + name + ".part");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void theResultIsKeptNamedAndWrittenOnceTheFolderTakesIt() throws Exception {
        drop("export.json", ExportStubs.request("unwritten-1", ""));
        Path failed = workDir.resolve("inbox/.failed");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(failed.resolve("export.error.json"))
                && Files.exists(failed.resolve("export.json")));

        JsonNode error = Json.MAPPER.readTree(failed.resolve("export.error.json").toFile());
        assertThat(error.path("code").asText()).isEqualTo("STORAGE_ERROR");
        assertThat(error.path("message").asText()).contains("could not be written to " + blocked.resolve("results"))
                .contains("not a directory");
        assertThat(error.path("result").path("status").asText()).as("the finished work is in the error file").isEqualTo("SUCCEEDED");
        assertThat(error.path("result").path("output").path("s3Uri").asText()).isEqualTo("s3://" + bucket + "/" + ExportStubs.KEY);
        assertThat(s3().exists(bucket, ExportStubs.KEY)).isTrue();
        assertThat(auditActions("unwritten-1")).endsWith("RUN_FINISHED");

        // the same request again: refused as a duplicate, the export is not done twice
        drop("again.json", ExportStubs.request("unwritten-1", ""));
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(workDir.resolve("inbox/.done/again.json")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ExportStubs.EXPORTS_PATH)));

        // the folder can be written again: the kept result reaches its file
        Files.delete(blocked);
        Path resultFile = blocked.resolve("results/unwritten-1.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(resultFile));
        JsonNode written = Json.MAPPER.readTree(resultFile.toFile());
        assertThat(written).isEqualTo(error.path("result"));
    }
}
