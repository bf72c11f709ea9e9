package dev.cognigyops.nlpretrain;

import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** nlp-retrain's payload rules (seed 004's schema, docs/contract.md#operations), one rule at a time, then several at once. */
class RetrainPayloadRulesTest {

    static final String VALID = """
            {"modelId":"a1b2c3d4-e5f6-7890-abcd-ef1234567890",
             "trainingDataSliceMatrix":{"greeting":150,"booking":300,"cancel":100},
             "convergenceThreshold":0.01,
             "computeConstraints":{"maxGpuMemory":16384,"maxCpuCores":8,"timeoutSeconds":3600},
             "maxDatasetSize":5000,
             "rollbackTriggerVersionId":"b2c3d4e5-f6a7-8901-bcde-f12345678901"}""";

    static List<String> violations(JsonNode payload) {
        Violations v = new Violations();
        RetrainPayload read = RetrainPayloadRules.check(payload, v);
        assertThat(read == null).as("a payload is returned exactly when it has no violation").isEqualTo(!v.isEmpty());
        return v.list();
    }

    /** The valid payload with the field at {@code path} (dotted) set to {@code value} (JSON), or removed when null. */
    static ObjectNode payload(String path, String value) {
        try {
            ObjectNode p = (ObjectNode) Json.parse(VALID);
            if (path == null) {
                return p;
            }
            String[] parts = path.split("\\.");
            ObjectNode parent = p;
            for (int i = 0; i < parts.length - 1; i++) {
                if (!(parent.get(parts[i]) instanceof ObjectNode)) {
                    parent.putObject(parts[i]);
                }
                parent = (ObjectNode) parent.get(parts[i]);
            }
            String last = parts[parts.length - 1];
            if (value == null) {
                parent.remove(last);
            } else {
                parent.set(last, Json.parse(value));
            }
            return p;
        } catch (Exception e) {
            throw new IllegalArgumentException(value, e);
        }
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("seed 004's example", null, null),
                arguments("upper-case UUID", "modelId", "\"A1B2C3D4-E5F6-7890-ABCD-EF1234567890\""),
                arguments("convergenceThreshold at its minimum", "convergenceThreshold", "0.001"),
                arguments("convergenceThreshold at its maximum", "convergenceThreshold", "0.99"),
                arguments("maxCpuCores 1", "computeConstraints.maxCpuCores", "1"),
                arguments("maxCpuCores 32", "computeConstraints.maxCpuCores", "32"),
                arguments("maxCpuCores written 8.0", "computeConstraints.maxCpuCores", "8.0"),
                arguments("timeoutSeconds 300", "computeConstraints.timeoutSeconds", "300"),
                arguments("timeoutSeconds 7200", "computeConstraints.timeoutSeconds", "7200"),
                arguments("maxGpuMemory 1", "computeConstraints.maxGpuMemory", "1"),
                arguments("maxDatasetSize 100", "maxDatasetSize", "100"),
                arguments("timeout exactly maxDatasetSize / 100", "maxDatasetSize", "360000"),
                arguments("no rollbackTriggerVersionId", "rollbackTriggerVersionId", null),
                arguments("rollbackTriggerVersionId null", "rollbackTriggerVersionId", "null"),
                arguments("baselineVersionId", "baselineVersionId", "\"v2.4.0\""),
                arguments("baselineVersionId a UUID", "baselineVersionId", "\"c3d4e5f6-a7b8-9012-cdef-123456789012\""),
                arguments("gate given", "gate", "{\"tolerance\":0.1,\"maxBiasScore\":0.2}"),
                arguments("gate tolerance 0", "gate", "{\"tolerance\":0}"),
                arguments("gate empty (defaults)", "gate", "{}"),
                arguments("mlflowExperiment", "mlflowExperiment", "\"nlp retraining / tenant A\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void accepts(String name, String path, String value) {
        assertThat(violations(payload(path, value))).isEmpty();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("modelId missing", "modelId", null, "payload.modelId: is required"),
                arguments("modelId not a UUID", "modelId", "\"intent-classifier\"", "payload.modelId: must be a UUID"),
                arguments("modelId a UUID without dashes", "modelId", "\"a1b2c3d4e5f67890abcdef1234567890\"", "payload.modelId: must be a UUID"),
                arguments("modelId a number", "modelId", "42", "payload.modelId: must be a string"),
                arguments("matrix missing", "trainingDataSliceMatrix", null, "payload.trainingDataSliceMatrix: is required"),
                arguments("matrix empty", "trainingDataSliceMatrix", "{}", "payload.trainingDataSliceMatrix: must name at least one intent"),
                arguments("matrix an array", "trainingDataSliceMatrix", "[1,2]", "payload.trainingDataSliceMatrix: must be a JSON object"),
                arguments("matrix count 0", "trainingDataSliceMatrix.greeting", "0", "payload.trainingDataSliceMatrix.greeting: must be a positive whole number"),
                arguments("matrix count negative", "trainingDataSliceMatrix.booking", "-3", "payload.trainingDataSliceMatrix.booking: must be a positive whole number"),
                arguments("matrix count fractional", "trainingDataSliceMatrix.greeting", "1.5", "payload.trainingDataSliceMatrix.greeting: must be a whole number"),
                arguments("matrix count text", "trainingDataSliceMatrix.greeting", "\"150\"", "payload.trainingDataSliceMatrix.greeting: must be a whole number"),
                arguments("matrix intent blank", "trainingDataSliceMatrix. ", "5", "payload.trainingDataSliceMatrix. : intent names must not be blank"),
                arguments("convergenceThreshold missing", "convergenceThreshold", null, "payload.convergenceThreshold: is required"),
                arguments("convergenceThreshold too small", "convergenceThreshold", "0.0009", "payload.convergenceThreshold: must be at least 0.001"),
                arguments("convergenceThreshold too large", "convergenceThreshold", "0.991", "payload.convergenceThreshold: must be at most 0.99"),
                arguments("convergenceThreshold text", "convergenceThreshold", "\"0.01\"", "payload.convergenceThreshold: must be a number"),
                arguments("computeConstraints missing", "computeConstraints", null, "payload.computeConstraints: is required"),
                arguments("computeConstraints a number", "computeConstraints", "8", "payload.computeConstraints: must be a JSON object"),
                arguments("maxGpuMemory 0", "computeConstraints.maxGpuMemory", "0", "payload.computeConstraints.maxGpuMemory: must be greater than 0"),
                arguments("maxGpuMemory missing", "computeConstraints.maxGpuMemory", null, "payload.computeConstraints.maxGpuMemory: is required"),
                arguments("maxGpuMemory fractional", "computeConstraints.maxGpuMemory", "0.5", "payload.computeConstraints.maxGpuMemory: must be a whole number"),
                arguments("maxCpuCores 0", "computeConstraints.maxCpuCores", "0", "payload.computeConstraints.maxCpuCores: must be at least 1"),
                arguments("maxCpuCores 33", "computeConstraints.maxCpuCores", "33", "payload.computeConstraints.maxCpuCores: must be at most 32"),
                arguments("maxCpuCores huge", "computeConstraints.maxCpuCores", "1e30", "payload.computeConstraints.maxCpuCores: must be at most 32"),
                arguments("maxCpuCores missing", "computeConstraints.maxCpuCores", null, "payload.computeConstraints.maxCpuCores: is required"),
                arguments("timeoutSeconds 299", "computeConstraints.timeoutSeconds", "299", "payload.computeConstraints.timeoutSeconds: must be at least 300"),
                arguments("timeoutSeconds 7201", "computeConstraints.timeoutSeconds", "7201", "payload.computeConstraints.timeoutSeconds: must be at most 7200"),
                arguments("timeoutSeconds missing", "computeConstraints.timeoutSeconds", null, "payload.computeConstraints.timeoutSeconds: is required"),
                arguments("computeConstraints unknown field", "computeConstraints.gpus", "2", "payload.computeConstraints.gpus: is not a known field"),
                arguments("maxDatasetSize 99", "maxDatasetSize", "99", "payload.maxDatasetSize: must be at least 100"),
                arguments("maxDatasetSize 500001", "maxDatasetSize", "500001", "payload.maxDatasetSize: must be at most 500000"),
                arguments("maxDatasetSize missing", "maxDatasetSize", null, "payload.maxDatasetSize: is required"),
                arguments("maxDatasetSize fractional", "maxDatasetSize", "5000.5", "payload.maxDatasetSize: must be a whole number"),
                arguments("timeout below maxDatasetSize / 1000 × 10", "maxDatasetSize", "360001",
                        "payload.computeConstraints.timeoutSeconds: must be at least 3601 for maxDatasetSize 360001 (maxDatasetSize / 1000 × 10 seconds)"),
                arguments("rollbackTriggerVersionId not a UUID", "rollbackTriggerVersionId", "\"v2.4.0\"", "payload.rollbackTriggerVersionId: must be a UUID"),
                arguments("rollbackTriggerVersionId a number", "rollbackTriggerVersionId", "7", "payload.rollbackTriggerVersionId: must be a string"),
                arguments("baselineVersionId with a slash", "baselineVersionId", "\"v2/../x\"", "payload.baselineVersionId: must be 1–128 letters"),
                arguments("baselineVersionId blank", "baselineVersionId", "\"\"", "payload.baselineVersionId: must be 1–128 letters"),
                arguments("gate not an object", "gate", "0.05", "payload.gate: must be a JSON object"),
                arguments("gate tolerance negative", "gate.tolerance", "-0.01", "payload.gate.tolerance: must be at least 0"),
                arguments("gate tolerance 1", "gate.tolerance", "1", "payload.gate.tolerance: must be less than 1"),
                arguments("gate tolerance text", "gate.tolerance", "\"5%\"", "payload.gate.tolerance: must be a number"),
                arguments("gate maxBiasScore above 1", "gate.maxBiasScore", "1.5", "payload.gate.maxBiasScore: must be at most 1"),
                arguments("gate unknown field", "gate.minF1", "0.9", "payload.gate.minF1: is not a known field"),
                arguments("mlflowExperiment blank", "mlflowExperiment", "\" \"", "payload.mlflowExperiment: must not be blank"),
                arguments("mlflowExperiment too long", "mlflowExperiment", "\"" + "e".repeat(251) + "\"", "payload.mlflowExperiment: must be 1–250 characters"),
                arguments("unknown field", "priority", "1", "payload.priority: is not a known field"),
                // payloadHash is the SHA-256 of the RFC 8785 form, which a lone surrogate does not have
                arguments("mlflowExperiment with a lone surrogate", "mlflowExperiment", "\"run \\ud800\"",
                        "payload: cannot be hashed: a string holds a lone surrogate U+D800"),
                arguments("intent name with a lone surrogate", "trainingDataSliceMatrix.\udc00x", "5",
                        "payload: cannot be hashed: a string holds a lone surrogate U+DC00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String path, String value, String expected) {
        List<String> found = violations(payload(path, value));

        assertThat(found).hasSize(1);
        assertThat(found.get(0)).startsWith(expected);
    }

    @Test
    void listsEveryViolationOfAPayloadBreakingSeveralRulesAtOnce() {
        ObjectNode p = Json.object();
        p.put("modelId", "not-a-uuid");
        p.putObject("trainingDataSliceMatrix").put("greeting", 0).put("booking", 10);
        p.put("convergenceThreshold", 1.5);
        p.putObject("computeConstraints").put("maxGpuMemory", -1).put("maxCpuCores", 64).put("timeoutSeconds", 100);
        p.put("maxDatasetSize", 10);
        p.put("rollbackTriggerVersionId", "previous");
        p.putObject("gate").put("tolerance", 2);
        p.put("color", "blue");

        assertThat(violations(p)).containsExactly(
                "payload.color: is not a known field (known: baselineVersionId, computeConstraints, convergenceThreshold, "
                        + "gate, maxDatasetSize, mlflowExperiment, modelId, rollbackTriggerVersionId, trainingDataSliceMatrix)",
                "payload.computeConstraints.maxCpuCores: must be at most 32",
                "payload.computeConstraints.maxGpuMemory: must be greater than 0",
                "payload.computeConstraints.timeoutSeconds: must be at least 300",
                "payload.convergenceThreshold: must be at most 0.99",
                "payload.gate.tolerance: must be less than 1",
                "payload.maxDatasetSize: must be at least 100",
                "payload.modelId: must be a UUID",
                "payload.rollbackTriggerVersionId: must be a UUID",
                "payload.trainingDataSliceMatrix.greeting: must be a positive whole number");
    }

    @Test
    void theCrossFieldRuleIsCheckedOnlyWhenBothFieldsAreValid() {
        // maxDatasetSize out of range: its own violation, not also the cross-field one
        assertThat(violations(payload("maxDatasetSize", "900000"))).containsExactly("payload.maxDatasetSize: must be at most 500000");
        ObjectNode p = payload("maxDatasetSize", "500000");
        ((ObjectNode) p.get("computeConstraints")).put("timeoutSeconds", 4999);
        assertThat(violations(p)).containsExactly("payload.computeConstraints.timeoutSeconds: must be at least 5000 "
                + "for maxDatasetSize 500000 (maxDatasetSize / 1000 × 10 seconds)");
        ((ObjectNode) p.get("computeConstraints")).put("timeoutSeconds", 5000);
        assertThat(violations(p)).isEmpty();
    }

    @Test
    void minimumTimeoutIsTenSecondsPerThousandSamplesRoundedUp() {
        assertThat(RetrainPayloadRules.minimumTimeoutSeconds(100)).isEqualTo(1);
        assertThat(RetrainPayloadRules.minimumTimeoutSeconds(30000)).isEqualTo(300);
        assertThat(RetrainPayloadRules.minimumTimeoutSeconds(30001)).isEqualTo(301);
        assertThat(RetrainPayloadRules.minimumTimeoutSeconds(500000)).isEqualTo(5000);
    }

    @Test
    void aMissingGateTakesTheDefaults() {
        Violations v = new Violations();
        RetrainPayload read = RetrainPayloadRules.check(payload(null, null), v);
        assertThat(read.gate().tolerance()).isEqualTo(0.05);
        assertThat(read.gate().maxBiasScore()).isEqualTo(0.15);
        RetrainPayload half = RetrainPayloadRules.check(payload("gate", "{\"maxBiasScore\":0.3}"), v);
        assertThat(half.gate().tolerance()).isEqualTo(0.05);
        assertThat(half.gate().maxBiasScore()).isEqualTo(0.3);
        assertThat(v.isEmpty()).isTrue();
    }

    @Test
    void aPayloadThatIsNotAnObjectIsOneViolation() {
        assertThat(violations(Json.MAPPER.getNodeFactory().arrayNode())).containsExactly("payload: must be a JSON object");
    }
}
