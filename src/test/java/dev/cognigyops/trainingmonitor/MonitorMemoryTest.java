package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.spi.InflightRepository;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.calls.OutboundCalls;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.trainingmonitor.MonitorStubs.metric;
import static dev.cognigyops.trainingmonitor.MonitorStubs.request;
import static dev.cognigyops.trainingmonitor.MonitorStubs.status;
import static dev.cognigyops.trainingmonitor.MonitorStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of monitors wait at once: while one waits for its next read it keeps its state (at most
 * 50 metric entries), not the last status answer, which may carry any number of metrics.
 */
class MonitorMemoryTest extends AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "1500");
        return p;
    }

    @Test
    void aWaitingMonitorDoesNotHoldItsLastAnswer() throws Exception {
        StringBuilder metrics = new StringBuilder();
        for (int i = 1; i <= 500; i++) {
            metrics.append(i == 1 ? "" : ",").append(metric("loss", i, i % 3600));
        }
        cognigy.stubFor(get(urlEqualTo(statusPath("job-big"))).willReturn(okJson(status("job-big", "RUNNING", 10, 40, 40,
                metrics.toString()))));
        context.getInflightRepository().setInflightBrowseEnabled(true);

        CompletableFuture<JsonNode> result = CompletableFuture.supplyAsync(() -> {
            try {
                return run(request("monitor-big", "job-big", ""));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> auditActions("monitor-big").contains("STATUS_CHECK"));

        List<Exchange> waiting = context.getInflightRepository().browse().stream()
                .map(InflightRepository.InflightExchange::getExchange)
                .filter(e -> e.getProperty(TrainingMonitorRun.PROPERTY) instanceof TrainingMonitorRun).toList();
        assertThat(waiting).as("the monitor is waiting for its next read").isNotEmpty();
        assertThat(waiting).allSatisfy(e -> assertThat(e.getProperty(OutboundCalls.RESPONSE) == null
                        && !(e.getMessage().getBody() instanceof JsonNode))
                .as("the last answer (500 metric entries) is not held through the wait").isTrue());
        TrainingMonitorRun state = waiting.get(0).getProperty(TrainingMonitorRun.PROPERTY, TrainingMonitorRun.class);
        assertThat(state.job().metrics()).as("the state keeps the latest 50 entries").hasSize(50);
        assertThat(Json.write(state).length()).as("a saved state stays small").isLessThan(8_000);

        cognigy.stubFor(get(urlEqualTo(statusPath("job-big"))).willReturn(okJson(status("job-big", "COMPLETED", 100))));
        assertThat(result.get(20, TimeUnit.SECONDS).path("status").asText()).isEqualTo("SUCCEEDED");
    }
}
