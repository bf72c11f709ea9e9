package dev.cognigyops.nlpretrain;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The quality gate: precision and recall ≥ 1 − tolerance, biasScore ≤ maxBiasScore, each failure named. */
class QualityGateTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("all well inside", 0.97, 0.96, 0.05, 0.05, 0.15, List.of()),
                arguments("precision exactly at 1 − tolerance", 0.95, 0.99, 0.10, 0.05, 0.15, List.of()),
                arguments("bias exactly at the maximum", 0.99, 0.99, 0.15, 0.05, 0.15, List.of()),
                arguments("tolerance 0 needs perfect scores", 1.0, 1.0, 0.0, 0.0, 0.15, List.of()),
                arguments("precision low", 0.91, 0.97, 0.05, 0.05, 0.15,
                        List.of("precision 0.91 is below 0.95 (1 − tolerance 0.05)")),
                arguments("recall just below", 0.97, 0.9499, 0.05, 0.05, 0.15,
                        List.of("recall 0.9499 is below 0.95 (1 − tolerance 0.05)")),
                arguments("bias too high", 0.97, 0.97, 0.2, 0.05, 0.15,
                        List.of("biasScore 0.2 is above maxBiasScore 0.15")),
                arguments("a wider tolerance lets 0.85 pass", 0.85, 0.85, 0.1, 0.15, 0.15, List.of()),
                arguments("everything fails", 0.5, 0.6, 0.4, 0.1, 0.3, List.of(
                        "precision 0.5 is below 0.9 (1 − tolerance 0.1)",
                        "recall 0.6 is below 0.9 (1 − tolerance 0.1)",
                        "biasScore 0.4 is above maxBiasScore 0.3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judges(String name, double precision, double recall, double bias, double tolerance, double maxBias,
                List<String> failures) {
        var verdict = QualityGate.judge(new ModelMetrics(precision, recall, 0.9, bias, null), tolerance, maxBias);

        assertThat(verdict.failures()).containsExactlyElementsOf(failures);
        assertThat(verdict.passed()).isEqualTo(failures.isEmpty());
        assertThat(verdict.label()).isEqualTo(failures.isEmpty() ? "PASSED" : "FAILED");
    }
}
