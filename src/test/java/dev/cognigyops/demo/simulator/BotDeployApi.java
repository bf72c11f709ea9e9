package dev.cognigyops.demo.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bot deployments: NLU models, bot flow versions, deployments that move on with each status read,
 * rollback, blue-green routing and region sync jobs. Like the real tenant, it answers 429 with
 * {@code Retry-After} when a deployment's status is read more than 12 times a minute.
 *
 * <pre>
 * GET  /v1/nlu/models/{nluModelId}
 * GET  /v1/bots/{botId}/flows/{flowId}/versions
 * POST /v1/bots/{botId}/deployments
 * GET  /v1/deployments/{deploymentId}/status
 * POST /v1/deployments/{deploymentId}/rollback
 * PUT  /v1/environments/routing
 * POST /v1/sync/jobs
 * </pre>
 */
public final class BotDeployApi implements SimulatedApi {

    public static final String DEMO_BOT = "bot-customer-service";
    public static final String PUBLISHED_MODEL = "nlu-intent-classifier-v4";
    public static final String DRAFT_MODEL = "nlu-intent-classifier-v5";
    static final List<String> STAGES = List.of("queued", "compiling", "deploying", "validating");
    static final int READS_PER_MINUTE = 12;

    private final Clock clock;
    private final Map<String, String> models = new ConcurrentHashMap<>();
    private final Map<String, List<String>> flowVersions = new ConcurrentHashMap<>();
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    private final Set<String> regions = Set.of("eu-west-1", "us-east-1", "ap-southeast-2");
    private final AtomicReference<Object> routing = new AtomicReference<>();
    private volatile int readsPerStage = 1;
    private volatile String nextFailure;

    public BotDeployApi(Clock clock) {
        this.clock = clock;
        models.put(PUBLISHED_MODEL, "published");
        models.put(DRAFT_MODEL, "draft");
        flowVersions.put(DEMO_BOT + "/flow-order-lookup", List.of("v2.0.2", "v2.0.3"));
        flowVersions.put(DEMO_BOT + "/flow-refund-request", List.of("v1.4.0", "v1.5.0"));
    }

    @Override
    public void registerRoutes(Routes routes) {
        routes.get("/v1/nlu/models/{nluModelId}", this::getModel)
                .get("/v1/bots/{botId}/flows/{flowId}/versions", this::getFlowVersions)
                .post("/v1/bots/{botId}/deployments", this::createDeployment)
                .get("/v1/deployments/{deploymentId}/status", this::getStatus)
                .post("/v1/deployments/{deploymentId}/rollback", this::rollback)
                .put("/v1/environments/routing", this::putRouting)
                .post("/v1/sync/jobs", this::startSync);
    }

    // ---- configuration, for demos and tests

    /** How many status reads each stage (queued … validating) answers before the next. */
    public BotDeployApi readsPerStage(int reads) {
        this.readsPerStage = Math.max(1, reads);
        return this;
    }

    /** The next deployment created ends {@code failed} with this message. */
    public BotDeployApi failNextDeployment(String errorMessage) {
        this.nextFailure = errorMessage;
        return this;
    }

    public Object routing() {
        return routing.get();
    }

    // ---- endpoints

    private SimResponse getModel(SimRequest request) {
        String id = request.pathParam("nluModelId");
        String status = models.get(id);
        if (status == null) {
            throw new ApiError(404, "NLU model " + id + " not found");
        }
        return SimResponse.json(200, Map.of("modelId", id, "status", status));
    }

    private SimResponse getFlowVersions(SimRequest request) {
        List<String> versions = flowVersions.get(request.pathParam("botId") + "/" + request.pathParam("flowId"));
        if (versions == null) {
            throw new ApiError(404, "flow " + request.pathParam("flowId") + " not found in bot " + request.pathParam("botId"));
        }
        return SimResponse.json(200, Map.of("items", versions.stream().map(v -> Map.of("version", v)).toList()));
    }

