package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;

import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.CanonicalJson;

/**
 * Every rule of nlp-retrain's payload: the JSON types, checked here while the payload is read into
 * a {@link RetrainPayload}; the field rules, its Bean Validation constraints; and seed 004's
 * cross-field rule {@code timeoutSeconds ≥ maxDatasetSize / 1000 × 10}. Each violation is added
 * as {@code payload.<path>: <what is wrong>}, all of them, so one rejection names everything.
 */
public final class RetrainPayloadRules {

    static final Set<String> FIELDS = Set.of("modelId", "trainingDataSliceMatrix", "convergenceThreshold",
            "computeConstraints", "maxDatasetSize", "rollbackTriggerVersionId", "baselineVersionId", "gate",
            "mlflowExperiment");
    static final Set<String> COMPUTE_FIELDS = Set.of("maxGpuMemory", "maxCpuCores", "timeoutSeconds");
    static final Set<String> GATE_FIELDS = Set.of("tolerance", "maxBiasScore");
    /** Fields only profile cognigy-v2 takes (RetrainV2Request): named when sent to a seeds instance. */
    static final Set<String> COGNIGY_V2_ONLY = Set.of("projectId", "flowId", "localeId", "mode");
    static final Set<String> COGNIGY_V2_ONLY_GATE = Set.of("minFScore", "maxPoorIntents");

    private RetrainPayloadRules() {
    }

