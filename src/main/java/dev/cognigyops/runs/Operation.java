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
}
