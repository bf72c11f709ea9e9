package dev.cognigyops.botdeploy;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What bot-deploy on profile cognigy-v2 checks in listings before it switches an endpoint (docs/contract.md §9):
 * the snapshot must be among the project's ({@code GET snapshots?projectId=}, items {@code {_id, name, ...}}),
 * and the flow the endpoint will serve among the snapshot's flows ({@code GET snapshots/{id}/resources?resourceType=flow},
 * items {@code {_id, referenceId}}); an endpoint names its flow by the flow's referenceId.
 */
public final class SnapshotContents {

    private SnapshotContents() {
    }

    /** Whether the listing of a project's snapshots holds the snapshot {@code snapshotId}. */
    public static boolean listsSnapshot(JsonNode snapshots, String snapshotId) {
        return ids(snapshots, "_id").contains(snapshotId);
    }

    /** The referenceIds of the flows a snapshot holds, in the listing's order. */
    public static List<String> flowReferenceIds(JsonNode flows) {
        return ids(flows, "referenceId");
    }

    /** Whether the snapshot's flows hold the flow whose referenceId is {@code flowReferenceId}. */
    public static boolean holdsFlow(JsonNode flows, String flowReferenceId) {
        return flowReferenceId != null && flowReferenceIds(flows).contains(flowReferenceId);
    }

    private static List<String> ids(JsonNode items, String field) {
        List<String> ids = new ArrayList<>();
        if (items != null && items.isArray()) {
            for (JsonNode item : items) {
                JsonNode id = item.get(field);
                if (id != null && id.isTextual()) {
                    ids.add(id.asText());
                }
            }
        }
        return ids;
    }
}
