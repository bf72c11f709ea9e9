package dev.cognigyops.trainingmonitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.trainingmonitor.MonitorStubs.request;
import static dev.cognigyops.trainingmonitor.MonitorStubs.status;
import static dev.cognigyops.trainingmonitor.MonitorStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Monitors waiting for their jobs hold no worker: with two run workers, twelve monitors dropped
 * into the inbox all poll at once, each its own run, and each ends with its own result.
 */
class ManyMonitorsTest extends dev.cognigyops.AppTestSupport {

    static final int MONITORS = 12;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.runs.concurrency", "2");
        p.setProperty("cognigy.runs.queue-size", "2");
        p.setProperty("cognigy.inbox.read-lock-check-ms", "20");
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "50");
        return p;
    }

    @Test
    void monitorsShareTheWorkersInsteadOfHoldingOneEach() throws Exception {
        IntStream.range(0, MONITORS).forEach(i -> cognigy.stubFor(get(urlEqualTo(statusPath("job-" + i)))
                .willReturn(okJson(status("job-" + i, "RUNNING", 10 + i)))));
        Path inbox = workDir.resolve("inbox");
        Files.createDirectories(inbox);
        for (int i = 0; i < MONITORS; i++) {
            Path tmp = inbox.resolve(".m" + i + ".json");
            Files.writeString(tmp, request("many-" + i, "job-" + i, ""));
            Files.move(tmp, inbox.resolve("m" + i + ".json"));
        }

        // every job is being read again and again while none has finished: no monitor waits for a worker
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> IntStream.range(0, MONITORS).forEach(i ->
                assertThat(cognigy.findAll(getRequestedFor(urlEqualTo(statusPath("job-" + i))))).as("job-" + i).hasSizeGreaterThan(3)));
        assertThat(workDir.resolve("results").toFile().list()).as("no run has ended yet").isNullOrEmpty();

        IntStream.range(0, MONITORS).forEach(i -> cognigy.stubFor(get(urlEqualTo(statusPath("job-" + i)))
                .willReturn(okJson(status("job-" + i, "COMPLETED", 100)))));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(workDir.resolve("results"))
                && workDir.resolve("results").toFile().list((d, n) -> n.endsWith(".json")).length == MONITORS);
        for (int i = 0; i < MONITORS; i++) {
            JsonNode result = Json.MAPPER.readTree(workDir.resolve("results/many-" + i + ".json").toFile());
            assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
            assertThat(result.path("trigger").asText()).isEqualTo("file");
            assertThat(result.path("output").path("progressPercent").asDouble()).isEqualTo(100.0);
            assertThat(auditActions("many-" + i)).startsWith("RUN_STARTED", "MONITOR_START").endsWith("MONITOR_COMPLETE", "RUN_FINISHED");
            // each run watched its own job only: every status it checked is its job's, with its job's progress
            String runId = "many-" + i;
            double ownProgress = 10 + i;
            List<JsonNode> checks = auditEvents().stream().filter(e -> runId.equals(e.path("runId").asText())
                    && "STATUS_CHECK".equals(e.path("action").asText())).toList();
            assertThat(checks).as(runId).hasSizeGreaterThan(3)
                    .allSatisfy(e -> assertThat(e.path("resource").asText()).isEqualTo("training:proj-7:job-" + runId.substring(5)))
                    .allSatisfy(e -> assertThat(e.path("details").path("progress_percent").asDouble()).isIn(ownProgress, 100.0));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isDirectory(inbox.resolve(".done"))
                && inbox.resolve(".done").toFile().list().length == MONITORS);
    }
}
