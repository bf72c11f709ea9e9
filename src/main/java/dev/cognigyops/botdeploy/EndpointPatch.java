package dev.cognigyops.botdeploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * What a Cognigy endpoint serves, and THE body of the {@code PATCH endpoints/{endpointId}} that switches it
 * (profile cognigy-v2, docs/contract.md §9). This class is the one place that knows the body's shape: the
 * field {@code entrypoint} is confirmed in Cognigy's own client, but the combination
 * {@code {entrypoint, flowId, localeId}} — and that the same PATCH with the previous values is a rollback —
 * is inferred (cognigy-v2-api.md marks it I; README, "What was not verified on a real tenant").
 * The body always names all three fields, a localeId the endpoint did not have as JSON null, so that a
 * rollback sets back exactly what was served.
 */
public final class EndpointPatch {

    private EndpointPatch() {
    }

    /**
     * What an endpoint serves: the snapshot (or project) it runs, the flow (its referenceId) and the locale.
     */
    public record Served(String entrypoint, String flowId, String localeId) {

        /** As the contract's output and the audit show it. */
        public ObjectNode shown() {
            ObjectNode node = Json.object();
            put(node, "entrypoint", entrypoint);
            put(node, "flowId", flowId);
            put(node, "localeId", localeId);
            return node;
        }

        @Override
        public String toString() {
            return "entrypoint " + entrypoint + ", flow " + flowId + ", locale " + localeId;
        }
    }

    /** What {@code GET endpoints/{endpointId}} says the endpoint serves (fields absent or not text are null). */
    public static Served served(JsonNode endpoint) {
        return new Served(text(endpoint, "entrypoint"), text(endpoint, "flowId"), text(endpoint, "localeId"));
    }

    /** The PATCH that makes the endpoint serve {@code target}: the switch, and with the previous values the rollback. */
    public static ObjectNode body(Served target) {
        return target.shown();
    }

    /** Whether the endpoint, as read, serves {@code expected}: entrypoint, flow and locale alike. */
    public static boolean shows(Served read, Served expected) {
        return read != null && read.equals(expected);
    }

    private static void put(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }
}