    /** Built on first use, so the application starts without paying for it. */
    private static final class Validators {
        static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class).configure()
                .ignoreXmlConfiguration()
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory().getValidator();
    }

    /** Checks the payload; returns it read, or null when it breaks a rule (each one added to {@code v}). */
    public static RetrainPayload check(JsonNode json, Violations v) {
        if (json == null || !json.isObject()) {
            v.add("payload", "must be a JSON object");
            return null;
        }
        int before = v.list().size();
        Reader r = new Reader(v);
        cognigyV2Only(json, "payload.", COGNIGY_V2_ONLY, v);
        v.rejectUnknownFields(without(json, COGNIGY_V2_ONLY), "payload.", FIELDS);
        RetrainPayload p = new RetrainPayload();
        p.modelId = r.text(json, "modelId", "payload.modelId");
        JsonNode matrix = r.object(json, "trainingDataSliceMatrix", "payload.trainingDataSliceMatrix");
        if (matrix != null) {
            p.trainingDataSliceMatrix = new LinkedHashMap<>();
            matrix.fields().forEachRemaining(e -> p.trainingDataSliceMatrix.put(e.getKey(),
                    r.whole(matrix, e.getKey(), "payload.trainingDataSliceMatrix." + e.getKey())));
        }
        p.convergenceThreshold = r.number(json, "convergenceThreshold", "payload.convergenceThreshold");
        JsonNode compute = r.object(json, "computeConstraints", "payload.computeConstraints");
        if (compute != null) {
            v.rejectUnknownFields(compute, "payload.computeConstraints.", COMPUTE_FIELDS);
            var c = new RetrainPayload.ComputeConstraints();
            c.maxGpuMemory = r.whole(compute, "maxGpuMemory", "payload.computeConstraints.maxGpuMemory");
            c.maxCpuCores = r.whole(compute, "maxCpuCores", "payload.computeConstraints.maxCpuCores");
            c.timeoutSeconds = r.whole(compute, "timeoutSeconds", "payload.computeConstraints.timeoutSeconds");
            p.computeConstraints = c;
        }
        p.maxDatasetSize = r.whole(json, "maxDatasetSize", "payload.maxDatasetSize");
        p.rollbackTriggerVersionId = r.text(json, "rollbackTriggerVersionId", "payload.rollbackTriggerVersionId");
        p.baselineVersionId = r.text(json, "baselineVersionId", "payload.baselineVersionId");
        JsonNode gate = r.object(json, "gate", "payload.gate");
        if (gate != null) {
            cognigyV2Only(gate, "payload.gate.", COGNIGY_V2_ONLY_GATE, v);
            v.rejectUnknownFields(without(gate, COGNIGY_V2_ONLY_GATE), "payload.gate.", GATE_FIELDS);
            Double tolerance = r.number(gate, "tolerance", "payload.gate.tolerance");
            Double maxBias = r.number(gate, "maxBiasScore", "payload.gate.maxBiasScore");
            if (tolerance != null) {
                p.gate.tolerance = tolerance;
            }
            if (maxBias != null) {
                p.gate.maxBiasScore = maxBias;
            }
        }
        p.mlflowExperiment = r.text(json, "mlflowExperiment", "payload.mlflowExperiment");

        Set<String> broken = new HashSet<>(r.typeErrors);
        Validators.VALIDATOR.validate(p).stream()
                .map(cv -> new String[] {"payload." + path(cv.getPropertyPath()), cv.getMessage()})
                .filter(found -> !r.typeErrors.contains(found[0]))
                .sorted(Comparator.<String[], String>comparing(found -> found[0]).thenComparing(found -> found[1]))
                .forEach(found -> {
                    v.add(found[0], found[1]);
                    broken.add(found[0]);
                });

        String timeoutPath = "payload.computeConstraints.timeoutSeconds";
        if (p.computeConstraints != null && p.computeConstraints.timeoutSeconds != null && p.maxDatasetSize != null
                && !broken.contains(timeoutPath) && !broken.contains("payload.maxDatasetSize")) {
            long least = minimumTimeoutSeconds(p.maxDatasetSize);
            if (p.computeConstraints.timeoutSeconds < least) {
                v.add(timeoutPath, "must be at least " + least + " for maxDatasetSize " + p.maxDatasetSize
                        + " (maxDatasetSize / 1000 × 10 seconds)");
            }
        }
        if (v.list().size() == before) {
            // payloadHash is taken of its RFC 8785 form: refuse here what has none, not after the checks
            try {
                CanonicalJson.canonical(json);
            } catch (IllegalArgumentException e) {
                v.add("payload", "cannot be hashed: " + e.getMessage());
            }
        }
        return v.list().size() == before ? p : null;
    }

    private static void cognigyV2Only(JsonNode object, String prefix, Set<String> fields, Violations v) {
        object.fieldNames().forEachRemaining(name -> {
            if (fields.contains(name)) {
                v.add(prefix + name, "is a field of profile cognigy-v2 (intent training of a Cognigy flow); this instance "
                        + "runs profile seeds (cognigy.api.profile), where a model is retrained by modelId");
            }
        });
    }

    /** The object without the fields already named otherwise (so each is named once). */
    static JsonNode without(JsonNode object, Set<String> fields) {
        var copy = ((com.fasterxml.jackson.databind.node.ObjectNode) object).deepCopy();
        copy.remove(fields);
        return copy;
    }

    /** Seed 004's rule: a job needs at least 10 s per 1000 samples, rounded up to a whole second. */
    static long minimumTimeoutSeconds(long maxDatasetSize) {
        return (maxDatasetSize + 99) / 100;
    }

    /** {@code computeConstraints.maxCpuCores}, and a map entry by its key: {@code trainingDataSliceMatrix.greeting}. */
    static String path(Path path) {
        StringBuilder out = new StringBuilder();
        for (Path.Node node : path) {
            String part;
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                part = node.getKey() == null ? null : node.getKey().toString();
            } else {
                part = node.getName();
            }
            if (part == null) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(part);
        }
        return out.toString();
    }

    /** Reads JSON values by type, naming each one of the wrong type and remembering its path. */
    private static final class Reader {
        final Violations v;
        final Set<String> typeErrors = new HashSet<>();

        Reader(Violations v) {
            this.v = v;
        }

        String text(JsonNode obj, String field, String path) {
            JsonNode value = obj.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isTextual()) {
                return wrong(path, "must be a string");
            }
            return value.asText();
        }

        Double number(JsonNode obj, String field, String path) {
            JsonNode value = obj.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isNumber()) {
                return wrong(path, "must be a number");
            }
            return value.doubleValue();
        }

        /** A whole number; one too large for a long is kept as the largest, so its range rule names it. */
        Long whole(JsonNode obj, String field, String path) {
            JsonNode value = obj.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isNumber()) {
                return wrong(path, "must be a whole number");
            }
            BigDecimal exact = value.decimalValue();
            if (exact.stripTrailingZeros().scale() > 0) {
                return wrong(path, "must be a whole number");
            }
            if (exact.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                return Long.MAX_VALUE;
            }
            if (exact.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
                return Long.MIN_VALUE;
            }
            return exact.longValueExact();
        }

        JsonNode object(JsonNode obj, String field, String path) {
            JsonNode value = obj.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isObject()) {
                return wrong(path, "must be a JSON object");
            }
            return value;
        }

        private <T> T wrong(String path, String problem) {
            v.add(path, problem);
            typeErrors.add(path);
            return null;
        }
    }
}
