package dev.cognigyops.demo.simulator;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AI training jobs and their status (seed 002's {@code JobStatusResponse}):
 *
 * <pre>
 * GET    /api/v2/projects/{projectId}/ai/train/{jobId}/status
 * DELETE /api/v2/projects/{projectId}/ai/train/{jobId}
 * </pre>
 *
 * Each job plays a script of stages, one per status read; the last stage stays. A DELETE cancels
 * a job that has not finished. Two jobs are there from the start: {@value #DEMO_JOB} trains to
 * COMPLETED with loss and accuracy metrics, {@value #HOT_JOB} runs hot (CPU 97.5%) on its second read.
 */
public final class TrainingApi implements SimulatedApi {

    public static final String DEMO_PROJECT = "demo-project";
    public static final String DEMO_JOB = "train-demo-1";
    public static final String HOT_JOB = "train-demo-hot";

    /** One status answer of a script. */
    public record Stage(String state, double progress, double cpu, double memory) {}

    private final Clock clock;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    public TrainingApi(Clock clock) {
        this.clock = clock;
        addJob(DEMO_PROJECT, DEMO_JOB, List.of(new Stage("QUEUED", 0, 5, 20), new Stage("RUNNING", 25, 62, 55),
                new Stage("RUNNING", 50, 78, 61), new Stage("RUNNING", 75, 81, 64), new Stage("COMPLETED", 100, 12, 30)));
        addJob(DEMO_PROJECT, HOT_JOB, List.of(new Stage("RUNNING", 10, 70, 50), new Stage("RUNNING", 15, 97.5, 58)));
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.get("/api/v2/projects/{projectId}/ai/train/{jobId}/status", this::status)
                .delete("/api/v2/projects/{projectId}/ai/train/{jobId}", this::cancel);
    }

    /** Adds a job (or replaces it) that answers {@code stages}, one per read. */
    public void addJob(String projectId, String jobId, List<Stage> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a job needs at least one stage");
        }
        jobs.put(projectId + "/" + jobId, new Job(jobId, stages));
    }

    public boolean isCancelled(String projectId, String jobId) {
        Job job = jobs.get(projectId + "/" + jobId);
        return job != null && job.cancelled;
    }

    private SimResponse status(SimRequest request) {
        return SimResponse.json(200, job(request).read());
    }

    private SimResponse cancel(SimRequest request) {
        Job job = job(request);
        synchronized (job) {
            String state = job.current().state();
            if (!job.cancelled && (state.equals("COMPLETED") || state.equals("FAILED"))) {
                throw new ApiError(409, "Training job " + job.jobId + " has already finished (" + state + ")");
            }
            job.cancelled = true;
        }
        return new SimResponse(204, "application/json", 0, () -> java.io.InputStream.nullInputStream(), Map.of());
    }

    private Job job(SimRequest request) {
        Job job = jobs.get(request.pathParam("projectId") + "/" + request.pathParam("jobId"));
        if (job == null) {
            throw new ApiError(404, "Training job " + request.pathParam("jobId") + " not found in project "
                    + request.pathParam("projectId"));
        }
        return job;
    }

    private final class Job {
        final String jobId;
        final List<Stage> stages;
        final String startedAt = clock.instant().toString();
        final List<Map<String, Object>> metrics = new ArrayList<>();
        int reads;
        boolean cancelled;
        boolean finalMetrics;

        Job(String jobId, List<Stage> stages) {
            this.jobId = jobId;
            this.stages = List.copyOf(stages);
        }

        Stage current() {
            return stages.get(Math.min(Math.max(reads - 1, 0), stages.size() - 1));
        }

        synchronized Map<String, Object> read() {
            reads++;
            Stage stage = current();
            String state = cancelled ? "CANCELLED" : stage.state();
            if (state.equals("RUNNING") || state.equals("COMPLETED") && !finalMetrics) {
                finalMetrics = state.equals("COMPLETED");
                String now = clock.instant().toString();
                metrics.add(metric(now, "loss", Math.round(1000.0 / (reads + 1)) / 1000.0));
                metrics.add(metric(now, "accuracy", Math.min(0.99, 0.5 + 0.1 * reads)));
            }
            Map<String, Object> usage = new LinkedHashMap<>();
            usage.put("cpu_usage", stage.cpu());
            usage.put("memory_usage", stage.memory());
            usage.put("gpu_memory_used", null);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("job_id", jobId);
            body.put("state", state);
            body.put("progress_percent", stage.progress());
            body.put("metrics", List.copyOf(metrics));
            body.put("resource_utilization", usage);
            body.put("started_at", startedAt);
            body.put("completed_at", state.equals("RUNNING") || state.equals("QUEUED") ? null : clock.instant().toString());
            return body;
        }

        private Map<String, Object> metric(String at, String name, double value) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("timestamp", at);
            m.put("metric_name", name);
            m.put("value", value);
            m.put("unit", "ratio");
            return m;
        }
    }
}
