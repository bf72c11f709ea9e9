package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.Json;

/**
 * A flow's NLU feedback report, as {@code GET flows?projectId=&includeFeedbackReport=true} gives it on each
 * flow ({@code feedbackReport: {findings, info: {fScore}}}, confirmed by the API's client) — and the one
 * place that interprets what is NOT confirmed: the shape of a finding. Inferred (cognigy-v2-api.md, the
 * README's "What was not verified on a real tenant"):
 * <ul>
 *   <li>a finding is an object whose {@code type} (or {@code kind}, {@code category}) names what it is; one
 *       about an intent with poor accuracy has a type that says so ({@code poorIntentAccuracy}, any type
 *       with "poor" and "intent" or "accuracy" in it, or "low" and "accuracy");</li>
 *   <li>its intent is {@code intentName} (else {@code intent} as text or {@code intent.name}, else
 *       {@code name}), with {@code intentId} (or {@code intent._id}) and {@code accuracy} (or {@code score});</li>
 *   <li>{@code findings} may also be an object of lists, each list's name then being its findings' type;</li>
 *   <li>{@code info.fScore} is a fraction (0–1); a value above 1 (up to 100) is read as a percentage.</li>
 * </ul>
 *
 * @param fScore      the report's F-score, 0–1
 * @param findings    the findings as Cognigy sent them
 * @param poorIntents the intents with poor accuracy among them
 */
public record FeedbackReport(String flowId, String flowName, double fScore, JsonNode findings, List<PoorIntent> poorIntents) {

    /** An intent with poor accuracy, as a finding names it (any part may be missing). */
    public record PoorIntent(String intentId, String intentName, Double accuracy) {
        /** How it is named in messages: its name, else its id. */
        public String label() {
            return intentName != null ? intentName : intentId != null ? intentId : "an unnamed intent";
        }
    }

    /**
     * The report of flow {@code flowId} (its {@code _id}, else its {@code referenceId}) among the listed flows.
     * A flow not listed is NOT_FOUND; a flow without a report, or a report without an F-score, UPSTREAM_ERROR.
     */
    public static FeedbackReport ofFlow(JsonNode flows, String flowId, String projectId) {
        JsonNode flow = null;
        for (JsonNode item : flows) {
            if (flowId.equals(Json.text(item, "_id")) || (flow == null && flowId.equals(Json.text(item, "referenceId")))) {
                flow = item;
                if (flowId.equals(Json.text(item, "_id"))) {
                    break;
                }
            }
        }
        if (flow == null) {
            throw new RunFailure(ErrorCode.NOT_FOUND, "flow " + flowId + " is not among the " + flows.size()
                    + " flows of project " + projectId);
        }
        String name = Json.text(flow, "name");
        String flowLabel = "flow " + flowId + (name == null ? "" : " (" + name + ")");
        JsonNode report = flow.get("feedbackReport");
        if (report == null || !report.isObject()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, flowLabel + " has no feedbackReport after its intent training");
        }
        JsonNode score = report.path("info").get("fScore");
        if (score == null || !score.isNumber()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, flowLabel + ": its feedbackReport has no numeric info.fScore"
                    + (score == null ? "" : " (was " + score + ")"));
        }
        JsonNode findings = report.get("findings");
        if (findings == null || findings.isNull()) {
            findings = Json.MAPPER.createArrayNode();
        }
        return new FeedbackReport(Json.text(flow, "_id"), name, fraction(score.decimalValue()), findings.deepCopy(),
                poorIntents(findings));
    }

    /** 0–1 as sent; above 1 (and at most 100) a percentage. */
    static double fraction(BigDecimal score) {
        if (score.compareTo(BigDecimal.ONE) > 0 && score.compareTo(BigDecimal.valueOf(100)) <= 0) {
            return score.movePointLeft(2).doubleValue();
        }
        return score.doubleValue();
    }

    /** The intents with poor accuracy among the findings (a list, or an object of lists). */
    static List<PoorIntent> poorIntents(JsonNode findings) {
        List<PoorIntent> poor = new ArrayList<>();
        if (findings.isArray()) {
            findings.forEach(f -> poorIntent(f, null).ifPresent(poor::add));
        } else if (findings.isObject()) {
            findings.fields().forEachRemaining(group -> {
                if (group.getValue().isArray()) {
                    group.getValue().forEach(f -> poorIntent(f, group.getKey()).ifPresent(poor::add));
                }
            });
        }
        return List.copyOf(poor);
    }

    /** The finding as a poor intent, when it is one; {@code groupType} is the type of a finding listed under a name. */
    static java.util.Optional<PoorIntent> poorIntent(JsonNode finding, String groupType) {
        if (finding == null || !finding.isObject()) {
            return java.util.Optional.empty();
        }
        String type = first(finding, "type", "kind", "category");
        if (!isPoorAccuracy(type != null ? type : groupType)) {
            return java.util.Optional.empty();
        }
        JsonNode intent = finding.get("intent");
        String name = Json.text(finding, "intentName");
        if (name == null && intent != null) {
            name = intent.isTextual() ? intent.asText() : Json.text(intent, "name");
        }
        if (name == null) {
            name = Json.text(finding, "name");
        }
        String id = Json.text(finding, "intentId");
        if (id == null && intent != null && intent.isObject()) {
            id = Json.text(intent, "_id");
        }
        JsonNode accuracy = finding.has("accuracy") ? finding.get("accuracy") : finding.get("score");
        return java.util.Optional.of(new PoorIntent(id, name, accuracy != null && accuracy.isNumber() ? accuracy.doubleValue() : null));
    }

    /** A type that says "poor" with "intent" or "accuracy", or "low" with "accuracy", in any case and spelling of words. */
    static boolean isPoorAccuracy(String type) {
        if (type == null) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT);
        return t.contains("poor") && (t.contains("intent") || t.contains("accuracy")) || t.contains("low") && t.contains("accuracy");
    }

    /** The poor intents as the output shows them. */
    public ArrayNode poorIntentsJson() {
        return Json.MAPPER.valueToTree(poorIntents);
    }

    private static String first(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = Json.text(node, field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
