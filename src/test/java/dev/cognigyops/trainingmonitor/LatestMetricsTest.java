package dev.cognigyops.trainingmonitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

class LatestMetricsTest {

    static JobStatus.Metric m(String name, double value, int second) {
        return new JobStatus.Metric(Instant.parse("2026-11-21T06:00:00Z").plusSeconds(second), name, value, "ratio");
    }

    static Map<String, Double> values(Object... nameValue) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            out.put((String) nameValue[i], (Double) nameValue[i + 1]);
        }
        return out;
    }

    static List<JobStatus.Metric> manyNames(int n) {
        List<JobStatus.Metric> out = new ArrayList<>();
        for (int i = n - 1; i >= 0; i--) {
            out.add(m(String.format("m%02d", i), i, 1));
        }
        return out;
    }

    static Stream<Arguments> cases() {
        Map<String, Double> first16 = new LinkedHashMap<>();
        for (int i = 0; i < 16; i++) {
            first16.put(String.format("m%02d", i), (double) i);
        }
        return Stream.of(
                Arguments.of("no metrics", List.of(), values()),
                Arguments.of("one entry per name", List.of(m("loss", 0.9, 1), m("accuracy", 0.5, 1)),
                        values("accuracy", 0.5, "loss", 0.9)),
                Arguments.of("the latest by timestamp, whatever the order of the answer",
                        List.of(m("loss", 0.5, 2), m("loss", 0.9, 1), m("loss", 0.7, 0)), values("loss", 0.5)),
                Arguments.of("of equal timestamps the later in the answer",
                        List.of(m("loss", 0.9, 1), m("loss", 0.8, 1)), values("loss", 0.8)),
                Arguments.of("not a finite number: left out",
                        List.of(m("loss", Double.NaN, 3), m("loss", 0.4, 1), m("gain", Double.POSITIVE_INFINITY, 1)),
                        values("loss", 0.4)),
                Arguments.of("a blank or overlong name: left out",
                        List.of(m(" ", 1, 1), m("x".repeat(65), 2, 1), m("y".repeat(64), 3, 1)),
                        values("y".repeat(64), 3.0)),
                Arguments.of("at most 16 names, the first alphabetically", manyNames(40), first16));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void latestValuePerName(String why, List<JobStatus.Metric> metrics, Map<String, Double> expected) {
        Map<String, Double> latest = LatestMetrics.of(metrics);
        assertThat(latest).as(why).containsExactlyEntriesOf(expected);
    }

    @ParameterizedTest(name = "task at step {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, 1, 250})
    void aTaskChartsItsStep(long step) {
        assertThat(LatestMetrics.ofTask(step)).containsExactlyEntriesOf(Map.of("current_step", (double) step));
    }
}
