package dev.cognigyops.trainingmonitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricWindowTest {

    static JobStatus.Metric m(String name, double value, int second) {
        return new JobStatus.Metric(Instant.parse("2026-11-21T06:00:00Z").plusSeconds(second), name, value, "ratio");
    }

    @Test
    void keepsTheLatestEntriesByTimestamp() {
        MetricWindow w = new MetricWindow(50);
        List<JobStatus.Metric> sixty = new ArrayList<>();
        for (int i = 60; i >= 1; i--) {
            sixty.add(m("loss", i, i)); // newest first: order of arrival must not matter
        }
        w.addAll(sixty);
        assertThat(w.size()).isEqualTo(50);
        assertThat(w.entries().get(0).value()).isEqualTo(11.0);
        var loss = w.aggregate().get("loss");
        assertThat(loss.count()).isEqualTo(50);
        assertThat(loss.mean()).isEqualTo(35.5);
        assertThat(loss.last()).isEqualTo(60.0);
    }

    @Test
    void anEntryRepeatedByALaterAnswerCountsOnceWithItsLatestValue() {
        MetricWindow w = new MetricWindow(50);
        w.addAll(List.of(m("loss", 0.9, 1), m("accuracy", 0.5, 1)));
        w.addAll(List.of(m("loss", 0.8, 1), m("accuracy", 0.5, 1), m("loss", 0.4, 2)));
        var agg = w.aggregate();
        assertThat(agg.keySet()).containsExactlyInAnyOrder("loss", "accuracy");
        assertThat(agg.get("loss").count()).isEqualTo(2);
        assertThat(agg.get("loss").mean()).isEqualTo((0.8 + 0.4) / 2);
        assertThat(agg.get("loss").last()).isEqualTo(0.4);
        assertThat(agg.get("accuracy").count()).isEqualTo(1);
    }

    @Test
    void emptyAndCapacity() {
        assertThat(new MetricWindow(5).aggregate()).isEmpty();
        assertThatThrownBy(() -> new MetricWindow(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
