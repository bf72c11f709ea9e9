package dev.cognigyops.flowdeploy;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * After a POST whose effect is unknown (a 5xx, a timeout: {@code WriteOutcomeUnknown}), whether it took
 * effect, read back from the project's tasks ({@code GET tasks?projectId=}, docs/contract.md §9): the task
 * it would have started, found by its name and — when the task names what it works on — by that
 * ({@code data.packageId} for a merge, {@code data.snapshotId} for a restore), else by having been created
 * since the POST was sent (less {@link #CLOCK_SKEW}, the tenant's clock is not ours).
 *
 * <p>INFERRED (README "What was not verified"): the tasks' names ({@code createSnapshot},
 * {@code createPackage}, {@code uploadPackage}, {@code mergePackage}, {@code restoreSnapshot}) and
 * {@code createdAt} as Unix seconds, Unix milliseconds or ISO-8601.
 */
public final class TaskReadBack {

    static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    /**
     * What the POST would have started.
     *
     * @param taskName  the task's {@code name}
     * @param dataKey   a {@code data} field naming what the task works on, or null
     * @param dataValue its value, when dataKey is given
     */
    public record Expected(String taskName, String dataKey, String dataValue) {
    }

    private TaskReadBack() {
    }

    /** The {@code _id} of the newest task the POST sent at {@code postedAt} started, if the tasks show one. */
    public static Optional<String> find(JsonNode tasks, Expected expected, Instant postedAt) {
        String best = null;
        Instant bestAt = null;
        if (tasks == null || !tasks.isArray()) {
            return Optional.empty();
        }
        for (JsonNode task : tasks) {
            if (!expected.taskName().equals(task.path("name").asText()) || !task.path("_id").isTextual()) {
                continue;
            }
            Instant created = createdAt(task.get("createdAt"));
            boolean match;
            if (expected.dataKey() != null) {
                match = expected.dataValue() != null && expected.dataValue().equals(task.path("data").path(expected.dataKey()).asText(null));
            } else {
                match = created != null && !created.isBefore(postedAt.minus(CLOCK_SKEW));
            }
            if (match && (best == null || (created != null && (bestAt == null || created.isAfter(bestAt))))) {
                best = task.path("_id").asText();
                bestAt = created;
            }
        }
        return Optional.ofNullable(best);
    }

    /** A task's {@code createdAt}: Unix seconds or milliseconds, or ISO-8601; null when neither. */
    static Instant createdAt(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            long n = value.asLong();
            return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
