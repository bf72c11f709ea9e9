package dev.cognigyops.trainingmonitor;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/** Training job status answers (seed 002's JobStatusResponse) served by WireMock, in sequence. */
public final class MonitorStubs {

    public static final String PROJECT = "proj-7";

    private final WireMockServer server;

    public MonitorStubs(WireMockServer server) {
        this.server = server;
    }

    public static String statusPath(String jobId) {
        return "/api/v2/projects/" + PROJECT + "/ai/train/" + jobId + "/status";
    }

    static String jobPath(String jobId) {
        return "/api/v2/projects/" + PROJECT + "/ai/train/" + jobId;
    }

    /** A run request watching {@code jobId} of {@value #PROJECT} (fixture trainingmonitor/request.json); {@code extraPayload} starts with a comma. */
    public static String request(String requestId, String jobId, String extraPayload) {
        ObjectNode request = Fixtures.object("trainingmonitor/request.json");
        ((ObjectNode) request.get("payload")).put("jobId", jobId);
        return Fixtures.runRequest(request, requestId, extraPayload);
    }

    /**
     * A well-formed answer (fixture trainingmonitor/job-status.json); {@code metrics} are {@link #metric} entries
     * joined by commas, completed at 07:00 when COMPLETED or FAILED.
     */
    static String status(String jobId, String state, double progress, double cpu, double memory, String metrics) {
        ObjectNode status = Fixtures.object("trainingmonitor/job-status.json");
        status.put("job_id", jobId).put("state", state).put("progress_percent", progress);
        status.set("metrics", parse("[" + metrics + "]"));
        ((ObjectNode) status.get("resource_utilization")).put("cpu_usage", cpu).put("memory_usage", memory);
        if (state.equals("COMPLETED") || state.equals("FAILED")) {
            status.put("completed_at", "2026-11-21T07:00:00Z");
        }
        return Json.write(status);
    }

    public static String status(String jobId, String state, double progress) {
        return status(jobId, state, progress, 40, 50, "");
    }

    /** A metric entry (fixture trainingmonitor/metric.json) at second {@code second} after 06:00. */
    static String metric(String name, double value, int second) {
        ObjectNode metric = Fixtures.object("trainingmonitor/metric.json");
        metric.put("timestamp", String.format(Locale.ROOT, "2026-11-21T06:%02d:%02dZ", second / 60, second % 60))
                .put("metric_name", name).put("value", value);
        return Json.write(metric);
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The status of {@code jobId} answers these, one per read; the last one stays. */
    void sequence(String jobId, List<String> answers) {
        responses(jobId, answers.stream().map(a -> okJson(a)).toList());
    }

    /** The status of {@code jobId} answers these responses, one per read; the last one stays. */
    public void responses(String jobId, List<ResponseDefinitionBuilder> responses) {
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
