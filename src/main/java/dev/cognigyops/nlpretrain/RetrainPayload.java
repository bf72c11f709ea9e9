package dev.cognigyops.nlpretrain;

import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * nlp-retrain's payload (seed 004's {@code TrainingPayload} plus {@code baselineVersionId},
 * {@code gate} and {@code mlflowExperiment}), with its field rules as Jakarta Bean Validation
 * constraints. Filled from the request's JSON by {@link RetrainPayloadRules}, which also checks the
 * JSON types and the cross-field rule.
 */
public final class RetrainPayload {

    static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    static final String VERSION_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    @NotNull(message = "is required")
    @Pattern(regexp = UUID, message = "must be a UUID")
    String modelId;

    @NotNull(message = "is required")
    @Size(min = 1, message = "must name at least one intent")
    Map<@NotBlank(message = "intent names must not be blank") String,
            @NotNull(message = "is required") @Positive(message = "must be a positive whole number") Long> trainingDataSliceMatrix;

    @NotNull(message = "is required")
    @DecimalMin(value = "0.001", message = "must be at least {value}")
    @DecimalMax(value = "0.99", message = "must be at most {value}")
    Double convergenceThreshold;

    @NotNull(message = "is required")
    @Valid
    ComputeConstraints computeConstraints;

    @NotNull(message = "is required")
    @Min(value = 100, message = "must be at least {value}")
    @Max(value = 500000, message = "must be at most {value}")
    Long maxDatasetSize;

    @Pattern(regexp = UUID, message = "must be a UUID")
    String rollbackTriggerVersionId;

    @Pattern(regexp = VERSION_ID, message = "must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit")
    String baselineVersionId;

    @NotNull
    @Valid
    Gate gate = new Gate();

    @Size(min = 1, max = 250, message = "must be 1–250 characters")
    @Pattern(regexp = "\\S(.*\\S)?", message = "must not be blank or start or end with a space")
    String mlflowExperiment;

    /** Seed 004's compute constraints. */
    public static final class ComputeConstraints {

        @NotNull(message = "is required")
        @Positive(message = "must be greater than 0")
        Long maxGpuMemory;

        @NotNull(message = "is required")
        @Min(value = 1, message = "must be at least {value}")
        @Max(value = 32, message = "must be at most {value}")
        Long maxCpuCores;

        @NotNull(message = "is required")
        @Min(value = 300, message = "must be at least {value}")
        @Max(value = 7200, message = "must be at most {value}")
        Long timeoutSeconds;

        public long maxGpuMemory() { return maxGpuMemory; }
        public long maxCpuCores() { return maxCpuCores; }
        public long timeoutSeconds() { return timeoutSeconds; }
    }

    /** The quality gate: precision and recall at least 1 − tolerance, biasScore at most maxBiasScore. */
    public static final class Gate {

        @NotNull(message = "is required")
        @DecimalMin(value = "0", message = "must be at least {value}")
        @DecimalMax(value = "1", inclusive = false, message = "must be less than {value}")
        Double tolerance = 0.05;

        @NotNull(message = "is required")
        @DecimalMin(value = "0", message = "must be at least {value}")
        @DecimalMax(value = "1", message = "must be at most {value}")
        Double maxBiasScore = 0.15;

        public double tolerance() { return tolerance; }
        public double maxBiasScore() { return maxBiasScore; }
    }

    public String modelId() { return modelId; }
    public Map<String, Long> trainingDataSliceMatrix() { return trainingDataSliceMatrix; }
    public double convergenceThreshold() { return convergenceThreshold; }
    public ComputeConstraints computeConstraints() { return computeConstraints; }
    public long maxDatasetSize() { return maxDatasetSize; }
    public String rollbackTriggerVersionId() { return rollbackTriggerVersionId; }
    public String baselineVersionId() { return baselineVersionId; }
    public Gate gate() { return gate; }
    public String mlflowExperiment() { return mlflowExperiment; }
}
