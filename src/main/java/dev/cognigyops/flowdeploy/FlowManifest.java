package dev.cognigyops.flowdeploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.CanonicalJson;
import dev.cognigyops.support.Json;

/**
 * The deployment manifest: seed 003's fields ({@code manifestVersion, generatedAt,
 * targetEnvironment, flows[id, name, version, contentHash, status], dependencyGraph}) plus
 * {@code runId}, each flow's {@code previousVersion} in the target (null when new there), the push
 * order, the cycles found and the edges broken to order them, and — once the run has ended — its
 * outcome and the failure. {@code contentHash} is the SHA-256 of the flow's canonical JSON
 * ({@link CanonicalJson}). Every set is written as a sorted list; flows appear in push order.
 */
public final class FlowManifest {

    public static final String VERSION = "1.1.0";

    /** What became of one flow. */
    public enum Status {
        /** in the plan, not pushed (yet) */
        PENDING,
        DEPLOYED,
        /** the flow whose push or verification failed */
        FAILED,
        ROLLED_BACK,
        ROLLBACK_FAILED,
        /** pushed, but new in the target: there is no previous version to go back to */
        NOT_RESTORABLE,
        /** never pushed because an earlier flow failed */
        NOT_PUSHED;

        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One flow's line. */
    public static final class Entry {
        final String id;
        final String name;
        final String version;
        final String contentHash;
        final String previousVersion;
        Status status = Status.PENDING;
        String note;

        Entry(String id, String name, String version, String contentHash, String previousVersion) {
            this.id = id;
            this.name = name;
            this.version = version;
            this.contentHash = contentHash;
            this.previousVersion = previousVersion;
        }

        public String id() { return id; }
        public String version() { return version; }
        public String previousVersion() { return previousVersion; }
        public Status status() { return status; }
    }

    private final String runId;
    private final Instant generatedAt;
    private final String targetEnvironment;
    private final boolean dryRun;
    private final DependencyResolver.Resolution resolution;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private String outcome = "planned";
    private String failedFlow;
    private String failureReason;

    /**
     * @param flows            by id
     * @param previousVersions the version each flow has in the target; absent when new there
     */
    public FlowManifest(String runId, Instant generatedAt, String targetEnvironment, boolean dryRun,
                        Map<String, JsonNode> flows, Map<String, String> previousVersions,
                        DependencyResolver.Resolution resolution) {
        this.runId = runId;
        this.generatedAt = generatedAt;
        this.targetEnvironment = targetEnvironment;
        this.dryRun = dryRun;
        this.resolution = resolution;
        for (String id : resolution.order()) {
            JsonNode flow = flows.get(id);
            entries.put(id, new Entry(id, flow.path("name").asText(), flow.path("version").asText(),
                    CanonicalJson.sha256(flow), previousVersions.get(id)));
        }
    }

    public List<String> pushOrder() {
        return resolution.order();
    }

    public Entry entry(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            throw new IllegalArgumentException("flow " + id + " is not in the manifest");
        }
        return e;
    }

    public void mark(String id, Status status, String note) {
        Entry e = entry(id);
        e.status = status;
        e.note = note;
    }

    public void deployed() {
        outcome = "deployed";
    }

    /** The run failed at {@code flowId}: flows never reached are NOT_PUSHED. */
    public void failed(String flowId, String reason) {
        outcome = "failed";
        failedFlow = flowId;
        failureReason = reason;
        for (Entry e : entries.values()) {
            if (e.status == Status.PENDING) {
                e.status = Status.NOT_PUSHED;
            }
        }
    }

    public String outcome() {
        return outcome;
    }

    public List<String> withStatus(Status status) {
        List<String> ids = new ArrayList<>();
        entries.values().stream().filter(e -> e.status == status).forEach(e -> ids.add(e.id));
        return ids;
    }

    public ObjectNode toJson() {
        ObjectNode m = Json.object();
        m.put("manifestVersion", VERSION);
        m.put("generatedAt", generatedAt.toString());
        m.put("runId", runId);
        m.put("targetEnvironment", targetEnvironment);
        m.put("dryRun", dryRun);
        m.put("outcome", outcome);
        ArrayNode flows = m.putArray("flows");
        for (Entry e : entries.values()) {
            ObjectNode f = flows.addObject();
            f.put("id", e.id);
            f.put("name", e.name);
            f.put("version", e.version);
            f.put("contentHash", e.contentHash);
            f.put("previousVersion", e.previousVersion);
            f.put("status", e.status.json());
            if (e.note != null) {
                f.put("note", e.note);
            }
        }
        ObjectNode graph = m.putObject("dependencyGraph");
        resolution.graph().forEach((id, deps) -> {
            ArrayNode list = graph.putArray(id);
            deps.forEach(list::add);
        });
        ArrayNode order = m.putArray("pushOrder");
        resolution.order().forEach(order::add);
        ArrayNode cycles = m.putArray("cycles");
        resolution.cycles().forEach(c -> {
            ArrayNode list = cycles.addArray();
            c.forEach(list::add);
        });
        ArrayNode broken = m.putArray("brokenEdges");
        resolution.brokenEdges().forEach(broken::add);
        if (failedFlow != null || failureReason != null) {
            ObjectNode failure = m.putObject("failure");
            failure.put("flowId", failedFlow);
            failure.put("reason", failureReason);
        }
        return m;
    }
}
