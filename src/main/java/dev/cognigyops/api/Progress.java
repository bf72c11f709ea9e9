package dev.cognigyops.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * How far a run has got, where its operation knows it (docs/contract.md §8, {@code GET /api/runs/{runId}}):
 * <ul>
 *   <li>training-monitor: {@code {state, percent, reads}} from its last STATUS_CHECK audit event (the job's
 *       state and progress_percent) and how many status reads it audited;</li>
 *   <li>flow-deploy: {@code {flowsDone, flowsTotal}} from its saved state once it knows the flows it
 *       deploys (the selected flows; done: those pushed and verified);</li>
 *   <li>otherwise, or before the first status read or listing: null.</li>
 * </ul>
 */
public final class Progress {

    private Progress() {
    }

    /**
     * @param operation       the run's operation
     * @param state           the run's saved state (its operation's state record as JSON), or null
     * @param lastStatusCheck the run's last STATUS_CHECK audit event, or null
     * @param reads           how many STATUS_CHECK events the run has
     */
    public static ObjectNode of(String operation, JsonNode state, JsonNode lastStatusCheck, long reads) {
        if ("training-monitor".equals(operation)) {
            if (lastStatusCheck == null) {
                return null;
            }
            JsonNode details = lastStatusCheck.path("details");
            ObjectNode progress = Json.object();
            progress.set("state", details.hasNonNull("state") ? details.get("state") : null);
            progress.set("percent", details.hasNonNull("progress_percent") ? details.get("progress_percent") : null);
            progress.put("reads", reads);
            return progress;
        }
        if ("flow-deploy".equals(operation) && state != null) {
            JsonNode flows = state.get("flows");
            if (flows == null || !flows.isObject()) {
                return null;
            }
            long done = 0;
            JsonNode pushes = state.path("pushes");
            for (JsonNode push : (Iterable<JsonNode>) pushes::elements) {
                if ("VERIFIED".equals(push.asText())) {
                    done++;
                }
            }
            ObjectNode progress = Json.object();
            progress.put("flowsDone", done);
            progress.put("flowsTotal", flows.size());
            return progress;
        }
        return null;
    }
}
