package dev.cognigyops.trainingmonitor;

import java.util.List;
import java.util.Locale;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/** Training job status answers (seed 002's JobStatusResponse) served by WireMock, in sequence. */
final class MonitorStubs {

    static final String PROJECT = "proj-7";

    private final WireMockServer server;

    MonitorStubs(WireMockServer server) {
        this.server = server;
    }

    static String statusPath(String jobId) {
        return "/api/v2/projects/" + PROJECT + "/ai/train/" + jobId + "/status";
    }

    static String jobPath(String jobId) {
        return "/api/v2/projects/" + PROJECT + "/ai/train/" + jobId;
    }

    static String request(String requestId, String jobId, String extraPayload) {
        return "{\"operation\":\"training-monitor\",\"requestId\":\"" + requestId + "\",\"payload\":{\"projectId\":\""
                + PROJECT + "\",\"jobId\":\"" + jobId + "\",\"pollIntervalSeconds\":1" + extraPayload + "}}";
    }

    /** A well-formed answer. */
    static String status(String jobId, String state, double progress, double cpu, double memory, String metrics) {
        return String.format(Locale.ROOT, "{\"job_id\":\"%s\",\"state\":\"%s\",\"progress_percent\":%s,"
                        + "\"metrics\":[%s],\"resource_utilization\":{\"cpu_usage\":%s,\"memory_usage\":%s,"
                        + "\"gpu_memory_used\":null},\"started_at\":\"2026-11-21T06:00:00Z\",\"completed_at\":%s}",
                jobId, state, progress, metrics, cpu, memory,
                state.equals("COMPLETED") || state.equals("FAILED") ? "\"2026-11-21T07:00:00Z\"" : "null");
    }

    static String status(String jobId, String state, double progress) {
        return status(jobId, state, progress, 40, 50, "");
    }

    /** A metric entry at second {@code second} of the day. */
    static String metric(String name, double value, int second) {
        return String.format(Locale.ROOT, "{\"timestamp\":\"2026-11-21T06:%02d:%02dZ\",\"metric_name\":\"%s\",\"value\":%s,\"unit\":\"ratio\"}",
                second / 60, second % 60, name, value);
    }

    /** The status of {@code jobId} answers these, one per read; the last one stays. */
    void sequence(String jobId, List<String> answers) {
        responses(jobId, answers.stream().map(a -> okJson(a)).toList());
    }

    /** The status of {@code jobId} answers these responses, one per read; the last one stays. */
    void responses(String jobId, List<ResponseDefinitionBuilder> responses) {
        String scenario = "status-" + jobId;
        for (int i = 0; i < responses.size(); i++) {
            var stub = get(urlEqualTo(statusPath(jobId))).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "read-" + i)
                    .willReturn(responses.get(i));
            if (i < responses.size() - 1) {
                stub = stub.willSetStateTo("read-" + (i + 1));
            }
            server.stubFor(stub);
        }
    }

    void cancellable(String jobId) {
        server.stubFor(delete(urlEqualTo(jobPath(jobId))).willReturn(aResponse().withStatus(204)));
    }
}
