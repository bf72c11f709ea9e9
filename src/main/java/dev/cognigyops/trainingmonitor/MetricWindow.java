package dev.cognigyops.trainingmonitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest metric entries a monitor has seen (at most {@code capacity}, by timestamp), and their
 * aggregate per metric name: mean, last value and count. An entry repeated by a later answer (same
 * timestamp and name) is kept once, with its latest value.
 */
public final class MetricWindow {

    /** The aggregate of one metric over the window. */
    public record Aggregate(double mean, double last, int count) {
    }

    private record Key(Instant timestamp, String name) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::timestamp).thenComparing(Key::name);

    private final int capacity;
    private final TreeMap<Key, JobStatus.Metric> entries = new TreeMap<>(ORDER);

    public MetricWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    public void addAll(List<JobStatus.Metric> metrics) {
        for (JobStatus.Metric m : metrics) {
            entries.put(new Key(m.timestamp(), m.name()), m);
            while (entries.size() > capacity) {
                entries.pollFirstEntry();
            }
        }
    }

    public int size() {
        return entries.size();
    }

    /** The entries kept, oldest first. */
    public List<JobStatus.Metric> entries() {
        return new ArrayList<>(entries.values());
    }

    /** Per metric name (in order of first appearance in the window): mean, last value, count. */
    public Map<String, Aggregate> aggregate() {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (JobStatus.Metric m : entries.values()) {
            double[] s = sums.computeIfAbsent(m.name(), n -> new double[3]);
            s[0] += m.value();
            s[1] = m.value();
            s[2]++;
        }
        Map<String, Aggregate> out = new LinkedHashMap<>();
        sums.forEach((name, s) -> out.put(name, new Aggregate(s[0] / s[2], s[1], (int) s[2])));
        return out;
    }
}
