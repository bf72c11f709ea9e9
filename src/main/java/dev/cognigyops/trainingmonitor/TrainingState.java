package dev.cognigyops.trainingmonitor;

import java.util.EnumSet;
import java.util.Set;

/**
 * A training job's state (seed 002) and the transitions a job can make:
 * QUEUED → RUNNING → COMPLETED | FAILED | CANCELLED; a queued job may also end without running.
 * A terminal state never changes, and a running job never goes back to the queue.
 */
public enum TrainingState {
    QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED;

    private static final Set<TrainingState> TERMINAL = EnumSet.of(COMPLETED, FAILED, CANCELLED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** Whether a job seen in {@code this} state can next be seen in {@code next}; staying put is allowed. */
    public boolean canBecome(TrainingState next) {
        if (next == this) {
            return true;
        }
        return switch (this) {
            case QUEUED -> true;
            case RUNNING -> next.isTerminal();
            case COMPLETED, FAILED, CANCELLED -> false;
        };
    }

    /** The state named {@code text}, or null when it is not one. */
    public static TrainingState parse(String text) {
        if (text == null) {
            return null;
        }
        for (TrainingState s : values()) {
            if (s.name().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
