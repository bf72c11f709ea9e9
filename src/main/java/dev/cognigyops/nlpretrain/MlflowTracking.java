package dev.cognigyops.nlpretrain;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * The MLflow REST API 2.0 requests a retrain is recorded with (docs/contract.md#calls-out): their bodies (the paths
 * are the settings {@code mlflow.api.*}, under {@code mlflow.tracking-uri}). Metrics carry integer
 * millisecond timestamps; tags and params are strings, as MLflow requires. A run id only ever comes from MLflow's own answer.
 */
public final class MlflowTracking {

    private MlflowTracking() {
    }

    /** {@code POST experiments/create}. */
    public static ObjectNode createExperiment(String name) {
        ObjectNode body = Json.object();
        body.put("name", name);
        return body;
    }

    /** The experiment id of a {@code get-by-name} or {@code create} answer, or null. */
    public static String experimentId(JsonNode answer) {
        String id = Json.text(answer.path("experiment"), "experiment_id");
        return id != null ? id : Json.text(answer, "experiment_id");
    }

    /** {@code POST runs/create}: the run, with its tags. */
    public static ObjectNode createRun(String experimentId, String runName, long startTimeMs, Map<String, String> tags) {
        ObjectNode body = Json.object();
        body.put("experiment_id", experimentId);
        body.put("run_name", runName);
        body.put("start_time", startTimeMs);
        body.set("tags", pairs(tags));
        return body;
    }

    /** The run id of a {@code runs/create} answer, or null. */
    public static String runId(JsonNode answer) {
        JsonNode info = answer.path("run").path("info");
        String id = Json.text(info, "run_id");
        return id != null ? id : Json.text(info, "run_uuid");
    }

    /** {@code POST runs/log-batch}: every metric at one timestamp and step 0, and the params. */
    public static ObjectNode logBatch(String runId, Map<String, Double> metrics, long timestampMs, Map<String, String> params) {
        ObjectNode body = Json.object();
        body.put("run_id", runId);
        ArrayNode list = body.putArray("metrics");
        metrics.forEach((key, value) -> {
            ObjectNode metric = list.addObject();
            metric.put("key", key);
            metric.put("value", value);
            metric.put("timestamp", timestampMs);
            metric.put("step", 0);
        });
        body.set("params", pairs(params));
        body.putArray("tags");
        return body;
    }

    /** {@code POST runs/update}: the run's end, {@code FINISHED} or {@code FAILED}. */
    public static ObjectNode endRun(String runId, boolean finished, long endTimeMs) {
        ObjectNode body = Json.object();
        body.put("run_id", runId);
        body.put("status", finished ? "FINISHED" : "FAILED");
        body.put("end_time", endTimeMs);
        return body;
    }

    /**
     * {@code POST runs/search}: the latest run of the experiment that {@code filter} finds (MLflow's search
     * syntax, e.g. {@code tags.flow_id = 'f1' and metrics.f_score >= 0}), newest first by start time.
     */
    public static ObjectNode searchLatestRun(String experimentId, String filter) {
        ObjectNode body = Json.object();
        body.putArray("experiment_ids").add(experimentId);
        body.put("filter", filter);
        body.put("run_view_type", "ACTIVE_ONLY");
        body.put("max_results", LATEST_RUNS);
        body.putArray("order_by").add("attributes.start_time DESC");
        return body;
    }

    /** Runs asked of a search: the first with the metric is taken (the filter already asks for it). */
    static final int LATEST_RUNS = 5;

    /** A run's metric: which run, and its value. */
    public record Metric(String runId, double value) {
    }

    /** The first run of a runs/search answer ({@code runs[].data.metrics[{key, value}]}) that has the metric, or null. */
    public static Metric latestMetric(JsonNode answer, String key) {
        for (JsonNode run : answer.path("runs")) {
            for (JsonNode metric : run.path("data").path("metrics")) {
                if (key.equals(metric.path("key").asText()) && metric.path("value").isNumber()) {
                    String id = Json.text(run.path("info"), "run_id");
                    return new Metric(id != null ? id : Json.text(run.path("info"), "run_uuid"), metric.path("value").doubleValue());
                }
            }
        }
        return null;
    }

    private static ArrayNode pairs(Map<String, String> values) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        values.forEach((key, value) -> {
            if (value != null) {
                list.addObject().put("key", key).put("value", value);
            }
        });
        return list;
    }
}
