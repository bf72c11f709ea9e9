package dev.cognigyops.nlpretrain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;

/**
 * A model version's metrics as Cognigy reports them ({@code GET …/versions/{versionId}/metrics}):
 * precision, recall, F1 and bias score, and the intent distribution as sent.
 */
public record ModelMetrics(double precision, double recall, double f1Score, double biasScore,
                           // left out when not sent, so a saved run reads back without it (not as a JSON null)
                           @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode intentDistribution) {

    /** Reads the answer; a metric that is missing or not a number is Cognigy's error, not a gate failure. */
    public static ModelMetrics from(JsonNode answer, String what) {
        return new ModelMetrics(number(answer, "precision", what), number(answer, "recall", what),
                number(answer, "f1Score", what), number(answer, "biasScore", what),
                answer == null ? null : answer.get("intentDistribution"));
    }

    private static double number(JsonNode answer, String field, String what) {
        JsonNode value = answer == null ? null : answer.get(field);
        if (value == null || !value.isNumber()) {
            throw new RunFailure(ErrorCode.UPSTREAM_ERROR, "the metrics of " + what + " have no numeric '" + field
                    + "' (include_precision_recall and include_bias_detection were asked for): " + answer);
        }
        return value.doubleValue();
    }
}
