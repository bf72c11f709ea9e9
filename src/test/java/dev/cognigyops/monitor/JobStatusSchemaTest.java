package dev.cognigyops.monitor;

import java.time.Instant;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Seed 002's JobStatusResponse rules, one broken at a time. */
class JobStatusSchemaTest {

    static final String VALID = "{\"job_id\":\"j1\",\"state\":\"RUNNING\",\"progress_percent\":42.5,"
            + "\"metrics\":[{\"timestamp\":\"2026-11-21T06:00:01Z\",\"metric_name\":\"loss\",\"value\":0.4,\"unit\":\"ratio\"},"
            + "{\"timestamp\":\"2026-11-21T06:00:02\",\"metric_name\":\"accuracy\",\"value\":0.8}],"
            + "\"resource_utilization\":{\"cpu_usage\":55,\"memory_usage\":60.5,\"gpu_memory_used\":12.0},"
            + "\"started_at\":\"2026-11-21T06:00:00+01:00\",\"completed_at\":null}";

    static JsonNode with(String path, String json) throws Exception {
        ObjectNode node = (ObjectNode) Json.parse(VALID);
        String[] parts = path.split("\\.");
        ObjectNode parent = node;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        if (json == null) {
            parent.remove(parts[parts.length - 1]);
        } else {
            parent.set(parts[parts.length - 1], Json.parse(json));
        }
        return node;
    }

    @Test
    void aValidAnswerBecomesAStatus() throws Exception {
        var checked = JobStatusSchema.check(Json.parse(VALID));
        assertThat(checked.problems()).isEmpty();
        JobStatus s = checked.status();
        assertThat(s.jobId()).isEqualTo("j1");
        assertThat(s.state()).isEqualTo(TrainingState.RUNNING);
        assertThat(s.progressPercent()).isEqualTo(42.5);
        assertThat(s.cpuUsage()).isEqualTo(55.0);
        assertThat(s.memoryUsage()).isEqualTo(60.5);
        assertThat(s.gpuMemoryUsed()).isEqualTo(12.0);
        assertThat(s.metrics()).hasSize(2);
        assertThat(s.metrics().get(1).unit()).as("unit defaults to percent").isEqualTo("percent");
        assertThat(s.metrics().get(1).timestamp()).as("no offset: UTC").isEqualTo(Instant.parse("2026-11-21T06:00:02Z"));
        assertThat(s.startedAt()).isEqualTo(Instant.parse("2026-11-21T05:00:00Z"));
        assertThat(s.completedAt()).isNull();
    }

    static Stream<Arguments> optional() {
        return Stream.of(arguments("metrics", null), arguments("metrics", "[]"), arguments("started_at", null),
                arguments("resource_utilization.gpu_memory_used", null), arguments("progress_percent", "0"),
                arguments("progress_percent", "100"), arguments("resource_utilization.cpu_usage", "100"),
                arguments("state", "\"CANCELLED\""));
    }

    @ParameterizedTest(name = "{0} = {1} is fine")
    @MethodSource("optional")
    void stillValid(String path, String json) throws Exception {
        assertThat(JobStatusSchema.check(with(path, json)).problems()).isEmpty();
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                arguments("job_id", null, "job_id: is required"),
                arguments("job_id", "7", "job_id: must be a non-blank string"),
                arguments("state", null, "state: is required"),
                arguments("state", "\"TRAINING\"", "state: 'TRAINING' is not one of QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED"),
                arguments("state", "\"running\"", "state: 'running' is not one of"),
                arguments("progress_percent", null, "progress_percent: is required"),
                arguments("progress_percent", "-1", "progress_percent: must be between 0 and 100, was -1"),
                arguments("progress_percent", "100.5", "progress_percent: must be between 0 and 100, was 100.5"),
                arguments("progress_percent", "\"50\"", "progress_percent: must be a number"),
                arguments("resource_utilization", null, "resource_utilization: is required"),
                arguments("resource_utilization", "[]", "resource_utilization: must be an object"),
                arguments("resource_utilization.cpu_usage", null, "resource_utilization.cpu_usage: is required"),
                arguments("resource_utilization.cpu_usage", "101", "resource_utilization.cpu_usage: must be between 0 and 100"),
                arguments("resource_utilization.memory_usage", "-0.1", "resource_utilization.memory_usage: must be between 0 and 100"),
                arguments("resource_utilization.gpu_memory_used", "\"lots\"", "resource_utilization.gpu_memory_used: must be a number"),
                arguments("metrics", "{}", "metrics: must be a list"),
                arguments("metrics", "[1]", "metrics[0]: must be an object"),
                arguments("metrics", "[{\"metric_name\":\"loss\",\"value\":1}]", "metrics[0].timestamp: is required"),
                arguments("metrics", "[{\"timestamp\":\"yesterday\",\"metric_name\":\"loss\",\"value\":1}]",
                        "metrics[0].timestamp: 'yesterday' is not an ISO-8601 date-time"),
                arguments("metrics", "[{\"timestamp\":\"2026-11-21T06:00:00Z\",\"value\":1}]", "metrics[0].metric_name: is required"),
                arguments("metrics", "[{\"timestamp\":\"2026-11-21T06:00:00Z\",\"metric_name\":\"loss\"}]", "metrics[0].value: is required"),
                arguments("metrics", "[{\"timestamp\":\"2026-11-21T06:00:00Z\",\"metric_name\":\"loss\",\"value\":\"high\"}]",
                        "metrics[0].value: must be a number"),
                arguments("metrics", "[{\"timestamp\":\"2026-11-21T06:00:00Z\",\"metric_name\":\"loss\",\"value\":1,\"unit\":3}]",
                        "metrics[0].unit: must be a string"),
                arguments("started_at", "12", "started_at: must be an ISO-8601 date-time string"),
                arguments("completed_at", "\"soon\"", "completed_at: 'soon' is not an ISO-8601 date-time"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("broken")
    void malformed(String path, String json, String problem) throws Exception {
        var checked = JobStatusSchema.check(with(path, json));
        assertThat(checked.isValid()).isFalse();
        assertThat(checked.status()).isNull();
        assertThat(checked.problems()).anySatisfy(p -> assertThat(p).startsWith(problem));
    }

    @Test
    void thousandsOfBrokenMetricEntriesAreNamedUpToALimitAndCounted() throws Exception {
        String bad = String.join(",", java.util.Collections.nCopies(5000, "{\"metric_name\":\"loss\",\"value\":1}"));
        var problems = JobStatusSchema.check(with("metrics", "[" + bad + "]")).problems();
        assertThat(problems).hasSize(JobStatusSchema.MAX_PROBLEMS + 1);
        assertThat(problems.get(0)).isEqualTo("metrics[0].timestamp: is required");
        assertThat(problems.get(JobStatusSchema.MAX_PROBLEMS)).isEqualTo("… and 4980 more problems");
    }

    @Test
    void everyProblemIsNamedAndANonObjectIsRefused() throws Exception {
        assertThat(JobStatusSchema.check(Json.parse("{}")).problems()).containsExactly(
                "job_id: is required", "state: is required", "progress_percent: is required", "resource_utilization: is required");
        assertThat(JobStatusSchema.check(Json.parse("[1]")).problems()).containsExactly("the answer is not a JSON object");
        assertThat(JobStatusSchema.check(null).isValid()).isFalse();
    }
}
