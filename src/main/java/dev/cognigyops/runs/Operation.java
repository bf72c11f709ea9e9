package dev.cognigyops.runs;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** One operation the program can run: its name (and route {@code direct:<name>}), scopes and payload rules. */
public interface Operation {

    String name();

    /** OAuth scopes the operation's Cognigy calls need. */
    Set<String> scopes();

    /** Checks the payload, adding every violation (paths start with {@code payload.}). */
    void validate(JsonNode payload, Violations violations);
}
