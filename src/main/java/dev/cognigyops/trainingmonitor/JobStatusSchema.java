package dev.cognigyops.trainingmonitor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.cognigyops.support.Json;

/**
 * Checks a status answer against seed 002's {@code JobStatusResponse}, written down as
 * {@code schemas/job-status.schema.json} (JSON Schema 2020-12) and applied with the networknt validator.
 * Every problem is named as {@code path: problem} in the program's own words (never networknt's,
 * whose text follows the JVM's locale); an answer with none becomes a {@link JobStatus}. The schema holds
 * every rule but one (a time must be a real day, see {@link #time}); that the answer is about the job
 * asked for is {@link TrainingMonitor}'s check.
 */
public final class JobStatusSchema {

    public static final String RESOURCE = "/schemas/job-status.schema.json";

    /** The outcome: the status, or the problems that make the answer malformed. */
    public record Checked(JobStatus status, List<String> problems) {
        public boolean isValid() {
            return problems.isEmpty();
        }
    }

    static final int MAX_PROBLEMS = 20;

    /** The schema file as JSON, where a message's rule is looked up by its location. */
    private static final JsonNode RULES = load();
    private static final JsonSchema SCHEMA = compile(RULES);

    private JobStatusSchema() {
    }

    public static Checked check(JsonNode answer) {
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : SCHEMA.validate(answer == null ? NullNode.getInstance() : answer)) {
            problems.add(say(m));
        }
        if (problems.isEmpty()) {
            JobStatus status = status(answer, problems); // may still find a time that is not on the calendar
            if (problems.isEmpty()) {
                return new Checked(status, List.of());
            }
        }
        return new Checked(null, bounded(problems));
    }

    /**
     * At most {@value #MAX_PROBLEMS} problems and a count of the rest: an answer with thousands of
     * broken metric entries must not become an audit event, log line and error message as large.
     */
    static List<String> bounded(List<String> problems) {
        if (problems.size() <= MAX_PROBLEMS) {
            return problems;
        }
        List<String> first = new ArrayList<>(problems.subList(0, MAX_PROBLEMS));
        first.add("… and " + (problems.size() - MAX_PROBLEMS) + " more problems");
        return first;
    }

    /** A well-formed answer as a status: absent or null optional fields are null, a missing unit is percent. */
    private static JobStatus status(JsonNode answer, List<String> problems) {
        List<JobStatus.Metric> metrics = new ArrayList<>();
        for (JsonNode m : answer.path("metrics")) {
            metrics.add(new JobStatus.Metric(time(m, "timestamp", "metrics[" + metrics.size() + "].", problems),
                    m.get("metric_name").asText(), m.get("value").asDouble(),
                    m.path("unit").isTextual() ? m.get("unit").asText() : "percent"));
        }
        JsonNode usage = answer.get("resource_utilization");
        return new JobStatus(answer.get("job_id").asText(), TrainingState.parse(answer.get("state").asText()),
                answer.get("progress_percent").asDouble(), metrics, usage.get("cpu_usage").asDouble(),
                usage.get("memory_usage").asDouble(),
                usage.path("gpu_memory_used").isNumber() ? usage.get("gpu_memory_used").asDouble() : null,
                time(answer, "started_at", "", problems), time(answer, "completed_at", "", problems));
    }

    /**
     * The one rule JSON Schema cannot say, kept here: that a time of the right shape is a day on the
     * calendar (2026-02-30T00:00Z matches the pattern) with an offset of at most 18 hours. Seed 002 uses
     * Python datetimes, which may come without an offset: read as UTC. Only a schema-valid answer gets
     * here, so this problem is named once the others are gone.
     */
    private static Instant time(JsonNode node, String field, String path, List<String> problems) {
        if (!node.path(field).isTextual()) {
            return null;
        }
        String text = node.get(field).asText();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                problems.add(path + field + ": '" + text + "' is not an ISO-8601 date-time");
                return null;
            }
        }
    }

    /** One schema message in the program's words, at the path the program writes ({@code metrics[0].timestamp}). */
    private static String say(ValidationMessage m) {
        String at = m.getInstanceLocation().toString().substring(1); // "$.metrics[0].timestamp", "$"
        at = at.startsWith(".") ? at.substring(1) : at;
        JsonNode value = m.getInstanceNode();
        JsonNode rule = m.getSchemaNode();
        JsonNode holder = holder(m.getSchemaLocation().getFragment());
        return switch (m.getType()) {
            case "required" -> (at.isEmpty() ? "" : at + ".") + m.getProperty() + ": is required";
            // null counts as absent, as it always has: a required field that is null is missing
            case "type" -> at.isEmpty() ? "the answer is not a JSON object"
                    : at + ": " + (value == null || value.isNull() ? "is required" : switch (holder.path("$ref").asText()) {
                        case "#/$defs/nonBlank" -> "must be a non-blank string";
                        case "#/$defs/dateTime" -> "must be an ISO-8601 date-time string";
                        default -> "must be " + typeName(rule);
                    });
            case "enum" -> at + ": " + (value.isTextual() ? "'" + value.asText() + "'" : value.toString())
                    + " is not one of " + StreamSupport.stream(rule.spliterator(), false).map(JsonNode::asText)
                            .collect(Collectors.joining(", "));
            // both ends when the rule has both, as every range of the program is said
            case "minimum", "maximum" -> at + ": " + (holder.has("minimum") && holder.has("maximum")
                    ? "must be between " + holder.get("minimum").asText() + " and " + holder.get("maximum").asText()
                    : "must be at " + (m.getType().equals("minimum") ? "least " : "most ") + rule.asText())
                    + ", was " + value.asText();
            case "pattern" -> at + ": " + (holder.equals(RULES.at("/$defs/dateTime"))
                    ? "'" + value.asText() + "' is not an ISO-8601 date-time"
                    : holder.equals(RULES.at("/$defs/nonBlank")) ? "must be a non-blank string"
                    : "'" + value.asText() + "' does not match " + rule.asText());
            default -> at + ": breaks the schema's '" + m.getType() + "' rule";
        };
    }

    /** A nullable field names its real type first: {@code ["number", "null"]}. */
    private static String typeName(JsonNode rule) {
        String type = rule.isArray() ? rule.get(0).asText() : rule.asText();
        return switch (type) {
            case "array" -> "a list";
            case "object" -> "an object";
            default -> "a " + type;
        };
    }

    /** The part of the schema file that holds the keyword at {@code location}. */
    private static JsonNode holder(JsonNodePath location) {
        JsonNode rule = RULES;
        for (int i = 0; i < location.getNameCount() - 1; i++) {
            rule = rule.path(location.getName(i));
        }
        return rule;
    }

    private static JsonSchema compile(JsonNode rules) {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(rules);
        schema.initializeValidators(); // its $refs resolved now, not lazily by the first monitors at once
        return schema;
    }

    private static JsonNode load() {
        try (InputStream in = JobStatusSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the status schema " + RESOURCE + " is not on the class path");
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
