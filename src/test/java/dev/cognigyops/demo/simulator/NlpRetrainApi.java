package dev.cognigyops.demo.simulator;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NLP retraining: training jobs, the metrics of model versions and rollbacks:
 *
 * <pre>
 * POST /api/v2/ai/nlp/training/jobs                      (X-Request-Id required; the same id answers the same job)
 * GET  /api/v2/ai/nlp/training/jobs/{jobId}              queued, running, then completed
 * GET  /api/v2/ai/nlp/models/{modelId}/versions/{versionId}/metrics
 * POST /api/v2/ai/nlp/models/{modelId}/rollback          {target_version_id}
 * </pre>
 *
 * Model {@link #DEMO_MODEL_ID} has version {@link #BASELINE_VERSION} (F1 0.89); each job trains a
 * new version whose metrics pass the default gate (F1 0.931), unless told otherwise.
 */
public final class NlpRetrainApi implements SimulatedApi {

    public static final String DEMO_MODEL_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    public static final String BASELINE_VERSION = "v3.1.0";
    /** GPU memory (MiB) above which a submit is refused with 422, as a tenant quota would. */
    public static final long GPU_QUOTA_MIB = 32768;

    public record Metrics(double precision, double recall, double f1Score, double biasScore) {}

    private final Clock clock;
    private final Map<String, Metrics> versions = new ConcurrentHashMap<>();
    private final Map<String, Job> jobsById = new ConcurrentHashMap<>();
    private final Map<String, Job> jobsByRequestId = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> rollbacks = new CopyOnWriteArrayList<>();
    private final AtomicInteger versionCounter = new AtomicInteger(1);
    private volatile Metrics nextMetrics = new Metrics(0.962, 0.957, 0.931, 0.06);
    private volatile int queuedReads = 1;
    private volatile int runningReads = 2;

    public NlpRetrainApi(Clock clock) {
        this.clock = clock;
        versions.put(key(DEMO_MODEL_ID, BASELINE_VERSION), new Metrics(0.93, 0.91, 0.89, 0.07));
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.post("/api/v2/ai/nlp/training/jobs", this::submit)
                .get("/api/v2/ai/nlp/training/jobs/{jobId}", this::job)
                .get("/api/v2/ai/nlp/models/{modelId}/versions/{versionId}/metrics", this::metrics)
                .post("/api/v2/ai/nlp/models/{modelId}/rollback", this::rollback);
    }

    /** The metrics of versions trained from now on, e.g. to show a failed gate. */
    public void trainNextWith(Metrics metrics) {
        this.nextMetrics = metrics;
    }

    /** How many reads answer queued, then running, before completed. */
    public void jobStages(int queued, int running) {
        this.queuedReads = queued;
        this.runningReads = running;
    }

    public List<Map<String, Object>> rollbacks() {
        return List.copyOf(rollbacks);
    }

    private SimResponse submit(SimRequest request) {
        String requestId = request.header("X-Request-Id");
        if (requestId == null || requestId.isBlank()) {
            throw new ApiError(400, "X-Request-Id is required");
        }
        Map<String, Object> body = request.json();
        Object modelId = body.get("modelId");
        if (!DEMO_MODEL_ID.equals(modelId)) {
            throw new ApiError(SimResponse.json(422, Map.of("detail", "unknown modelId " + modelId)));
        }
        if (body.get("computeConstraints") instanceof Map<?, ?> compute
                && compute.get("maxGpuMemory") instanceof Number gpu && gpu.longValue() > GPU_QUOTA_MIB) {
            throw new ApiError(SimResponse.json(422, Map.of("detail",
                    "maxGpuMemory " + gpu + " exceeds the tenant quota of " + GPU_QUOTA_MIB + " MiB")));
        }
        Job job = jobsByRequestId.computeIfAbsent(requestId, id -> {
            String version = "v3.2." + versionCounter.getAndIncrement();
            Job created = new Job("job_" + java.util.UUID.randomUUID().toString().substring(0, 8), version,
                    clock.instant().toString(), queuedReads, runningReads, new AtomicInteger());
            versions.put(key(DEMO_MODEL_ID, version), nextMetrics);
            jobsById.put(created.jobId(), created);
            return created;
        });
        return SimResponse.json(202, job.view("queued", null));
    }

    private SimResponse job(SimRequest request) {
        Job job = jobsById.get(request.pathParam("jobId"));
        if (job == null) {
            throw new ApiError(404, "Training job " + request.pathParam("jobId") + " not found");
        }
        int read = job.reads().incrementAndGet();
        String status = read <= job.queuedReads() ? "queued" : read <= job.queuedReads() + job.runningReads() ? "running" : "completed";
        return SimResponse.json(200, job.view(status, "completed".equals(status) ? clock.instant().toString() : null));
    }

    private SimResponse metrics(SimRequest request) {
        Metrics m = versions.get(key(request.pathParam("modelId"), request.pathParam("versionId")));
        if (m == null) {
            throw new ApiError(404, "Model version not found or metrics generation failed");
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("precision", m.precision());
        view.put("recall", m.recall());
        view.put("f1Score", m.f1Score());
        view.put("biasScore", m.biasScore());
        view.put("intentDistribution", Map.of("greeting", 0.25, "booking", 0.56, "cancellation", 0.19));
        return SimResponse.json(200, view);
    }

    private SimResponse rollback(SimRequest request) {
        Map<String, Object> body = request.json();
        if (!(body.get("target_version_id") instanceof String target) || target.isBlank()) {
            throw new ApiError(SimResponse.json(422, Map.of("detail", "target_version_id is required")));
        }
        rollbacks.add(Map.of("modelId", request.pathParam("modelId"), "targetVersionId", target));
        return SimResponse.json(200, Map.of("modelId", request.pathParam("modelId"), "activeVersionId", target));
    }

    private static String key(String modelId, String versionId) {
        return modelId + '@' + versionId;
    }

    private record Job(String jobId, String modelVersionId, String startedAt, int queuedReads, int runningReads,
                       AtomicInteger reads) {
        Map<String, Object> view(String status, String completedAt) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("jobId", jobId);
            view.put("status", status);
            view.put("modelVersionId", modelVersionId);
            view.put("startedAt", startedAt);
            view.put("completedAt", completedAt);
            return view;
        }
    }
}