    @SuppressWarnings("unchecked")
    private SimResponse createDeployment(SimRequest request) {
        String botId = request.pathParam("botId");
        Map<String, Object> body = request.json();
        if (!"versioned".equals(body.get("deploymentType"))) {
            throw new ApiError(400, "deploymentType must be 'versioned'");
        }
        if (!"published".equals(models.get(String.valueOf(body.get("nluModelId"))))) {
            throw new ApiError(409, "NLU model " + body.get("nluModelId") + " is not published");
        }
        if (!(body.get("flowReferences") instanceof List<?> refs)) {
            throw new ApiError(400, "flowReferences is required");
        }
        for (Object r : refs) {
            Map<String, Object> ref = (Map<String, Object>) r;
            List<String> versions = flowVersions.get(botId + "/" + ref.get("flowId"));
            if (versions == null || !versions.contains(String.valueOf(ref.get("version")))) {
                throw new ApiError(409, "flow " + ref.get("flowId") + " has no version " + ref.get("version"));
            }
        }
        Deployment d = new Deployment("dep-" + UUID.randomUUID().toString().substring(0, 8), botId, readsPerStage, nextFailure);
        nextFailure = null;
        deployments.put(d.id, d);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deploymentId", d.id);
        answer.put("status", "queued");
        answer.put("createdAt", clock.instant().toString());
        answer.put("estimatedCompletionSeconds", 1);
        return SimResponse.json(202, answer).withHeader("Location", "/v1/deployments/" + d.id + "/status");
    }

    private SimResponse getStatus(SimRequest request) {
        Deployment d = deployment(request);
        Instant now = clock.instant();
        synchronized (d) {
            while (!d.reads.isEmpty() && !d.reads.peekFirst().isAfter(now.minus(Duration.ofMinutes(1)))) {
                d.reads.removeFirst();
            }
            if (d.reads.size() >= READS_PER_MINUTE) {
                long wait = Math.max(1, Duration.between(now, d.reads.peekFirst().plus(Duration.ofMinutes(1))).toSeconds());
                throw new ApiError(SimResponse.message(429, "more than " + READS_PER_MINUTE + " status reads a minute")
                        .withHeader("Retry-After", Long.toString(wait)));
            }
            d.reads.addLast(now);
            return SimResponse.json(200, d.read());
        }
    }

    private SimResponse rollback(SimRequest request) {
        Deployment d = deployment(request);
        synchronized (d) {
            d.rolledBack = true;
        }
        return SimResponse.json(200, Map.of("deploymentId", d.id, "status", "rolled_back"));
    }

    @SuppressWarnings("unchecked")
    private SimResponse putRouting(SimRequest request) {
        Map<String, Object> body = request.json();
        if (!(body.get("environments") instanceof List<?> envs) || envs.size() != 2) {
            throw new ApiError(400, "environments must list the two blue-green environments");
        }
        double total = envs.stream().mapToDouble(e -> ((Number) ((Map<String, Object>) e).get("trafficWeight")).doubleValue()).sum();
        if (total != 100 || !"blue_green".equals(body.get("strategy"))) {
            throw new ApiError(400, "trafficWeight must add up to 100 with strategy blue_green");
        }
        Map<String, Object> state = new LinkedHashMap<>(body);
        state.put("updatedAt", clock.instant().toString());
        routing.set(state);
        return SimResponse.json(200, state);
    }

    private SimResponse startSync(SimRequest request) {
        Map<String, Object> body = request.json();
        Object region = body.get("targetRegion");
        if (!deployments.containsKey(String.valueOf(body.get("sourceDeploymentId")))) {
            throw new ApiError(404, "deployment " + body.get("sourceDeploymentId") + " not found");
        }
        if (!regions.contains(String.valueOf(region))) {
            throw new ApiError(422, "region " + region + " is not configured for this tenant");
        }
        return SimResponse.json(201, Map.of("syncJobId", "sync-" + region + "-" + UUID.randomUUID().toString().substring(0, 8),
                "status", "queued"));
    }

    private Deployment deployment(SimRequest request) {
        Deployment d = deployments.get(request.pathParam("deploymentId"));
        if (d == null) {
            throw new ApiError(404, "deployment " + request.pathParam("deploymentId") + " not found");
        }
        return d;
    }

    /** A deployment: each status read moves it on through the stages, then completed (or failed). */
    private static final class Deployment {
        final String id;
        final String botId;
        final int readsPerStage;
        final String failure;
        final Deque<Instant> reads = new ArrayDeque<>();
        int served;
        boolean rolledBack;

        Deployment(String id, String botId, int readsPerStage, String failure) {
            this.id = id;
            this.botId = botId;
            this.readsPerStage = readsPerStage;
            this.failure = failure;
        }

        Map<String, Object> read() {
            int stage = served++ / readsPerStage;
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("deploymentId", id);
            view.put("botId", botId);
            if (rolledBack) {
                view.put("status", "rolled_back");
            } else if (stage < STAGES.size()) {
                view.put("status", STAGES.get(stage));
            } else if (failure == null) {
                view.put("status", "completed");
            } else {
                view.put("status", "failed");
                view.put("errorMessage", failure);
            }
            return view;
        }
    }
}
