package dev.cognigyops.runs;

import java.util.Locale;

/** How a run request arrived. */
public enum Trigger {
    KAFKA, FILE, SCHEDULE, CLI, API;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Trigger of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
