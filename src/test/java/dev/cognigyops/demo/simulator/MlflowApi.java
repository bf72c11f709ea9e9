package dev.cognigyops.demo.simulator;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small MLflow tracking server (REST API 2.0), on the simulator's port, without tokens:
 *
 * <pre>
 * GET  /api/2.0/mlflow/experiments/get-by-name?experiment_name=   404 RESOURCE_DOES_NOT_EXIST when absent
 * POST /api/2.0/mlflow/experiments/create     {name}
 * POST /api/2.0/mlflow/runs/create            {experiment_id, run_name, start_time, tags}
 * POST /api/2.0/mlflow/runs/log-batch         {run_id, metrics, params, tags}
 * POST /api/2.0/mlflow/runs/update            {run_id, status, end_time}
 * </pre>
 */
public final class MlflowApi implements SimulatedApi {

    private static final String API = "/api/2.0/mlflow/";

    private final Map<String, String> experiments = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> runs = new ConcurrentHashMap<>();
    private final AtomicInteger experimentIds = new AtomicInteger(1);

    public MlflowApi() {
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.unauthenticated("GET", API + "experiments/get-by-name", this::getByName)
                .unauthenticated("POST", API + "experiments/create", this::createExperiment)
                .unauthenticated("POST", API + "runs/create", this::createRun)
                .unauthenticated("POST", API + "runs/log-batch", this::logBatch)
                .unauthenticated("POST", API + "runs/update", this::updateRun);
    }

    /** Run ids with their final status, as MLflow holds them. */
    public Map<String, Map<String, Object>> runs() {
        return Map.copyOf(runs);
    }

    private SimResponse getByName(SimRequest request) {
        String query = request.url().contains("?") ? request.url().substring(request.url().indexOf('?') + 1) : "";
        String name = null;
        for (String pair : query.split("&")) {
            if (pair.startsWith("experiment_name=")) {
                name = SimRequest.urlDecode(pair.substring("experiment_name=".length()));
            }
        }
        String id = name == null ? null : experiments.get(name);
        if (id == null) {
            throw error(404, "RESOURCE_DOES_NOT_EXIST", "Could not find experiment with name '" + name + "'");
        }
        return SimResponse.json(200, Map.of("experiment", Map.of("experiment_id", id, "name", name,
                "lifecycle_stage", "active")));
    }

    private SimResponse createExperiment(SimRequest request) {
        Object name = request.json().get("name");
        if (!(name instanceof String n) || n.isBlank()) {
            throw error(400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'");
        }
        if (experiments.containsKey(n)) {
            throw error(400, "RESOURCE_ALREADY_EXISTS", "Experiment '" + n + "' already exists");
        }
        String id = Integer.toString(experimentIds.getAndIncrement());
        experiments.put(n, id);
        return SimResponse.json(200, Map.of("experiment_id", id));
    }

    private SimResponse createRun(SimRequest request) {
        Map<String, Object> body = request.json();
        if (!experiments.containsValue(String.valueOf(body.get("experiment_id")))) {
            throw error(404, "RESOURCE_DOES_NOT_EXIST", "No experiment " + body.get("experiment_id"));
        }
        String runId = UUID.randomUUID().toString().replace("-", "");
        runs.put(runId, new ConcurrentHashMap<>(Map.of("status", "RUNNING", "tags", body.getOrDefault("tags", List.of()))));
        return SimResponse.json(200, Map.of("run", Map.of("info", Map.of("run_id", runId, "run_uuid", runId,
                "experiment_id", body.get("experiment_id"), "status", "RUNNING"), "data", Map.of())));
    }

    private SimResponse logBatch(SimRequest request) {
        Map<String, Object> body = request.json();
        Map<String, Object> run = known(body.get("run_id"));
        run.put("metrics", body.getOrDefault("metrics", List.of()));
        return SimResponse.json(200, Map.of());
    }

    private SimResponse updateRun(SimRequest request) {
        Map<String, Object> body = request.json();
        Map<String, Object> run = known(body.get("run_id"));
        run.put("status", body.get("status"));
        return SimResponse.json(200, Map.of("run_info", Map.of("run_id", body.get("run_id"), "status", body.get("status"))));
    }

    private Map<String, Object> known(Object runId) {
        Map<String, Object> run = runs.get(String.valueOf(runId));
        if (run == null) {
            throw error(404, "RESOURCE_DOES_NOT_EXIST", "Run '" + runId + "' not found");
        }
        return run;
    }

    private static ApiError error(int status, String code, String message) {
        return new ApiError(SimResponse.json(status, Map.of("error_code", code, "message", message)));
    }
}
