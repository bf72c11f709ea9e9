package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.Violations;

/**
 * nlp-retrain's payload on profile cognigy-v2 (docs/contract.md §9): {@code {projectId, flowId, localeId,
 * mode = "full", gate: {minFScore = 0.8, maxPoorIntents = 0}, mlflowExperiment?}}. Every field that only
 * means something on the seeds API (a model retrained by modelId with its data slices and compute, a
 * rollback version, a baseline version; a gate on precision, recall and bias) is REJECTED by name, not ignored.
 *
 * @param mode             {@code full} or {@code quick}, as Cognigy's intent trainer takes it
 * @param mlflowExperiment the MLflow experiment, or null for the setting mlflow.experiment
 */
public record RetrainV2Request(String projectId, String flowId, String localeId, String mode, Gate gate,
                               String mlflowExperiment) {

    /**
     * The gate the flow's NLU feedback report must pass.
     *
     * @param minFScore      the report's info.fScore must be at least this
     * @param maxPoorIntents at most this many intents may have poor accuracy among the findings
     */
    public record Gate(double minFScore, long maxPoorIntents) {
        public static final Gate DEFAULT = new Gate(0.8, 0);
    }

    public static final String DEFAULT_MODE = "full";
    static final Set<String> MODES = Set.of("full", "quick");
    static final Set<String> FIELDS = Set.of("projectId", "flowId", "localeId", "mode", "gate", "mlflowExperiment");
    static final Set<String> GATE_FIELDS = Set.of("minFScore", "maxPoorIntents");
    /** Seeds-only fields, each with why it means nothing here. */
    static final Map<String, String> SEEDS_ONLY = seedsOnly();
    static final Map<String, String> SEEDS_ONLY_GATE = Map.of(
            "tolerance", "the real API's feedback report gives an F-score, not precision and recall: use gate.minFScore",
            "maxBiasScore", "the real API reports no bias score");
    /** Safe as one path segment and inside an MLflow search filter (no quotes). */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String ID_HINT = "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private static Map<String, String> seedsOnly() {
        String model = "a seeds NLP model; on a real tenant a flow's intents are trained (projectId, flowId, localeId)";
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("modelId", model);
        fields.put("trainingDataSliceMatrix", "the real API trains a flow's intents as they are; it takes no data slices");
        fields.put("convergenceThreshold", "the real API's intent training takes only localeId and mode");
        fields.put("computeConstraints", "the real API's intent training takes no compute limits (it runs at most 10 minutes)");
        fields.put("maxDatasetSize", "the real API's intent training takes only localeId and mode");
        fields.put("rollbackTriggerVersionId", "the real API has no model rollback: a failed gate fails the run and changes nothing");
        fields.put("baselineVersionId", "the real API has no model versions: fScoreDelta compares with the previous "
                + "MLflow run of the same flow");
        return Map.copyOf(fields);
    }

    /** Names every rule the payload breaks. */
    public static void validate(JsonNode payload, Violations v) {
        if (payload == null || !payload.isObject()) {
            v.add("payload", "must be a JSON object");
            return;
        }
        named(payload, "payload.", SEEDS_ONLY, v);
        v.rejectUnknownFields(RetrainPayloadRules.without(payload, SEEDS_ONLY.keySet()), "payload.", FIELDS);
        v.requireText(payload, "projectId", "payload.projectId", ID, ID_HINT);
        v.requireText(payload, "flowId", "payload.flowId", ID, ID_HINT);
        v.requireText(payload, "localeId", "payload.localeId", ID, ID_HINT);
        String mode = v.optionalText(payload, "mode", "payload.mode", null, null);
        if (mode != null && !MODES.contains(mode)) {
            v.add("payload.mode", "must be full or quick");
        }
        JsonNode experiment = payload.get("mlflowExperiment");
        if (experiment != null && !experiment.isNull()) {
            if (!experiment.isTextual()) {
                v.add("payload.mlflowExperiment", "must be a string");
            } else if (experiment.asText().isEmpty() || experiment.asText().length() > 250) {
                v.add("payload.mlflowExperiment", "must be 1–250 characters");
            }
        }
        JsonNode gate = payload.get("gate");
        if (gate == null || gate.isNull()) {
            return;
        }
        if (!gate.isObject()) {
            v.add("payload.gate", "must be a JSON object");
            return;
        }
        named(gate, "payload.gate.", SEEDS_ONLY_GATE, v);
        v.rejectUnknownFields(RetrainPayloadRules.without(gate, SEEDS_ONLY_GATE.keySet()), "payload.gate.", GATE_FIELDS);
        JsonNode min = gate.get("minFScore");
        if (min != null && !min.isNull()) {
            if (!min.isNumber()) {
                v.add("payload.gate.minFScore", "must be a number");
            } else if (min.decimalValue().compareTo(BigDecimal.ZERO) < 0 || min.decimalValue().compareTo(BigDecimal.ONE) > 0) {
                v.add("payload.gate.minFScore", "must be between 0 and 1");
            }
        }
        JsonNode poor = gate.get("maxPoorIntents");
        if (poor != null && !poor.isNull()) {
            if (!poor.isNumber() || poor.decimalValue().stripTrailingZeros().scale() > 0) {
                v.add("payload.gate.maxPoorIntents", "must be a whole number");
            } else if (poor.decimalValue().signum() < 0 || poor.decimalValue().compareTo(BigDecimal.valueOf(100_000)) > 0) {
                v.add("payload.gate.maxPoorIntents", "must be between 0 and 100000");
            }
        }
    }

    /** The request of a payload that passed {@link #validate}, with its defaults. */
    public static RetrainV2Request from(JsonNode payload) {
        JsonNode gate = payload.path("gate");
        return new RetrainV2Request(payload.get("projectId").asText(), payload.get("flowId").asText(),
                payload.get("localeId").asText(), payload.hasNonNull("mode") ? payload.get("mode").asText() : DEFAULT_MODE,
                new Gate(gate.hasNonNull("minFScore") ? gate.get("minFScore").doubleValue() : Gate.DEFAULT.minFScore(),
                        gate.hasNonNull("maxPoorIntents") ? gate.get("maxPoorIntents").asLong() : Gate.DEFAULT.maxPoorIntents()),
                payload.hasNonNull("mlflowExperiment") ? payload.get("mlflowExperiment").asText() : null);
    }

    private static void named(JsonNode object, String prefix, Map<String, String> fields, Violations v) {
        object.fieldNames().forEachRemaining(name -> {
            if (fields.containsKey(name)) {
                v.add(prefix + name, "is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): " + fields.get(name));
            }
        });
    }
}
