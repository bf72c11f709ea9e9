package dev.cognigyops.nlpretrain;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.support.Json;

/**
 * After a train POST whose effect is unknown (a 5xx, a timeout: {@code WriteOutcomeUnknown}), or a run resumed
 * with that POST sent but unanswered: did Cognigy start the training? The project's tasks
 * ({@code GET tasks?projectId=}) are searched for a training task of this flow started by this run — one whose
 * name says it trains ({@code trainIntents}: any name with "train" in it), whose {@code data.flowId} is the
 * flow (and {@code data.localeId}, when given, the locale), created no earlier than the POST was about to
 * be sent, less {@code skewMs} for the clocks of Cognigy and of this host. Inferred: that tasks carry
 * {@code data.flowId} and {@code createdAt} (the README's "What was not verified on a real tenant").
 *
 * <p>A training task created since the POST whose flow or creation time cannot be told is {@link Verdict#UNCLEAR}:
 * the run then fails rather than train the flow twice.
 */
public final class TrainingTaskReadBack {

    /** What the read-back says. */
    public enum Verdict {
        /** The task was started: go on waiting for it ({@link Found#taskId()}). */
        STARTED,
        /** No such task: the POST did not take effect, it may be sent again. */
        NOT_STARTED,
        /** A training task that may be this run's, but its flow or its start cannot be told. */
        UNCLEAR
    }

    /** @param taskId the task found (STARTED), @param reason what is unclear (UNCLEAR) */
    public record Found(Verdict verdict, String taskId, String reason) {
    }

    private TrainingTaskReadBack() {
    }

    /**
     * @param tasks     the project's tasks, every page
     * @param postingMs when the POST was about to be sent (epoch ms)
     */
    public static Found search(JsonNode tasks, String flowId, String localeId, long postingMs, long skewMs) {
        long since = postingMs - skewMs;
        List<String> unclear = new ArrayList<>();
        Found started = null;
        for (JsonNode task : tasks) {
            String name = Json.text(task, "name");
            if (name == null || !name.toLowerCase(Locale.ROOT).contains("train")) {
                continue;
            }
            JsonNode data = task.path("data");
            String taskFlow = Json.text(data, "flowId");
            String taskLocale = Json.text(data, "localeId");
            if (taskFlow != null && !taskFlow.equals(flowId) || taskLocale != null && !taskLocale.equals(localeId)) {
                continue;
            }
            Long created = epochMs(task.get("createdAt"));
            if (created != null && created < since) {
                continue;
            }
            String id = Json.text(task, "_id");
            if (taskFlow == null || created == null || id == null) {
                unclear.add("task " + id + " (" + name + ")" + (taskFlow == null ? " names no data.flowId" : "")
                        + (created == null ? " has no readable createdAt" : "") + (id == null ? " has no _id" : ""));
                continue;
            }
            if (started == null || created > epochMs(findCreated(tasks, started.taskId()))) {
                started = new Found(Verdict.STARTED, id, null);
            }
        }
        if (started != null) {
            return started;
        }
        if (!unclear.isEmpty()) {
            return new Found(Verdict.UNCLEAR, null, String.join("; ", unclear));
        }
        return new Found(Verdict.NOT_STARTED, null, null);
    }

    private static JsonNode findCreated(JsonNode tasks, String id) {
        for (JsonNode task : tasks) {
            if (id.equals(Json.text(task, "_id"))) {
                return task.get("createdAt");
            }
        }
        return null;
    }

    /** createdAt as ISO-8601 text or epoch milliseconds; null when absent or unreadable. */
    static Long epochMs(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
