package dev.cognigyops.triggers;

import java.nio.file.Files;
import java.nio.file.Path;
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

/** A named Quartz schedule from the configuration sends its run request on its cron. */
class ScheduleTriggerTest extends AppTestSupport {

    @Override
    protected void doPostSetup() {
        new ExportStubs(cognigy, 50_000).happyPath();
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        // declared the way a user declares one; the request is JSON, as written
        p.setProperty("cognigy.schedule.every-second-export.cron", "0/1 * * * * ?");
        p.setProperty("cognigy.schedule.every-second-export.request",
                "{\"operation\":\"nlu-export\",\"requestId\":\"nightly-2026-11-21\",\"payload\":{\"modelId\":\"intent-classifier\",\"modelVersion\":\"1.4.0\"}}");
        return p;
    }

    JsonNode awaitResult(String runId) throws Exception {
        Path file = workDir.resolve("results").resolve(runId + ".json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
        return Json.MAPPER.readTree(file.toFile());
    }

    @Test
    void aScheduleSendsItsRequestOnItsCronAndItsRequestIdRunsOnce() throws Exception {
        JsonNode result = awaitResult("nightly-2026-11-21");

        assertThat(result.path("trigger").asText()).isEqualTo("schedule");
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        // the schedule fires again every second; its fixed requestId never starts a second run
        await().atMost(Duration.ofSeconds(10)).until(() -> auditEvents().stream().anyMatch(e ->
                e.path("action").asText().equals("DUPLICATE_REQUEST")
                        && e.path("details").path("duplicateOf").asText().equals("nightly-2026-11-21")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo(ExportStubs.EXPORTS_PATH)));
    }
}
