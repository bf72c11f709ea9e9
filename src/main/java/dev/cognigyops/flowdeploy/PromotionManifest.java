package dev.cognigyops.flowdeploy;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * The manifest of a flow-deploy on profile cognigy-v2 (docs/contract.md §9), stored in S3 before anything is
 * changed and again at the end: the two projects, the rollback point, the package, and per selected flow its
 * name, {@code referenceId}, {@code contentHash} (SHA-256 of its chart's canonical JSON), whether the target had
 * it, the flows it executes or jumps to, and its final state; {@code dependencyGraph} as sorted lists.
 */
public final class PromotionManifest {

    /** The run's outcome as the manifest says it. */
    public enum Outcome { DRY_RUN, PLANNED, DEPLOYED, FAILED, ROLLED_BACK, ROLLBACK_FAILED }

    private PromotionManifest() {
    }

    public static Outcome outcome(FlowPromotionRun run) {
        if (run.dryRun()) {
            return Outcome.DRY_RUN;
        }
        if (run.failure() != null) {
            return switch (run.phase()) {
                case RESTORED -> Outcome.ROLLED_BACK;
                case RESTORE_FAILED -> Outcome.ROLLBACK_FAILED;
                default -> run.restoreError() != null ? Outcome.ROLLBACK_FAILED : Outcome.FAILED;
            };
        }
        return run.isBefore(FlowPromotionRun.Phase.VERIFIED.name()) ? Outcome.PLANNED : Outcome.DEPLOYED;
    }

    public static ObjectNode of(FlowPromotionRun run) {
        ObjectNode m = Json.object();
        m.put("manifestVersion", 1);
        m.put("profile", "cognigy-v2");
        m.put("runId", run.runId());
        m.put("createdAt", run.createdAt());
        m.put("sourceProjectId", run.sourceProjectId());
        m.put("targetProjectId", run.targetProjectId());
        m.put("dryRun", run.dryRun());
        m.put("outcome", outcome(run).name());
        m.put("rollbackSnapshotName", run.dryRun() ? null : run.snapshotName());
        m.put("rollbackSnapshotId", run.snapshotId());
        m.put("packageId", run.packageId());
        m.put("packageUri", run.packageUri());
        m.put("packageSha256", run.packageSha256());
        ArrayNode flows = m.putArray("flows");
        Map<String, java.util.List<String>> graph = new TreeMap<>();
        for (FlowPromotionRun.PromotedFlow f : run.flows()) {
            ObjectNode flow = flows.addObject();
            flow.put("_id", f.id());
            flow.put("name", f.name());
            flow.put("referenceId", f.referenceId());
            flow.put("contentHash", f.contentHash());
            if (f.inTarget() == null) {
                flow.putNull("inTarget");
            } else {
                flow.put("inTarget", f.inTarget());
            }
            ArrayNode refs = flow.putArray("references");
            f.references().forEach(refs::add);
            flow.put("state", f.state().name());
            graph.put(f.referenceId(), f.references());
        }
        ObjectNode g = m.putObject("dependencyGraph");
        graph.forEach((ref, refs) -> {
            ArrayNode list = g.putArray(ref);
            refs.forEach(list::add);
        });
        if (run.failure() != null) {
            ObjectNode failure = m.putObject("failure");
            failure.put("code", run.failure().code().name());
            failure.put("message", run.failure().message());
            failure.put("restore", run.restoreError() != null ? "failed: " + run.restoreError()
                    : run.phase() == FlowPromotionRun.Phase.RESTORED ? "restored from " + run.snapshotId()
                    : run.mergeStarted() ? "not done" : "not needed: nothing was merged");
        }
        return m;
    }
}
