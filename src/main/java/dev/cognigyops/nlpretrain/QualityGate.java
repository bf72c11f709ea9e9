package dev.cognigyops.nlpretrain;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The quality gate a retrained version must pass before it stays: precision and recall at least
 * {@code 1 − tolerance}, bias score at most {@code maxBiasScore}. Compared as decimals, so a
 * precision of exactly 0.95 passes a tolerance of 0.05. On profile cognigy-v2 ({@link #judgeFeedback}):
 * the flow's F-score at least {@code minFScore}, at most {@code maxPoorIntents} intents with poor accuracy.
 */
public final class QualityGate {

    /** The gate's answer: passed, or each failed criterion with its value and threshold. */
    public record Verdict(boolean passed, List<String> failures) {
        public String label() {
            return passed ? "PASSED" : "FAILED";
        }
    }

    private QualityGate() {
    }

    public static Verdict judge(ModelMetrics metrics, double tolerance, double maxBiasScore) {
        BigDecimal least = BigDecimal.ONE.subtract(BigDecimal.valueOf(tolerance));
        BigDecimal mostBias = BigDecimal.valueOf(maxBiasScore);
        List<String> failures = new ArrayList<>();
        atLeast("precision", metrics.precision(), least, tolerance, failures);
        atLeast("recall", metrics.recall(), least, tolerance, failures);
        BigDecimal bias = BigDecimal.valueOf(metrics.biasScore());
        if (bias.compareTo(mostBias) > 0) {
            failures.add("biasScore " + plain(bias) + " is above maxBiasScore " + plain(mostBias));
        }
        return new Verdict(failures.isEmpty(), List.copyOf(failures));
    }

    /**
     * Profile cognigy-v2: a flow's NLU feedback report — its F-score at least {@code minFScore}, and at most
     * {@code maxPoorIntents} intents with poor accuracy (named in the failure).
     */
    public static Verdict judgeFeedback(FeedbackReport report, double minFScore, long maxPoorIntents) {
        List<String> failures = new ArrayList<>();
        BigDecimal fScore = BigDecimal.valueOf(report.fScore());
        BigDecimal least = BigDecimal.valueOf(minFScore);
        if (fScore.compareTo(least) < 0) {
            failures.add("fScore " + plain(fScore) + " is below minFScore " + plain(least));
        }
        int poor = report.poorIntents().size();
        if (poor > maxPoorIntents) {
            failures.add("poorIntents " + poor + " is above maxPoorIntents " + maxPoorIntents + " ("
                    + String.join(", ", report.poorIntents().stream().map(FeedbackReport.PoorIntent::label).toList()) + ")");
        }
        return new Verdict(failures.isEmpty(), List.copyOf(failures));
    }

    private static void atLeast(String name, double value, BigDecimal least, double tolerance, List<String> failures) {
        BigDecimal actual = BigDecimal.valueOf(value);
        if (actual.compareTo(least) < 0) {
            failures.add(name + " " + plain(actual) + " is below " + plain(least) + " (1 − tolerance "
                    + plain(BigDecimal.valueOf(tolerance)) + ")");
        }
    }

    static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }
}
