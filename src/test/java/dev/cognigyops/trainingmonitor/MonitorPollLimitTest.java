package dev.cognigyops.trainingmonitor;

import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.trainingmonitor.MonitorStubs.jobPath;
import static dev.cognigyops.trainingmonitor.MonitorStubs.request;
import static dev.cognigyops.trainingmonitor.MonitorStubs.status;
import static dev.cognigyops.trainingmonitor.MonitorStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;

/** A job that never ends: the monitor stops at its poll bounds with TIMEOUT, never hangs. */
class MonitorPollLimitTest extends AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "30");
        p.setProperty("cognigy.poll.training-monitor.max-attempts", "3");
        return p;
    }

    @Test
    void aJobThatNeverEndsFailsTimeoutAtThePollLimit() throws Exception {
        new MonitorStubs(cognigy).sequence("job-slow", List.of(status("job-slow", "RUNNING", 12)));

        JsonNode result = run(request("monitor-limit", "job-slow", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("TIMEOUT");
        assertThat(result.path("error").path("message").asText()).contains("training job job-slow is RUNNING (12.0%)")
                .contains("3 reads");
        cognigy.verify(exactly(3), getRequestedFor(urlEqualTo(statusPath("job-slow"))));
        cognigy.verify(exactly(0), deleteRequestedFor(urlEqualTo(jobPath("job-slow"))));
        JsonNode out = result.path("output");
        assertThat(out.path("finalState").isNull()).as(out.toString()).isTrue();
        assertThat(out.path("progressPercent").asDouble()).isEqualTo(12.0);
        assertThat(out.path("statistics").path("polls").asInt()).isEqualTo(3);
        assertThat(out.path("statistics").path("errors").asInt()).as("no read failed").isZero();
        assertThat(auditActions("monitor-limit")).endsWith("MONITOR_ERROR", "RUN_FINISHED");
    }
}
