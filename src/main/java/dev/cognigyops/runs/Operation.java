package dev.cognigyops.runs;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One operation the program can run: its name (and route {@code direct:<name>}) and payload rules. The
 * OAuth scopes its calls ask for are the setting {@code cognigy.auth.scopes.<name>}.
 */
public interface Operation {

    String name();

    /** Checks the payload, adding every violation (paths start with {@code payload.}). */
    void validate(JsonNode payload, Violations violations);

    /**
     * Whether the operation is built for profile {@code cognigy-v2} (the real Cognigy.AI API, route
     * {@code direct:<name>-v2}); one that is not is REJECTED on that profile, never run with the seeds route.
     */
    default boolean onCognigyV2() {
        return false;
    }

    /** Checks the payload as profile {@code cognigy-v2} takes it (docs/contract.md §9), adding every violation. */
    default void validateOnCognigyV2(JsonNode payload, Violations violations) {
        throw new UnsupportedOperationException(name() + " is not built for profile cognigy-v2");
    }
}
