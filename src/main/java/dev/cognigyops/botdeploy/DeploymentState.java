package dev.cognigyops.botdeploy;

import java.util.Locale;

/**
 * What a deployment's {@code status} means to the poll (docs/contract.md#calls-out): still going, done, or failed.
 * Cognigy's words: {@code queued, compiling, deploying, validating} → wait; {@code completed,
 * succeeded} → done; {@code failed, rolled_back, timeout} → failed.
 */
public enum DeploymentState {
    IN_PROGRESS, SUCCEEDED, FAILED, UNKNOWN;

    public static DeploymentState of(String status) {
        if (status == null) {
            return UNKNOWN;
        }
        return switch (status.trim().toLowerCase(Locale.ROOT)) {
            case "queued", "compiling", "deploying", "validating" -> IN_PROGRESS;
            case "completed", "succeeded" -> SUCCEEDED;
            case "failed", "rolled_back", "timeout" -> FAILED;
            default -> UNKNOWN;
        };
    }
}
