package dev.cognigyops.trainingmonitor;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Seed 002's JobStatusResponse rules, one broken at a time. */
class JobStatusSchemaTest {

    static final String VALID = Fixtures.json("trainingmonitor/job-status-valid.json");

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
                arguments("state", "\"CANCELLED\""), arguments("metrics", "null"), arguments("started_at", "null"),
                arguments("resource_utilization.gpu_memory_used", "null"), arguments("resource_utilization.gpu_memory_used", "0"),
                arguments("metrics", "[{\"timestamp\":\"2026-11-21T06:00\",\"metric_name\":\"loss\",\"value\":-5,\"unit\":null}]"),
                arguments("started_at", "\"2026-11-21T06:00:00.123456789Z\""), arguments("started_at", "\"2026-02-28T23:59:59-18:00\""),
                arguments("completed_at", "\"2024-02-29T06:00:00+05:30:15\""), arguments("extra_field", "\"ignored\""));
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
                arguments("completed_at", "\"soon\"", "completed_at: 'soon' is not an ISO-8601 date-time"),
                // the rule kept in Java: the right shape, but no such day or offset
                arguments("started_at", "\"2026-02-30T06:00:00Z\"", "started_at: '2026-02-30T06:00:00Z' is not an ISO-8601 date-time"),
                arguments("completed_at", "\"2026-11-21T06:00:00+19:00\"", "completed_at: '2026-11-21T06:00:00+19:00' is not an ISO-8601 date-time"),
                arguments("completed_at", "\"2026-11-21T06:00:00Z\\n\"", "completed_at: '2026-11-21T06:00:00Z\n' is not an ISO-8601 date-time"),
                arguments("metrics", "[{\"timestamp\":\"2025-02-29T06:00\",\"metric_name\":\"loss\",\"value\":1}]",
                        "metrics[0].timestamp: '2025-02-29T06:00' is not an ISO-8601 date-time"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("broken")
    void malformed(String path, String json, String problem) throws Exception {
        var checked = JobStatusSchema.check(with(path, json));
        assertThat(checked.isValid()).isFalse();
        assertThat(checked.status()).isNull();
        assertThat(checked.problems()).anySatisfy(p -> assertThat(p).startsWith(problem));
    }

    /** A metric entry whose {@code field} is {@code json} (null: absent), in an otherwise valid answer. */
    static JsonNode metric(String field, String json) throws Exception {
        ObjectNode entry = (ObjectNode) Json.parse("{\"timestamp\":\"2026-11-21T06:00:00Z\",\"metric_name\":\"loss\",\"value\":1,\"unit\":\"ratio\"}");
        if (json == null) {
            entry.remove(field);
        } else {
            entry.set(field, Json.parse(json));
        }
        ObjectNode answer = (ObjectNode) Json.parse(VALID);
        answer.putArray("metrics").add(entry); // not through text: 1e999 is read as Infinity, which is written as "Infinity"
        return answer;
    }

    static final String MAX = "1.7976931348623157E308";

    /** One row per rule of schemas/job-status.schema.json, named "where/keyword" (see {@link #rulesOf}). */
    static Stream<Arguments> schemaRules() throws Exception {
        return Stream.of(
                arguments("/type", Json.parse("[1]"), "the answer is not a JSON object"),
                arguments("/required/job_id", with("job_id", null), "job_id: is required"),
                arguments("/required/state", with("state", null), "state: is required"),
                arguments("/required/progress_percent", with("progress_percent", null), "progress_percent: is required"),
                arguments("/required/resource_utilization", with("resource_utilization", null), "resource_utilization: is required"),
                arguments("job_id/type", with("job_id", "7"), "job_id: must be a non-blank string"),
                arguments("job_id/pattern", with("job_id", "\" \\t\""), "job_id: must be a non-blank string"),
                arguments("state/type", with("state", "7"), "state: must be a string"),
                arguments("state/enum", with("state", "\"TRAINING\""),
                        "state: 'TRAINING' is not one of QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED"),
                arguments("progress_percent/type", with("progress_percent", "\"50\""), "progress_percent: must be a number"),
                arguments("progress_percent/minimum", with("progress_percent", "-1"), "progress_percent: must be between 0 and 100, was -1"),
                arguments("progress_percent/maximum", with("progress_percent", "100.5"), "progress_percent: must be between 0 and 100, was 100.5"),
                arguments("metrics/type", with("metrics", "{}"), "metrics: must be a list"),
                arguments("metrics[]/type", with("metrics", "[1]"), "metrics[0]: must be an object"),
                arguments("metrics[]/required/timestamp", metric("timestamp", null), "metrics[0].timestamp: is required"),
                arguments("metrics[]/required/metric_name", metric("metric_name", null), "metrics[0].metric_name: is required"),
                arguments("metrics[]/required/value", metric("value", null), "metrics[0].value: is required"),
                arguments("metrics[].timestamp/type", metric("timestamp", "5"), "metrics[0].timestamp: must be an ISO-8601 date-time string"),
                arguments("metrics[].timestamp/pattern", metric("timestamp", "\"2026-11-21 06:00:00\""),
                        "metrics[0].timestamp: '2026-11-21 06:00:00' is not an ISO-8601 date-time"),
                arguments("metrics[].metric_name/type", metric("metric_name", "true"), "metrics[0].metric_name: must be a non-blank string"),
                arguments("metrics[].metric_name/pattern", metric("metric_name", "\"\""), "metrics[0].metric_name: must be a non-blank string"),
                arguments("metrics[].value/type", metric("value", "\"high\""), "metrics[0].value: must be a number"),
                arguments("metrics[].value/minimum", metric("value", "-1e999"),
                        "metrics[0].value: must be between -" + MAX + " and " + MAX + ", was -Infinity"),
                arguments("metrics[].value/maximum", metric("value", "1e999"),
                        "metrics[0].value: must be between -" + MAX + " and " + MAX + ", was Infinity"),
                arguments("metrics[].unit/type", metric("unit", "3"), "metrics[0].unit: must be a string"),
                arguments("resource_utilization/type", with("resource_utilization", "[]"), "resource_utilization: must be an object"),
                arguments("resource_utilization/required/cpu_usage", with("resource_utilization.cpu_usage", null),
                        "resource_utilization.cpu_usage: is required"),
                arguments("resource_utilization/required/memory_usage", with("resource_utilization.memory_usage", null),
                        "resource_utilization.memory_usage: is required"),
                arguments("resource_utilization.cpu_usage/type", with("resource_utilization.cpu_usage", "\"55%\""),
                        "resource_utilization.cpu_usage: must be a number"),
                arguments("resource_utilization.cpu_usage/minimum", with("resource_utilization.cpu_usage", "-0.5"),
                        "resource_utilization.cpu_usage: must be between 0 and 100, was -0.5"),
                arguments("resource_utilization.cpu_usage/maximum", with("resource_utilization.cpu_usage", "101"),
                        "resource_utilization.cpu_usage: must be between 0 and 100, was 101"),
                arguments("resource_utilization.memory_usage/type", with("resource_utilization.memory_usage", "{}"),
                        "resource_utilization.memory_usage: must be a number"),
                arguments("resource_utilization.memory_usage/minimum", with("resource_utilization.memory_usage", "-1"),
                        "resource_utilization.memory_usage: must be between 0 and 100, was -1"),
                arguments("resource_utilization.memory_usage/maximum", with("resource_utilization.memory_usage", "1000"),
                        "resource_utilization.memory_usage: must be between 0 and 100, was 1000"),
                arguments("resource_utilization.gpu_memory_used/type", with("resource_utilization.gpu_memory_used", "true"),
                        "resource_utilization.gpu_memory_used: must be a number"),
                arguments("started_at/type", with("started_at", "[]"), "started_at: must be an ISO-8601 date-time string"),
                arguments("started_at/pattern", with("started_at", "\"2026-11-21t06:00:00z\""),
                        "started_at: '2026-11-21t06:00:00z' is not an ISO-8601 date-time"),
                arguments("completed_at/type", with("completed_at", "1763704800"), "completed_at: must be an ISO-8601 date-time string"),
                arguments("completed_at/pattern", with("completed_at", "\"2026-11-21T24:00:00Z\""),
                        "completed_at: '2026-11-21T24:00:00Z' is not an ISO-8601 date-time"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemaRules")
    void eachSchemaRuleRejects(String rule, JsonNode answer, String problem) {
        var checked = JobStatusSchema.check(answer);
        assertThat(checked.status()).isNull();
        assertThat(checked.problems()).contains(problem);
    }

    @Test
    void everyRuleOfTheSchemaFileHasARow() throws Exception {
        JsonNode schema;
        try (var in = JobStatusSchema.class.getResourceAsStream(JobStatusSchema.RESOURCE)) {
            schema = Json.MAPPER.readTree(in);
        }
        Set<String> rules = new TreeSet<>();
        rulesOf(schema, schema, "", rules);
        assertThat(schemaRules().map(a -> (String) a.get()[0])).containsExactlyInAnyOrderElementsOf(rules);
    }

    /** The assertions of {@code node} and below, each as "where/keyword" or "where/required/field"; a $ref counts where it is used. */
    static void rulesOf(JsonNode schema, JsonNode node, String where, Set<String> rules) {
        if (node.has("$ref")) {
            rulesOf(schema, schema.at(node.get("$ref").asText().substring(1)), where, rules);
        }
        for (String keyword : List.of("type", "enum", "minimum", "maximum", "pattern")) {
            if (node.has(keyword)) {
                rules.add(where + "/" + keyword);
            }
        }
        node.path("required").forEach(field -> rules.add(where + "/required/" + field.asText()));
        node.path("properties").fields().forEachRemaining(
                p -> rulesOf(schema, p.getValue(), where.isEmpty() ? p.getKey() : where + "." + p.getKey(), rules));
        if (node.has("items")) {
            rulesOf(schema, node.get("items"), where + "[]", rules);
        }
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
        assertThat(JobStatusSchema.check(null).problems()).containsExactly("the answer is not a JSON object");
        assertThat(JobStatusSchema.check(Json.parse("null")).problems()).containsExactly("the answer is not a JSON object");
    }
}
