package dev.cognigyops.nlpretrain;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.support.Json;

/**
 * What one read of a training job ({@code GET /api/v2/ai/nlp/training/jobs/{jobId}}) means:
 * {@code queued, running} → wait, unless the run's own deadline (the payload's timeoutSeconds plus
 * a grace) has passed; {@code completed} → done; {@code failed, rolled_back} → the job failed;
 * anything else is an answer we cannot act on.
 */
public final class TrainingJob {

    public enum Outcome { PENDING, COMPLETED, FAILED, TIMED_OUT, UNKNOWN }

    /** The status as sent (lower case), and what it means now. */
    public record Reading(String status, Outcome outcome) {
    }

    private TrainingJob() {
    }

    public static Reading read(JsonNode job, Instant now, Instant deadline) {
        String raw = Json.text(job, "status");
        String status = raw == null ? null : raw.trim().toLowerCase(Locale.ROOT);
        Outcome outcome = switch (status == null ? "" : status) {
            case "queued", "running" -> now.isBefore(deadline) ? Outcome.PENDING : Outcome.TIMED_OUT;
            case "completed" -> Outcome.COMPLETED;
            case "failed", "rolled_back" -> Outcome.FAILED;
            default -> Outcome.UNKNOWN;
        };
        return new Reading(status, outcome);
    }
}
