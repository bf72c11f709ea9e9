package dev.cognigyops.observe;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

/**
 * The service's probes and metrics, scraped over HTTP from the app as it runs (docs/contract.md §8): ready and
 * live with everything up, each check named; still ready with a trigger stopped and with the Cognigy tenant
 * gone (reported, not gating); and after a known set of runs — two SUCCEEDED, one FAILED, one REJECTED, one
 * call answered 429 and retried — the run and call metrics have exactly those values and labels.
 */
class ObserveAppTest extends AppTestSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected boolean servesHttp() {
        return true;
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        // every probe asks the tenant: the test sees it go away at once
        p.setProperty("cognigy.health.cognigy-cache-seconds", "0");
        // the machine running the tests is shared: its first HTTP connection may be slow
        p.setProperty("cognigy.health.timeout-ms", "5000");
        return p;
    }

    @Test
    void probesAndMetricsSayWhatHappened() throws Exception {
        // the token endpoint answers a request without a client as an OAuth2 server does
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).withFormParam("client_secret", absent())
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_client\"}")));

        // everything up: 200 on all three, and the body names our checks
        JsonNode health = getJson("/observe/health", 200);
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(checkNames(health)).contains("run-store", "s3", "cognigy").doesNotContain("kafka");
        assertThat(check(health, "cognigy").path("message").asText()).contains("answers its token endpoint (HTTP 401)");
        JsonNode ready = getJson("/observe/health/ready", 200);
        assertThat(checkNames(ready)).contains("run-store", "s3", "cognigy");
        assertThat(check(ready, "run-store").path("status").asText()).isEqualTo("UP");
        JsonNode live = getJson("/observe/health/live", 200);
        assertThat(checkNames(live)).as("a dependency down restarts nothing").doesNotContain("run-store", "s3", "cognigy");

        // a trigger stopped on purpose does not take the instance out of the Service
        context.getRouteController().stopRoute("file-drop-trigger");
        getJson("/observe/health/ready", 200);

        // the runs: two SUCCEEDED (the second's first call answered 429, then retried), one FAILED, one REJECTED
        var stubs = new ExportStubs(cognigy, 100_000);
        stubs.happyPath();
        assertThat(run(ExportStubs.request("metrics-a", "")).path("status").asText()).isEqualTo("SUCCEEDED");
        cognigy.stubFor(get(ExportStubs.VERSION_PATH).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")).willSetStateTo("ok"));
        cognigy.stubFor(get(ExportStubs.VERSION_PATH).inScenario("429").whenScenarioStateIs("ok")
                .willReturn(okJson(Fixtures.json("nluexport/model-version-trained.json"))));
        assertThat(run(ExportStubs.request("metrics-b", "")).path("status").asText()).isEqualTo("SUCCEEDED");
        // a version the tenant does not have: 404, not retried
        assertThat(run("{\"operation\":\"nlu-export\",\"requestId\":\"metrics-c\",\"payload\":{\"modelId\":\"intent-classifier\","
                + "\"modelVersion\":\"9.9.9\"}}").path("status").asText()).isEqualTo("FAILED");
        assertThat(run("{\"operation\":\"nlu-export\",\"requestId\":\"metrics-d\",\"payload\":{}}").path("status").asText())
                .isEqualTo("REJECTED");

        PrometheusText metrics = scrape();
        String op = "nlu-export";
        assertThat(metrics.all("cognigy_runs_started_total")).containsExactly(
                java.util.Map.entry("cognigy_runs_started_total{operation=\"nlu-export\",trigger=\"cli\"}", 4.0));
        assertThat(metrics.all("cognigy_runs_finished_total")).containsOnly(
                java.util.Map.entry(series("cognigy_runs_finished_total", "operation", op, "status", "FAILED", "trigger", "cli"), 1.0),
                java.util.Map.entry(series("cognigy_runs_finished_total", "operation", op, "status", "REJECTED", "trigger", "cli"), 1.0),
                java.util.Map.entry(series("cognigy_runs_finished_total", "operation", op, "status", "SUCCEEDED", "trigger", "cli"), 2.0));
        assertThat(metrics.value("cognigy_run_duration_seconds_count", "operation", op, "status", "SUCCEEDED")).isEqualTo(2.0);
        assertThat(metrics.value("cognigy_run_duration_seconds_count", "operation", op, "status", "FAILED")).isEqualTo(1.0);
        assertThat(metrics.value("cognigy_run_duration_seconds_count", "operation", op, "status", "REJECTED")).isEqualTo(1.0);
        assertThat(metrics.value("cognigy_run_duration_seconds_bucket", "operation", op, "status", "SUCCEEDED", "le", "+Inf"))
                .isEqualTo(2.0);
        assertThat(metrics.all("cognigy_run_duration_seconds_count")).hasSize(3);
        assertThat(metrics.value("cognigy_runs_in_flight", "operation", op)).isEqualTo(0.0);
        assertThat(metrics.value("cognigy_runs_in_flight", "operation", "bot-deploy")).isEqualTo(0.0);
        assertThat(metrics.value("cognigy_runs_waiting")).isEqualTo(0.0);
        assertThat(metrics.all("cognigy_runs_resumed_total")).isEmpty();

        // calls to the tenant: run a 6 (version, export, 3 job reads, download), run b 4 (version after its 429,
        // export, 1 job read, download), run c 1 (the version: 404); a rejected run calls nothing
        assertThat(metrics.all("cognigy_calls_total")).containsAllEntriesOf(java.util.Map.of(
                series("cognigy_calls_total", "operation", op, "outcome", "success", "target", "cognigy"), 10.0,
                series("cognigy_calls_total", "operation", op, "outcome", "client_error", "target", "cognigy"), 1.0));
        assertThat(metrics.all("cognigy_calls_total").keySet()).allMatch(s -> s.contains("target=\"cognigy\"") || s.contains("target=\"s3\""));
        assertThat(metrics.value("cognigy_call_duration_seconds_count", "operation", op, "outcome", "success", "target", "cognigy"))
                .isEqualTo(10.0);
        assertThat(metrics.value("cognigy_call_duration_seconds_count", "operation", op, "outcome", "client_error", "target", "cognigy"))
                .isEqualTo(1.0);
        assertThat(metrics.all("cognigy_call_retries_total")).containsExactly(java.util.Map.entry(
                series("cognigy_call_retries_total", "operation", op, "target", "cognigy"), 1.0));
        assertThat(metrics.all("cognigy_rate_limited_total")).containsExactly(java.util.Map.entry(
                series("cognigy_rate_limited_total", "operation", op, "target", "cognigy"), 1.0));
        // the two artifacts went to S3: every S3 call succeeded, and the health probe's HEAD is not among them
        assertThat(metrics.all("cognigy_calls_total")).isNotEmpty().allSatisfy((s, v) -> assertThat(s).doesNotContain("HeadBucket"));
        assertThat(metrics.all("cognigy_calls_total").keySet().stream().filter(s -> s.contains("target=\"s3\"")))
                .isNotEmpty().allMatch(s -> s.contains("outcome=\"success\""));
        // and Camel's and the JVM's own are there too
        assertThat(metrics.all("jvm_memory_used_bytes")).isNotEmpty();

        // the tenant gone: reported, still ready
        cognigy.stop();
        JsonNode tenantDown = getJson("/observe/health/ready", 200);
        assertThat(check(tenantDown, "cognigy").path("status").asText()).isEqualTo("UP");
        assertThat(check(tenantDown, "cognigy").path("message").asText()).startsWith("the Cognigy tenant does not answer");
    }

    private PrometheusText scrape() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(appUrl() + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return new PrometheusText(answer.body());
    }

    private JsonNode getJson(String path, int status) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(appUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(status);
        return Json.parse(answer.body());
    }

    static List<String> checkNames(JsonNode health) {
        List<String> names = new ArrayList<>();
        health.path("checks").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private static String series(String name, String... labels) {
        StringBuilder b = new StringBuilder(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            b.append(labels[i]).append("=\"").append(labels[i + 1]).append("\",");
        }
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }
}
