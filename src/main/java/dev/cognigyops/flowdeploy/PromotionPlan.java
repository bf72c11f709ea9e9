package dev.cognigyops.flowdeploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;

/**
 * What a flow-deploy on profile cognigy-v2 promotes (docs/contract.md §9): the flows selected from the source
 * project's listing, and the dependencies a selected flow needs that would not be in the target after the
 * merge (DEPENDENCY_MISSING). The references each flow's chart makes are {@link ChartReferences}'.
 */
public final class PromotionPlan {

    /** A flow as the source's listing shows it ({@code GET flows?projectId=}: {@code _id, referenceId, name}). */
    public record SourceFlow(String id, String referenceId, String name) {
    }

    private PromotionPlan() {
    }

    /** The listing's flows, in its order. */
    public static List<SourceFlow> flows(JsonNode items) {
        List<SourceFlow> flows = new ArrayList<>();
        for (JsonNode item : items) {
            if (item.path("_id").isTextual()) {
                flows.add(new SourceFlow(item.get("_id").asText(), item.path("referenceId").asText(null),
                        item.path("name").asText(null)));
            }
        }
        return flows;
    }

    /**
     * The flows to promote: every listed one, or those named by {@code flowIds} (in that order). An id that
     * is not among the source's flows fails NOT_FOUND naming every such id; a flow without a referenceId
     * cannot be found in the target after the merge, and fails UPSTREAM_ERROR.
     */
    public static List<SourceFlow> select(List<SourceFlow> listed, List<String> flowIds, String sourceProjectId) {
        Map<String, SourceFlow> byId = new LinkedHashMap<>();
        listed.forEach(f -> byId.putIfAbsent(f.id(), f));
        List<SourceFlow> selected;
        if (flowIds == null) {
            selected = List.copyOf(byId.values());
        } else {
            List<String> unknown = flowIds.stream().filter(id -> !byId.containsKey(id)).toList();
            if (!unknown.isEmpty()) {
                throw new RunFailure(ErrorCode.NOT_FOUND, "flowIds not among the " + byId.size() + " flows of source project "
                        + sourceProjectId + ": " + String.join(", ", unknown) + "; nothing was changed");
            }
            selected = flowIds.stream().map(byId::get).toList();
        }
        if (selected.isEmpty()) {
            throw new RunFailure(ErrorCode.PRECONDITION_FAILED, "source project " + sourceProjectId
                    + " has no flows; nothing to deploy");
        }
        List<String> noReference = selected.stream().filter(f -> f.referenceId() == null || f.referenceId().isBlank())
                .map(SourceFlow::id).toList();
        if (!noReference.isEmpty()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "flows of source project " + sourceProjectId
                    + " listed without a referenceId: " + String.join(", ", noReference) + "; nothing was changed");
        }
        return selected;
    }

    /**
     * Every dependency that would be missing: a flow a selected flow executes or jumps to that is neither
     * selected nor in the target (by referenceId), as {@code flow <name> (<_id>) executes or jumps to
     * <referenceId> (<its name in the source>, not selected), which is not in target project <id>}; sorted.
     */
    public static List<String> missing(Collection<FlowPromotionRun.PromotedFlow> selected, Set<String> targetReferenceIds,
                                       List<SourceFlow> sourceFlows, String targetProjectId) {
        Set<String> promoted = new TreeSet<>();
        selected.forEach(f -> promoted.add(f.referenceId()));
        Map<String, SourceFlow> sourceByReference = new LinkedHashMap<>();
        sourceFlows.forEach(f -> sourceByReference.putIfAbsent(f.referenceId(), f));
        Set<String> missing = new TreeSet<>();
        for (FlowPromotionRun.PromotedFlow flow : selected) {
            for (String reference : flow.references()) {
                if (promoted.contains(reference) || targetReferenceIds.contains(reference)) {
                    continue;
                }
                SourceFlow inSource = sourceByReference.get(reference);
                missing.add("flow " + flow.name() + " (" + flow.id() + ") executes or jumps to " + reference
                        + (inSource == null ? " (not a flow of the source project)" : " (" + inSource.name() + ", "
                        + inSource.id() + ", not selected)") + ", which is not in target project " + targetProjectId);
            }
        }
        return List.copyOf(missing);
    }
}
