package dev.cognigyops.trainingmonitor;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.webhooks.WebhookTargets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** training-monitor's payload rules (docs/contract.md#operations and issue 4), one at a time, then all at once. */
class MonitorRequestTest {

    static ObjectNode payload(String extra) throws Exception {
        return (ObjectNode) Json.parse("{\"projectId\":\"proj-1\",\"jobId\":\"job-1\"" + extra + "}");
    }

    static List<String> violations(JsonNode payload) {
        Violations v = new Violations();
        MonitorRequest.validate(payload, v, WebhookTargets.of(""));
        return v.list();
    }

    static Stream<Arguments> valid() {
        return Stream.of(arguments(""), arguments(",\"pollIntervalSeconds\":1"), arguments(",\"pollIntervalSeconds\":86400"),
                arguments(",\"pollIntervalSeconds\":30.0"), arguments(",\"webhookUrl\":\"https://hooks.example.com/mlops?x=1\""),
                arguments(",\"policy\":{}"), arguments(",\"policy\":null"),
                arguments(",\"policy\":{\"maxCpuThreshold\":0,\"maxMemoryThreshold\":100,\"maxStagnationSeconds\":1,\"enableAutoCancel\":false}"),
                arguments(",\"policy\":{\"maxCpuThreshold\":99.5}"));
    }

    @ParameterizedTest(name = "payload + [{0}]")
    @MethodSource("valid")
    void accepted(String extra) throws Exception {
        assertThat(violations(payload(extra))).isEmpty();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("{\"jobId\":\"j\"}", "payload.projectId: is required"),
                arguments("{\"projectId\":\"p\"}", "payload.jobId: is required"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"../x\"}", "payload.jobId: must be 1–128 letters"),
                arguments("{\"projectId\":\"a/b\",\"jobId\":\"j\"}", "payload.projectId: must be 1–128 letters"),
                arguments("{\"projectId\":7,\"jobId\":\"j\"}", "payload.projectId: must be a string"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"webhookUrl\":\"ftp://x\"}", "payload.webhookUrl: must be an absolute http(s) URL"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"webhookUrl\":\"http://127.0.0.1:8080/admin?cmd=shutdown\"}",
                        "payload.webhookUrl: must be an https URL on a public host (cognigy.webhook.allowed-urls is blank)"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"webhookUrl\":\"https://localhost/admin\"}",
                        "payload.webhookUrl: must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): localhost is a loopback name"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"pollIntervalSeconds\":0}", "payload.pollIntervalSeconds: must be between 1 and 86400 seconds, was 0"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"pollIntervalSeconds\":0.5}", "payload.pollIntervalSeconds: must be a whole number of seconds"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"pollIntervalSeconds\":\"15\"}", "payload.pollIntervalSeconds: must be a whole number of seconds"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":[]}", "payload.policy: must be an object"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":{\"maxCpuThreshold\":100.1}}", "payload.policy.maxCpuThreshold: must be between 0 and 100, was 100.1"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":{\"maxCpuThreshold\":-1}}", "payload.policy.maxCpuThreshold: must be between 0 and 100"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":{\"maxMemoryThreshold\":\"90\"}}", "payload.policy.maxMemoryThreshold: must be a number"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":{\"maxStagnationSeconds\":0}}", "payload.policy.maxStagnationSeconds: must be between 1 and"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":{\"enableAutoCancel\":1}}", "payload.policy.enableAutoCancel: must be true or false"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"policy\":{\"maxCPU\":1}}", "payload.policy.maxCPU: is not a known field"),
                arguments("{\"projectId\":\"p\",\"jobId\":\"j\",\"interval\":1}", "payload.interval: is not a known field"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void rejected(String json, String violation) throws Exception {
        assertThat(violations(Json.parse(json))).anySatisfy(v -> assertThat(v).startsWith(violation));
    }

    @Test
    void everyViolationIsNamedAtOnce() throws Exception {
        assertThat(violations(Json.parse("{\"pollIntervalSeconds\":-5,\"policy\":{\"maxCpuThreshold\":200,\"maxMemoryThreshold\":-3}}")))
                .hasSize(5);
    }

    @Test
    void defaultsFillWhatIsLeftOut() throws Exception {
        MonitorRequest r = MonitorRequest.from(payload(""), "https://default/hook");
        assertThat(r.pollInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(r.policy()).isEqualTo(new CancellationPolicy(300, 95, 90, true));
        assertThat(r.webhookUrl()).isEqualTo("https://default/hook");
        assertThat(r.resource()).isEqualTo("training:proj-1:job-1");
        MonitorRequest own = MonitorRequest.from(payload(",\"webhookUrl\":\"https://mine\",\"pollIntervalSeconds\":5,"
                + "\"policy\":{\"maxCpuThreshold\":80,\"enableAutoCancel\":false}"), null);
        assertThat(own.webhookUrl()).isEqualTo("https://mine");
        assertThat(own.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(own.policy()).isEqualTo(new CancellationPolicy(300, 80, 90, false));
    }
}
