package dev.cognigyops.trainingmonitor;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values a STATUS_CHECK audit event carries under {@code details.metrics}, so that the page can chart
 * each metric of a job one point per status read: per metric name, the value of its latest entry (by
 * timestamp; of equal timestamps the later in the answer) in one status answer. Bounded, because the
 * names come from Cognigy: finite numbers only, names of at most {@value #MAX_NAME_LENGTH} characters,
 * and at most {@value #MAX_NAMES} names, the first in alphabetical order (the same ones at every read,
 * so that a chart's lines do not come and go).
 */
public final class LatestMetrics {

    public static final int MAX_NAMES = 16;
    public static final int MAX_NAME_LENGTH = 64;

    private LatestMetrics() {
    }

    /** Name → latest value, in alphabetical order; empty when the answer has no (usable) metric. */
    public static Map<String, Double> of(List<JobStatus.Metric> metrics) {
        TreeMap<String, JobStatus.Metric> latest = new TreeMap<>();
        for (JobStatus.Metric m : metrics) {
            if (m.name() == null || m.name().isBlank() || m.name().length() > MAX_NAME_LENGTH || !Double.isFinite(m.value())) {
                continue;
            }
            JobStatus.Metric seen = latest.get(m.name());
            if (seen == null || !m.timestamp().isBefore(seen.timestamp())) {
                latest.put(m.name(), m);
            }
        }
        Map<String, Double> out = new TreeMap<>();
        for (JobStatus.Metric m : latest.values()) {
            if (out.size() == MAX_NAMES) {
                break;
            }
            out.put(m.name(), m.value());
        }
        return Collections.unmodifiableMap(out);
    }

    /** A Cognigy task (profile cognigy-v2) reports no metrics; its one number that moves is its step. */
    public static Map<String, Double> ofTask(long currentStep) {
        return Map.of("current_step", (double) currentStep);
    }
}
