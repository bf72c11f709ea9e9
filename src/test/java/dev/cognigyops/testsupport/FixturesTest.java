package dev.cognigyops.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.cognigyops.support.Json;

class FixturesTest {

    @Test
    void everyFixtureFileIsJsonEvenBeforeItsPlaceholdersAreFilled() throws IOException, URISyntaxException {
        Path root = Path.of(Fixtures.class.getClassLoader().getResource("fixtures").toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty().allSatisfy(f -> {
            assertThat(f.toString()).endsWith(".json");
            assertThat(Json.parse(Fixtures.json(root.relativize(f).toString().replace('\\', '/')))).isNotNull();
        });
    }

    @Test
    void placeholdersAreFilledAsTheyAre() {
        assertThat(Fixtures.json("botdeploy/deployment-status.json", Map.of("deploymentId", "dep?7", "status", "queued")))
                .contains("\"deploymentId\": \"dep?7\"").contains("\"status\": \"queued\"").doesNotContain("${");
    }

    @Test
    void aFixtureNeverGoesOutHalfFilled() {
        assertThatThrownBy(() -> Fixtures.json("botdeploy/deployment-status.json", Map.of("deploymentId", "dep-1")))
                .hasMessageContaining("${status}");
        assertThatThrownBy(() -> Fixtures.json("botdeploy/deployment-status.json",
                Map.of("deploymentId", "dep-1", "status", "queued", "statsu", "x")))
                .hasMessageContaining("[statsu]");
        assertThatThrownBy(() -> Fixtures.json("botdeploy/no-such.json")).hasMessageContaining("no-such.json");
    }

    @Test
    void aRunRequestTakesItsIdAndExtraPayloadFieldsAsText() {
        assertThat(Fixtures.runRequest(Fixtures.object("flowdeploy/request.json"), "r-1", ",\"dryRun\":true,\"dryRun\":false"))
                .isEqualTo("{\"operation\":\"flow-deploy\",\"requestId\":\"r-1\","
                        + "\"payload\":{\"targetEnvironmentId\":\"env-prod\",\"dryRun\":true,\"dryRun\":false}}");
        assertThat(Fixtures.runRequest(Fixtures.object("flowdeploy/request.json"), null, ""))
                .isEqualTo("{\"operation\":\"flow-deploy\",\"payload\":{\"targetEnvironmentId\":\"env-prod\"}}");
        assertThatThrownBy(() -> Fixtures.runRequest(Fixtures.object("nlpretrain/version-metrics.json"), "r-1", ""))
                .hasMessageContaining("ends with its payload object");
    }

    @Test
    void eachCallGivesAFreshObject() {
        Fixtures.object("nluexport/request.json").put("operation", "changed");
        assertThat(Fixtures.object("nluexport/request.json").path("operation").asText()).isEqualTo("nlu-export");
    }
}
