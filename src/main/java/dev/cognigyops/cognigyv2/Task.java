package dev.cognigyops.cognigyv2;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Cognigy task, as {@code GET /new/v2.0/tasks/{taskId}} answers it (cognigy-v2-api.md, training-monitor):
 * {@code {_id, name, status, currentStep, totalStep, failReason, lastFinishedAt, ...}}. Long operations
 * on the real API answer at once with a task; a run waits for it (route template {@code wait-for-task}).
 *
 * @param id             {@code _id}
 * @param name           the task's name (e.g. {@code trainFlow}), or null
 * @param status         its status
 * @param currentStep    steps done so far (0 when absent)
 * @param totalStep      steps in all (0 when absent or unknown)
 * @param failReason     why it failed (status {@code error}), or null
 * @param lastFinishedAt when it ended (ISO-8601 as sent), or null
 */
public record Task(String id, String name, Status status, long currentStep, long totalStep, String failReason,
                   String lastFinishedAt) {

    /** The six statuses the API knows (C). */
    public enum Status {
        QUEUED, ACTIVE, DONE, CANCELLING, CANCELLED, ERROR;

        /** The status as sent: {@code queued}, …; anything else is null. */
        static Status of(String sent) {
            if (sent == null) {
                return null;
            }
            for (Status s : values()) {
                if (s.name().toLowerCase(Locale.ROOT).equals(sent)) {
                    return s;
                }
            }
            return null;
        }

        public String sent() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a run waiting for the task does next (docs/contract.md §9). */
    public enum Outcome {
        /** {@code queued}, {@code active}, {@code cancelling}: read it again. */
        WAIT,
        /** {@code done}: go on. */
        DONE,
        /** {@code error}: the run fails with the task's failReason. */
        FAILED,
        /** {@code cancelled}: the run ends CANCELLED. */
        CANCELLED
    }

    /** The answer's task; an answer that is no task is {@link Malformed} naming every problem. */
    public static Task from(JsonNode answer) {
        List<String> problems = new ArrayList<>();
        if (answer == null || !answer.isObject()) {
            throw new Malformed(List.of("the answer is not a JSON object"));
        }
        String id = text(answer, "_id");
        String sent = text(answer, "status");
        Status status = Status.of(sent);
        if (sent == null) {
            problems.add("status: is missing");
        } else if (status == null) {
            problems.add("status: '" + sent + "' is none of queued, active, done, cancelling, cancelled, error");
        }
        long current = count(answer, "currentStep", problems);
        long total = count(answer, "totalStep", problems);
        if (!problems.isEmpty()) {
            throw new Malformed(problems);
        }
        return new Task(id, text(answer, "name"), status, current, total, text(answer, "failReason"),
                text(answer, "lastFinishedAt"));
    }

    public Outcome outcome() {
        return switch (status) {
            case QUEUED, ACTIVE, CANCELLING -> Outcome.WAIT;
            case DONE -> Outcome.DONE;
            case ERROR -> Outcome.FAILED;
            case CANCELLED -> Outcome.CANCELLED;
        };
    }

    /** Progress in percent, {@code currentStep / totalStep}; 100 once done, 0 while the total is unknown. */
    public double progressPercent() {
        if (status == Status.DONE) {
            return 100.0;
        }
        if (totalStep <= 0) {
            return 0.0;
        }
        return Math.min(100.0, Math.round(10_000.0 * currentStep / totalStep) / 100.0);
    }

    /** How it is named in messages: {@code task 65f… (trainFlow) is active, step 3 of 10}. */
    public String describe() {
        return "task " + id + (name == null ? "" : " (" + name + ")") + " is " + status.sent()
                + (totalStep > 0 ? ", step " + currentStep + " of " + totalStep : "")
                + (failReason == null ? "" : ": " + failReason);
    }

    /** An answer that is not a task. */
    public static final class Malformed extends RuntimeException {
        private final List<String> problems;

        public Malformed(List<String> problems) {
            super("not a task: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static long count(JsonNode node, String field, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0) {
            problems.add(field + ": must be a whole number ≥ 0, was " + v);
            return 0;
        }
        return v.asLong();
    }
}
