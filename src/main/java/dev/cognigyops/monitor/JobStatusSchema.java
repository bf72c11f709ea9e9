package dev.cognigyops.monitor;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a status answer against seed 002's {@code JobStatusResponse}: {@code job_id} text, {@code state}
 * one of {@link TrainingState}, {@code progress_percent} 0–100, {@code resource_utilization} with
 * {@code cpu_usage} and {@code memory_usage} 0–100 ({@code gpu_memory_used} optional), {@code metrics}
 * a list of {@code {timestamp, metric_name, value, unit?}}, {@code started_at}/{@code completed_at}
 * optional ISO-8601 times. Every problem is named; an answer with none becomes a {@link JobStatus}.
 */
public final class JobStatusSchema {

    /** The outcome: the status, or the problems that make the answer malformed. */
    public record Checked(JobStatus status, List<String> problems) {
        public boolean isValid() {
            return problems.isEmpty();
        }
    }

    static final int MAX_PROBLEMS = 20;

    private JobStatusSchema() {
    }

    public static Checked check(JsonNode answer) {
        List<String> problems = new ArrayList<>();
        if (answer == null || !answer.isObject()) {
            problems.add("the answer is not a JSON object");
            return new Checked(null, problems);
        }
        String jobId = text(answer, "job_id", true, problems);
        TrainingState state = null;
        String stateText = text(answer, "state", true, problems);
        if (stateText != null) {
            state = TrainingState.parse(stateText);
            if (state == null) {
                problems.add("state: '" + stateText + "' is not one of QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED");
            }
        }
        Double progress = percent(answer, "progress_percent", "progress_percent", true, problems);
        Double cpu = null;
        Double memory = null;
        Double gpu = null;
        JsonNode usage = answer.get("resource_utilization");
        if (usage == null || usage.isNull()) {
            problems.add("resource_utilization: is required");
        } else if (!usage.isObject()) {
            problems.add("resource_utilization: must be an object");
        } else {
            cpu = percent(usage, "cpu_usage", "resource_utilization.cpu_usage", true, problems);
            memory = percent(usage, "memory_usage", "resource_utilization.memory_usage", true, problems);
            JsonNode g = usage.get("gpu_memory_used");
            if (g != null && !g.isNull()) {
                if (!g.isNumber()) {
                    problems.add("resource_utilization.gpu_memory_used: must be a number");
                } else {
                    gpu = g.asDouble();
                }
            }
        }
        List<JobStatus.Metric> metrics = new ArrayList<>();
        JsonNode list = answer.get("metrics");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                problems.add("metrics: must be a list");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    JobStatus.Metric m = metric(list.get(i), "metrics[" + i + "]", problems);
                    if (m != null) {
                        metrics.add(m);
                    }
                }
            }
        }
        Instant startedAt = time(answer, "started_at", "started_at", false, problems);
        Instant completedAt = time(answer, "completed_at", "completed_at", false, problems);
        if (!problems.isEmpty()) {
            return new Checked(null, bounded(problems));
        }
        return new Checked(new JobStatus(jobId, state, progress, metrics, cpu, memory, gpu, startedAt, completedAt),
                List.of());
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

    private static JobStatus.Metric metric(JsonNode entry, String path, List<String> problems) {
        if (entry == null || !entry.isObject()) {
            problems.add(path + ": must be an object");
            return null;
        }
        int before = problems.size();
        Instant at = time(entry, "timestamp", path + ".timestamp", true, problems);
        String name = text(entry, "metric_name", path + ".metric_name", true, problems);
        Double value = null;
        JsonNode v = entry.get("value");
        if (v == null || v.isNull()) {
            problems.add(path + ".value: is required");
        } else if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            problems.add(path + ".value: must be a number");
        } else {
            value = v.asDouble();
        }
        String unit = "percent";
        JsonNode u = entry.get("unit");
        if (u != null && !u.isNull()) {
            if (!u.isTextual()) {
                problems.add(path + ".unit: must be a string");
            } else {
                unit = u.asText();
            }
        }
        return problems.size() > before ? null : new JobStatus.Metric(at, name, value, unit);
    }

    private static String text(JsonNode node, String field, boolean required, List<String> problems) {
        return text(node, field, field, required, problems);
    }

    private static String text(JsonNode node, String field, String path, boolean required, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(path + ": is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add(path + ": must be a non-blank string");
            return null;
        }
        return v.asText();
    }

    private static Double percent(JsonNode node, String field, String path, boolean required, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(path + ": is required");
            }
            return null;
        }
        if (!v.isNumber()) {
            problems.add(path + ": must be a number");
            return null;
        }
        double d = v.asDouble();
        if (!(d >= 0 && d <= 100)) {
            problems.add(path + ": must be between 0 and 100, was " + v.asText());
            return null;
        }
        return d;
    }

    private static Instant time(JsonNode node, String field, String path, boolean required, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(path + ": is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            problems.add(path + ": must be an ISO-8601 date-time string");
            return null;
        }
        try {
            return OffsetDateTime.parse(v.asText()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                // seed 002 uses Python datetimes, which may come without an offset: read as UTC
                return java.time.LocalDateTime.parse(v.asText()).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                problems.add(path + ": '" + v.asText() + "' is not an ISO-8601 date-time");
                return null;
            }
        }
    }
}
