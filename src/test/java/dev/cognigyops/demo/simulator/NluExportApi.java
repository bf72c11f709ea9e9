package dev.cognigyops.demo.simulator;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * NLU model versions, model exports, the export jobs and the exported artifacts:
 *
 * <pre>
 * GET  /api/v1/nlu/models/{modelId}/versions/{version}
 * POST /api/v1/nlu/models/{modelId}/exports
 * GET  /api/v1/jobs/{jobId}
 * GET  /api/v1/artifacts/{exportId}
 * </pre>
 */
public final class NluExportApi implements SimulatedApi {

    public static final String DEMO_MODEL_ID = "3f6c1a52-8d4e-4c1b-9a57-2f0e6b9d4c11";
    public static final String TRAINED_VERSION = "1.4.0";
    public static final String TRAINING_VERSION = "1.5.0-rc1";
    public static final long DEFAULT_ARTIFACT_SIZE = 2L * 1024 * 1024;

    public record ModelVersion(String modelId, String version, String status, Instant createdAt) {}

    /** An export the simulator accepted; its artifact is {@code artifactSize} bytes seeded by {@code exportId}. */
    public record Export(
            String exportId, String jobId, String modelId, String version, String format, Object metadata, long artifactSize) {}

    private final Clock clock;
    private final Map<String, ModelVersion> versions = new ConcurrentHashMap<>();
    private final Map<String, Job> jobsById = new ConcurrentHashMap<>();
    private final Map<String, Job> jobsByExportId = new ConcurrentHashMap<>();
    private final List<String> exportsStarted = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> nextFailure = new AtomicReference<>();
    private volatile int pendingReads = 1;
    private volatile int runningReads = 3;
    private volatile long artifactSize = DEFAULT_ARTIFACT_SIZE;

    NluExportApi(Clock clock) {
        this.clock = clock;
        versions.put(key(DEMO_MODEL_ID, TRAINED_VERSION), new ModelVersion(
                DEMO_MODEL_ID, TRAINED_VERSION, "TRAINED", Instant.parse("2025-01-14T09:30:00Z")));
        versions.put(key(DEMO_MODEL_ID, TRAINING_VERSION), new ModelVersion(
                DEMO_MODEL_ID, TRAINING_VERSION, "TRAINING", Instant.parse("2025-02-03T16:45:00Z")));
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.get("/api/v1/nlu/models/{modelId}/versions/{version}", this::getVersion)
                .post("/api/v1/nlu/models/{modelId}/exports", this::startExport)
                .get("/api/v1/jobs/{jobId}", this::getJob)
                .get("/api/v1/artifacts/{exportId}", this::download);
    }

    // ---- configuration and state, for demos and tests

    /** Adds a model version, or replaces it (e.g. to turn TRAINING into TRAINED). */
    public void addModelVersion(String modelId, String version, String status) {
        versions.put(key(modelId, version), new ModelVersion(modelId, version, status, clock.instant()));
    }

    /** How many job reads answer PENDING, then RUNNING, before COMPLETED; applies to exports started later. */
    public void jobStages(int pendingReads, int runningReads) {
        if (pendingReads < 0 || runningReads < 0) {
            throw new IllegalArgumentException("reads per stage must be >= 0");
        }
        this.pendingReads = pendingReads;
        this.runningReads = runningReads;
    }

