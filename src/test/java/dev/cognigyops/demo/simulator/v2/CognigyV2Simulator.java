package dev.cognigyops.demo.simulator.v2;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathTemplate;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.cognigyops.demo.simulator.ArtifactContent;
import dev.cognigyops.demo.simulator.OAuthApi;
import dev.cognigyops.demo.simulator.Routes;
import dev.cognigyops.demo.simulator.Routes.Route;
import dev.cognigyops.demo.simulator.SimRequest;
import dev.cognigyops.demo.simulator.SimResponse;
import dev.cognigyops.demo.simulator.SimulatedApi;
import dev.cognigyops.demo.simulator.SimulatorTransformer;
import dev.cognigyops.demo.simulator.v2.Tenant.Endpoint;
import dev.cognigyops.demo.simulator.v2.Tenant.Flow;
import dev.cognigyops.demo.simulator.v2.Tenant.Project;
import dev.cognigyops.demo.simulator.v2.Tenant.Snapshot;
import dev.cognigyops.demo.simulator.v2.Tenant.TrainingResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful, in-process fake of the REAL Cognigy.AI REST API v2.0 (profile {@code cognigy-v2}, SPEC §9,
 * {@code cognigy-v2-api.md}) on a dynamic port; every path is under {@code {baseUrl}/new/v2.0/}.
 *
 * <pre>{@code
 * try (CognigyV2Simulator cognigy = new CognigyV2Simulator("my-api-key").start()) {
 *     String projectId = cognigy.seedProject("Support bot", 3);          // flows Flow 1 → Flow 2 → Flow 3
 *     String snapshotId = cognigy.seedSnapshot(projectId, "v1", true);
 *     String endpointId = cognigy.seedEndpointOnSnapshot(snapshotId, "Webchat");
 *     String baseUrl = cognigy.baseUrl();                                // point the client here
 *     ...
 * }
 * }</pre>
 *
 * <p><b>The areas</b> ({@link TasksApi}, {@link SnapshotsApi}, {@link EndpointsApi}, {@link FlowsApi},
 * {@link PackagesApi}, {@link DownloadsApi}; their javadoc lists their routes):
 * tasks; snapshots (create, list, package, download link, delete, resources, restore); endpoints (GET, PATCH
 * validated against the entrypoint's flows and locales); flows (list, chart, intent training and its feedback
 * report); packages (create, download link, upload, merge).
 *
 * <p><b>Every request</b>, matched or not, is counted ({@link #requestCount()}), then rate limited, then
 * authenticated:
 * <ul>
 *   <li>Rate limit: a fixed window ({@link #withRateLimit}, default 1000 requests per 300 s, the tenant default)
 *       starting at the window's first request; every request counts, refused ones too; beyond the budget the
 *       answer is 429 RFC 7807 with {@code Retry-After} = whole seconds left in the window (at least 1).</li>
 *   <li>Auth: the {@code X-API-Key} header must equal the key given to the constructor, else 401 RFC 7807;
 *       with {@link #withOAuthClient} a bearer token from {@code POST /auth/oauth2/token} is accepted too.
 *       The documented {@code api_key} query parameter is accepted too, but counted
 *       ({@link #requestsWithKeyInUrl()}) so that a test can prove the client never puts the key in a URL.
 *       Download links are pre-signed and need no key (I).</li>
 *   <li>JSON bodies over 60 kB: 413 RFC 7807 (code 1005); uploads over 2 MB likewise.</li>
 * </ul>
 *
 * <p><b>Errors</b> are RFC 7807 ({@link Problem}): 1000 missing argument, 1002 not found (also any unknown
 * path), 1004 conflict, 1005 invalid argument, 1008 internal; a fresh {@code traceId} each.
 *
 * <p><b>Lists</b> ({@link Paging}): {@code limit} default 25, at most 100 - a larger limit is REFUSED (400, 1005),
 * not capped - {@code skip}, cursors {@code next}/{@code previous}, {@code sort=field:asc|desc}.
 *
 * <p><b>Tasks</b> ({@link Task}) answer 202 with the task as created ({@code queued}) and then move on with each
 * {@code GET tasks/{id}} and with each elapsed step of the clock: queued for {@code queuedReads} reads, active
 * for {@code activeSteps} reads (currentStep 1..totalStep), then done - or error with a failReason.
 * Defaults 1 and 2 reads, one step per second of the clock; {@link #withInstantTasks()} makes every task done
 * (its effect applied) before the POST answers; with a {@code MutableClock} only reads and
 * {@code clock.advance} move tasks. {@link #failNextTask} and {@link #stallNextTask} plan the next task of a kind
 * ({@link #CREATE_SNAPSHOT}, ...). A cancel makes a running task {@code cancelling}, then {@code cancelled}
 * at its next read; cancelling an ended task is 409.
 *
 * <p><b>Choices where the API is not known</b> (I): a snapshot used by an endpoint is not refused by the DELETE
 * (202) but by its TASK, which ends error naming the endpoints; a duplicate snapshot name is 409 on the POST;
 * PATCH endpoints answers 204; times are Unix seconds; a merge resource without a strategy aborts on a
 * referenceId conflict; a finding of poor intent accuracy looks like {@link #poorIntentFinding}.
 */
public final class CognigyV2Simulator implements AutoCloseable {

    public static final String CREATE_SNAPSHOT = SnapshotsApi.CREATE;
    public static final String PACKAGE_SNAPSHOT = SnapshotsApi.PACKAGE;
    public static final String DELETE_SNAPSHOT = SnapshotsApi.DELETE;
    public static final String RESTORE_SNAPSHOT = SnapshotsApi.RESTORE;
    public static final String TRAIN_INTENTS = FlowsApi.TRAIN;
    public static final String CREATE_PACKAGE = PackagesApi.CREATE;
    public static final String UPLOAD_PACKAGE = PackagesApi.UPLOAD;
    public static final String MERGE_PACKAGE = PackagesApi.MERGE;
    public static final int MAX_JSON_BYTES = 60 * 1024;

    public record FlowInfo(String id, String referenceId, String name, List<String> dependsOn,
            boolean trainingOutOfDate, Map<String, Object> feedbackReport) {}

    public record SnapshotInfo(String id, String projectId, String name, String description, boolean packaged,
            Instant createdAt, long sizeBytes, List<String> flowReferenceIds) {}

    public record EndpointInfo(String id, String name, String projectId, String entrypoint, String flowId,
            String localeId) {}

    public record TaskInfo(String id, String kind, String projectId, String status, int currentStep, int totalStep,
            String failReason, Map<String, Object> data) {}

    private final String apiKey;
    private final Tenant tenant;
    private final SnapshotsApi snapshots;
    private final EndpointsApi endpoints;
    private final SimulatorTransformer transformer;
    private final WireMockServer server;
    private volatile OAuthApi oauth;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger keyInUrl = new AtomicInteger();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private int rateLimitRequests = 1000;
    private Duration rateLimitWindow = Duration.ofSeconds(300);
    private Instant windowStart;
    private int inWindow;

    public CognigyV2Simulator(String apiKey) {
        this(apiKey, Clock.systemUTC());
    }

    /** With a clock of your own (e.g. {@code MutableClock}): tasks, the rate window and link expiry follow it. */
    public CognigyV2Simulator(String apiKey, Clock clock) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.tenant = new Tenant(clock);
        this.snapshots = new SnapshotsApi(tenant);
        this.endpoints = new EndpointsApi(tenant);
        this.transformer = new SimulatorTransformer(this::gate,
                request -> {
                    throw Problem.notFound("Route", request.method() + " " + request.url().replaceFirst("\\?.*", ""));
                },
                (e, request) -> e instanceof Problem problem
                        ? problem.render(request)
                        : new Problem(500, Problem.INTERNAL, "Simulator failure: " + e).render(request));
        this.server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .extensions(transformer)
                .gzipDisabled(true)               // keep Content-Length exact
                .maxLoggedResponseSize(1024)      // the journal must not buffer whole snapshots
                .maxRequestJournalEntries(1000));
        server.stubFor(any(anyUrl()).atPriority(100)
                .willReturn(aResponse().withTransformers(SimulatorTransformer.NAME)));
        register(new TasksApi(tenant));
        register(snapshots);
        register(endpoints);
        register(new FlowsApi(tenant));
        register(new PackagesApi(tenant));
        register(new DownloadsApi(tenant));
    }

    private void register(SimulatedApi api) {
        Routes routes = new Routes();
        api.registerRoutes(routes);
        for (Route route : routes.all()) {
            StubMapping stub = server.stubFor(request(route.method(), urlPathTemplate(route.pathTemplate()))
                    .willReturn(aResponse().withTransformers(SimulatorTransformer.NAME)));
            transformer.bind(stub.getId(), route);
        }
    }

    // ---- the gate every request passes

    private SimResponse gate(Route route, SimRequest request) {
        requests.incrementAndGet();
        synchronized (tenant) {
            tenant.settle();
        }
        SimResponse limited = rateLimit(request);
        if (limited != null) {
            return limited;
        }
        if (route.authenticated() && !authenticated(request)) {
            return new Problem(401, Problem.UNAUTHORIZED, "Missing or invalid API key").render(request);
        }
        if (!request.isMultipart() && request.bodyBytes().length > MAX_JSON_BYTES) {
            return new Problem(413, Problem.INVALID_ARGUMENT,
                    "The request body is larger than " + MAX_JSON_BYTES + " bytes").render(request);
        }
        return null;
    }

    private synchronized SimResponse rateLimit(SimRequest request) {
        Instant now = tenant.clock.instant();
        if (windowStart == null || !now.isBefore(windowStart.plus(rateLimitWindow))) {
            windowStart = now;
            inWindow = 0;
        }
        inWindow++;
        if (inWindow <= rateLimitRequests) {
            return null;
        }
        rateLimited.incrementAndGet();
        long millisLeft = Duration.between(now, windowStart.plus(rateLimitWindow)).toMillis();
        long retryAfter = Math.max(1, (millisLeft + 999) / 1000);
        return new Problem(429, Problem.TOO_MANY_REQUESTS,
                "Rate limit of " + rateLimitRequests + " requests per " + rateLimitWindow.toSeconds() + " s exceeded")
                .render(request)
                .withHeader("Retry-After", Long.toString(retryAfter));
    }

    private boolean authenticated(SimRequest request) {
        String authorization = request.header("Authorization");
        OAuthApi tokens = oauth;
        if (tokens != null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && tokens.isValid(authorization.substring(7).trim())) {
            return true;
        }
        String header = request.header("X-API-Key");
        if (header != null) {
            return sameKey(header);
        }
        String query = request.queryParam("api_key");
        if (query != null) {
            keyInUrl.incrementAndGet();
            return sameKey(query);
        }
        return false;
    }

    private boolean sameKey(String given) {
        return MessageDigest.isEqual(apiKey.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    // ---- lifecycle

    public CognigyV2Simulator start() {
        server.start();
        return this;
    }

    public void stop() {
        if (server.isRunning()) {
            server.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return server.port();
    }

    /** e.g. {@code http://localhost:54321}, without a trailing slash; the API is under {@code /new/v2.0/}. */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** The underlying server, e.g. for {@code verify(...)} against its request journal. */
    public WireMockServer wireMock() {
        return server;
    }

    // ---- knobs

    /**
     * Also accepts OAuth2 client credentials: {@code POST /auth/oauth2/token} (form-encoded
     * {@code grant_type=client_credentials}, the client in form fields or HTTP Basic) issues bearer tokens,
     * which then authenticate like the API key. Off by default.
     */
    public CognigyV2Simulator withOAuthClient(String clientId, String clientSecret) {
        OAuthApi api = new OAuthApi(clientId, clientSecret, tenant.clock, "/auth/oauth2/token");
        register(api);
        this.oauth = api;
        return this;
    }

    /** Reads of a task that answer queued, then active, before it ends; default 1 and 2. For tasks started later. */
    public CognigyV2Simulator withTaskStages(int queuedReads, int activeSteps) {
        if (queuedReads < 0 || activeSteps < 0) {
            throw new IllegalArgumentException("reads per stage must be >= 0");
        }
        synchronized (tenant) {
            tenant.queuedReads = queuedReads;
            tenant.activeSteps = activeSteps;
        }
        return this;
    }

    /** Every task started later is done (or error) before its POST answers. */
    public CognigyV2Simulator withInstantTasks() {
        return withTaskStages(0, 0);
    }

    /** Clock time that counts as one read of a task; default 1 s; null: only reads move tasks on. */
    public CognigyV2Simulator withTaskStepDuration(Duration step) {
        synchronized (tenant) {
            tenant.stepDuration = step;
        }
        return this;
    }

    /** The tenant's request budget; default 1000 per 300 s. Starts a new window. */
    public synchronized CognigyV2Simulator withRateLimit(int requests, Duration window) {
        this.rateLimitRequests = requests;
        this.rateLimitWindow = window;
        this.windowStart = null;
        return this;
    }

    /** Size of the .csnap of snapshots created later; default 512 KiB. */
    public CognigyV2Simulator withSnapshotSize(long bytes) {
        synchronized (tenant) {
            tenant.snapshotSize = bytes;
        }
        return this;
    }

    /** Size of package files made later; default 64 KiB (uploads over 2 MB are refused). */
    public CognigyV2Simulator withPackageSize(long bytes) {
        synchronized (tenant) {
            tenant.packageSize = bytes;
        }
        return this;
    }

    /** Snapshots a project may hold; default 10, as on Cognigy. */
    public CognigyV2Simulator withSnapshotLimit(int limit) {
        synchronized (tenant) {
            tenant.snapshotLimit = limit;
        }
        return this;
    }

    /** The feedback report every training sets from now on; default fScore 0.92, no findings. */
    public CognigyV2Simulator withTrainingResult(double fScore, List<Map<String, Object>> findings) {
        synchronized (tenant) {
            tenant.defaultFScore = fScore;
            tenant.defaultFindings = List.copyOf(findings);
        }
        return this;
    }

    /** The feedback report trainings of one flow (its _id or referenceId) set from now on. */
    public CognigyV2Simulator withTrainingResult(String flowIdOrReferenceId, double fScore,
            List<Map<String, Object>> findings) {
        synchronized (tenant) {
            tenant.trainingResults.put(flowIdOrReferenceId, new TrainingResult(fScore, List.copyOf(findings)));
        }
        return this;
    }

    /** A finding of the feedback report for an intent with poor accuracy (I: the real shape is not known). */
    public static Map<String, Object> poorIntentFinding(String intentName, double accuracy) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("type", "poorIntentAccuracy");
        finding.put("severity", "warning");
        finding.put("intentId", Tenant.objectIdFrom("intent:" + intentName));
        finding.put("intentName", intentName);
        finding.put("accuracy", accuracy);
        return finding;
    }

    /** Another finding, not about accuracy (e.g. to check a client counts only poor intents). */
    public static Map<String, Object> fewSentencesFinding(String intentName) {
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("type", "tooFewExampleSentences");
        finding.put("severity", "info");
        finding.put("intentId", Tenant.objectIdFrom("intent:" + intentName));
        finding.put("intentName", intentName);
        return finding;
    }

    // ---- hooks

    /** The next task of this kind ({@link #CREATE_SNAPSHOT}, ...) ends error with this failReason. */
    public CognigyV2Simulator failNextTask(String kind, String failReason) {
        synchronized (tenant) {
            tenant.nextFailureByKind.put(kind, failReason);
        }
        return this;
    }

    /** The next task of this kind stays active at currentStep 1 until cancelled. */
    public CognigyV2Simulator stallNextTask(String kind) {
        synchronized (tenant) {
            tenant.nextStallByKind.put(kind, true);
        }
        return this;
    }

    /** The next package merge task ends error. */
    public CognigyV2Simulator failNextMerge(String failReason) {
        return failNextTask(MERGE_PACKAGE, failReason);
    }

    /** The next valid PATCH of an endpoint is applied, then answers 500 (code 1008): a client must read back. */
    public CognigyV2Simulator failNextEndpointPatchAfterApplying() {
        synchronized (tenant) {
            endpoints.failNextPatchAfterApplying = true;
        }
        return this;
    }

    /** The next valid PATCH of an endpoint answers 204 but changes nothing: the read-back shows the old state. */
    public CognigyV2Simulator ignoreNextEndpointPatch() {
        synchronized (tenant) {
            endpoints.ignoreNextPatch = true;
        }
        return this;
    }

    // ---- seeding

    /** A project with one locale and {@code flowCount} flows "Flow 1".."Flow n", each executing the next. */
    public String seedProject(String name, int flowCount) {
        synchronized (tenant) {
            Project project = new Project(Tenant.newId(), name, tenant.clock.instant());
            project.localeIds.add(UUID.randomUUID().toString());
            tenant.projects.put(project.id, project);
            List<String> references = new ArrayList<>();
            for (int i = 0; i < flowCount; i++) {
                references.add(UUID.randomUUID().toString());
            }
            for (int i = 0; i < flowCount; i++) {
                List<String> next = i + 1 < flowCount ? List.of(references.get(i + 1)) : List.of();
                Flow flow = new Flow(Tenant.newId(), references.get(i), "Flow " + (i + 1), next);
                project.flows.put(flow.id, flow);
            }
            return project.id;
        }
    }

    /** Adds a flow whose chart executes or jumps to the flows with these referenceIds. */
    public FlowInfo addFlow(String projectId, String name, String... dependsOnReferenceIds) {
        synchronized (tenant) {
            Project project = tenant.project(projectId);
            Flow flow = new Flow(Tenant.newId(), UUID.randomUUID().toString(), name, List.of(dependsOnReferenceIds));
            project.flows.put(flow.id, flow);
            return info(flow);
        }
    }

    /** A snapshot of the project as it is now, made at once (no task, no limit check). */
    public String seedSnapshot(String projectId, String name, boolean packaged) {
        synchronized (tenant) {
            return snapshots.createNow(tenant.project(projectId), name, "seeded", packaged).id;
        }
    }

    /** An endpoint serving this entrypoint (snapshot or project), flow (referenceId) and the project's locale. */
    public String seedEndpoint(String name, String entrypoint, String flowReferenceId) {
        synchronized (tenant) {
            Snapshot snapshot = tenant.snapshots.get(entrypoint);
            String projectId = snapshot != null ? snapshot.projectId : entrypoint;
            String localeId = tenant.project(projectId).localeIds.get(0);
            endpoints.validate(entrypoint, flowReferenceId, localeId);
            Endpoint endpoint = new Endpoint(Tenant.newId(), projectId, name, entrypoint, flowReferenceId, localeId,
                    tenant.clock.instant());
            tenant.endpoints.put(endpoint.id, endpoint);
            return endpoint.id;
        }
    }

    /** An endpoint serving the snapshot's first flow. */
    public String seedEndpointOnSnapshot(String snapshotId, String name) {
        synchronized (tenant) {
            Snapshot snapshot = tenant.snapshot(snapshotId);
            return seedEndpoint(name, snapshotId, snapshot.flows.get(0).referenceId);
        }
    }

    // ---- inspection

    /** Every request received, matched or not, refused or not. */
    public int requestCount() {
        return requests.get();
    }

    /** Requests that carried the API key in the URL ({@code api_key=}); a well-behaved client sends none. */
    public int requestsWithKeyInUrl() {
        return keyInUrl.get();
    }

    /** Requests answered 429. */
    public int rateLimitedCount() {
        return rateLimited.get();
    }

    /** PATCHes of endpoints that passed validation (including those a hook failed or ignored). */
    public int endpointPatches() {
        synchronized (tenant) {
            return endpoints.patches;
        }
    }

    /** The project's primary locale's id, for localeId fields. */
    public String localeId(String projectId) {
        synchronized (tenant) {
            return tenant.project(projectId).localeIds.get(0);
        }
    }

    public List<FlowInfo> flows(String projectId) {
        synchronized (tenant) {
            return tenant.project(projectId).flows.values().stream().map(CognigyV2Simulator::info).toList();
        }
    }

    /** The project's snapshots, oldest first. */
    public List<SnapshotInfo> snapshots(String projectId) {
        synchronized (tenant) {
            tenant.settle();
            return snapshots.snapshotsOf(projectId).stream().map(s -> new SnapshotInfo(s.id, s.projectId, s.name,
                    s.description, s.packaged, s.createdAt, s.size,
                    s.flows.stream().map(f -> f.referenceId).toList())).toList();
        }
    }

    public EndpointInfo endpoint(String endpointId) {
        synchronized (tenant) {
            Endpoint e = endpoints.endpoint(endpointId);
            return new EndpointInfo(e.id, e.name, e.projectId, e.entrypoint, e.flowId, e.localeId);
        }
    }

    /** Every task, in the order they were started. */
    public List<TaskInfo> tasks() {
        synchronized (tenant) {
            tenant.settle();
            return tenant.tasks.values().stream().map(CognigyV2Simulator::info).toList();
        }
    }

    public TaskInfo task(String taskId) {
        return tasks().stream().filter(t -> t.id().equals(taskId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No task " + taskId));
    }

    /** Lower-case hex SHA-256 of the .csnap served for this snapshot. */
    public String expectedSnapshotSha256(String snapshotId) {
        long size;
        synchronized (tenant) {
            size = tenant.snapshot(snapshotId).size;
        }
        return ArtifactContent.sha256(SnapshotsApi.seed(snapshotId), size);
    }

    public byte[] expectedSnapshotBytes(String snapshotId) {
        synchronized (tenant) {
            return ArtifactContent.bytes(SnapshotsApi.seed(snapshotId), tenant.snapshot(snapshotId).size);
        }
    }

    public long snapshotSize(String snapshotId) {
        synchronized (tenant) {
            return tenant.snapshot(snapshotId).size;
        }
    }

    private static FlowInfo info(Flow flow) {
        return new FlowInfo(flow.id, flow.referenceId, flow.name, flow.dependsOn, flow.trainingOutOfDate,
                flow.feedbackReport);
    }

    private static TaskInfo info(Task task) {
        return new TaskInfo(task.id, task.kind, task.projectId, task.status(), task.currentStep(), task.totalStep(),
                task.failReason(), Map.copyOf(task.data));
    }
}
