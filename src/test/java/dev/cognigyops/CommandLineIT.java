package dev.cognigyops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppProcess;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java -jar cognigy-ops.jar run FILE}, the built jar, as an unprivileged user. */
class CommandLineIT {

    @TempDir
    Path dir;

    @Test
    void aResultsFolderTheUserMayNotWriteLosesNoFinishedWork() throws Exception {
        Path results = dir.resolve("results");
        Files.createDirectories(results);
        Files.writeString(dir.resolve("request.json"), ExportStubs.request(null, ""));

        try (JarTestServers servers = new JarTestServers("cli-it")) {
            // the folder's mode denies the user (root would ignore it, hence the unprivileged user)
            Files.setPosixFilePermissions(results, PosixFilePermissions.fromString("r-xr-xr-x"));
            AppProcess app = AppProcess.in(dir).flags(AppProcess.DOCKERFILE_FLAGS).env(servers.env()).asUnprivilegedUser()
                    .start("run", "request.json");
            int exit = app.waitFor(Duration.ofSeconds(90));

            assertThat(exit).as(app.stderr()).isZero();
            JsonNode result = Json.parse(app.stdout());
            assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(result.path("output").path("s3Uri").asText()).isEqualTo("s3://cli-it/" + ExportStubs.KEY);
            assertThat(app.stderr()).contains("could not be written to results/" + result.path("runId").asText() + ".json")
                    .contains("permission denied");
            try (var files = Files.list(results)) {
                assertThat(files.toList()).isEmpty();
            }
        }
    }
}