    /** Size in bytes of the artifacts of exports started later. */
    public void artifactSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("artifact size must be >= 0");
        }
        this.artifactSize = bytes;
    }

    /** The next export started ends in FAILED with this message instead of COMPLETED. */
    public void failNextExport(String errorMessage) {
        nextFailure.set(errorMessage);
    }

    /** Export ids in the order the exports were started. */
    public List<String> exportsStarted() {
        return List.copyOf(exportsStarted);
    }

    public Optional<Export> export(String exportId) {
        return Optional.ofNullable(jobsByExportId.get(exportId)).map(Job::export);
    }

    public byte[] expectedArtifact(String exportId) {
        return ArtifactContent.bytes(exportId, knownExport(exportId).artifactSize());
    }

    /** Lower-case hex SHA-256 of the artifact the simulator serves for this export. */
    public String expectedSha256(String exportId) {
        return ArtifactContent.sha256(exportId, knownExport(exportId).artifactSize());
    }

    // ---- endpoints

    private SimResponse getVersion(SimRequest request) {
        return SimResponse.json(200, view(modelVersion(request.pathParam("modelId"), request.pathParam("version"))));
    }

    private SimResponse startExport(SimRequest request) {
        String modelId = request.pathParam("modelId");
        Map<String, Object> body = request.json();
        if (body.get("modelId") != null && !modelId.equals(body.get("modelId"))) {
            throw new ApiError(400, "modelId in the body does not match the path");
        }
        if (!(body.get("version") instanceof String version) || version.isBlank()) {
            throw new ApiError(400, "version is required");
        }
        ModelVersion model = modelVersion(modelId, version);
        if (!"TRAINED".equals(model.status())) {
            throw new ApiError(409, "NLU model " + modelId + " version " + version + " is " + model.status()
                    + "; only TRAINED versions can be exported");
        }
        Export export = new Export(UUID.randomUUID().toString(), UUID.randomUUID().toString(), modelId, version,
                Objects.toString(body.get("format"), null), body.get("metadata"), artifactSize);
        Job job = new Job(export, pendingReads, runningReads, nextFailure.getAndSet(null));
        jobsById.put(export.jobId(), job);
        jobsByExportId.put(export.exportId(), job);
        exportsStarted.add(export.exportId());
        return SimResponse.json(202, Map.of("jobId", export.jobId(), "exportId", export.exportId()));
    }

    private SimResponse getJob(SimRequest request) {
        Job job = jobsById.get(request.pathParam("jobId"));
        if (job == null) {
            throw new ApiError(404, "Job " + request.pathParam("jobId") + " not found");
        }
        return SimResponse.json(200, job.read());
    }

    private SimResponse download(SimRequest request) {
        String exportId = request.pathParam("exportId");
        Job job = jobsByExportId.get(exportId);
        if (job == null) {
            throw new ApiError(404, "Artifact " + exportId + " not found");
        }
        if (!job.completed()) {
            throw new ApiError(409, "Export " + exportId + " has no artifact yet");
        }
        long size = job.export().artifactSize();
        return SimResponse.stream("application/octet-stream", size, () -> ArtifactContent.open(exportId, size))
                .withHeader("Content-Disposition", "attachment; filename=\"nlu-export-" + exportId + ".bin\"");
    }

    // ---- helpers

    private ModelVersion modelVersion(String modelId, String version) {
        ModelVersion model = versions.get(key(modelId, version));
        if (model == null) {
            throw new ApiError(404, "NLU model " + modelId + " version " + version + " not found");
        }
        return model;
    }

    private Export knownExport(String exportId) {
        return export(exportId).orElseThrow(() -> new IllegalArgumentException("No export " + exportId));
    }

    private static Map<String, Object> view(ModelVersion model) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("modelId", model.modelId());
        view.put("version", model.version());
        view.put("status", model.status());
        view.put("createdAt", model.createdAt().toString());
        return view;
    }

    private static String key(String modelId, String version) {
        return modelId + '@' + version;
    }

    /** An export job; each read moves it on: PENDING, RUNNING (rising progress), then COMPLETED or FAILED. */
    private record Job(Export export, int pendingReads, int runningReads, String failure, AtomicInteger reads) {

        Job(Export export, int pendingReads, int runningReads, String failure) {
            this(export, pendingReads, runningReads, failure, new AtomicInteger());
        }

        Map<String, Object> read() {
            return view(reads.incrementAndGet());
        }

        boolean completed() {
            return failure == null && reads.get() > pendingReads + runningReads;
        }

        private Map<String, Object> view(int read) {
            int runningRead = read - pendingReads;
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("jobId", export.jobId());
            if (runningRead <= 0) {
                view.put("status", "PENDING");
                view.put("progress", 0);
            } else if (runningRead <= runningReads) {
                view.put("status", "RUNNING");
                view.put("progress", 100 * runningRead / (runningReads + 1));
            } else if (failure == null) {
                view.put("status", "COMPLETED");
                view.put("progress", 100);
                view.put("downloadUrl", "/api/v1/artifacts/" + export.exportId());
            } else {
                view.put("status", "FAILED");
                view.put("progress", 100 * runningReads / (runningReads + 1));
                view.put("errorMessage", failure);
            }
            return view;
        }
    }
}
