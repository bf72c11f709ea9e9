package dev.cognigyops.flowdeploy;

import java.util.Locale;
import java.util.Set;

/** What a flow's status in the target says about a push: deployed, still on its way, or failed. */
public enum VerifyStatus {
    DEPLOYED, PENDING, FAILED, UNKNOWN;

    private static final Set<String> PENDING_STATES = Set.of("pending", "queued", "importing", "deploying", "validating", "in_progress");
    private static final Set<String> FAILED_STATES = Set.of("failed", "error", "rejected", "rolled_back", "invalid");

    /** {@code deployed} is done; the states a deployment passes through wait; failure states and anything else fail. */
    public static VerifyStatus of(String status) {
        if (status == null) {
            return UNKNOWN;
        }
        String s = status.trim().toLowerCase(Locale.ROOT);
        if (s.equals("deployed")) {
            return DEPLOYED;
        }
        if (PENDING_STATES.contains(s)) {
            return PENDING;
        }
        return FAILED_STATES.contains(s) ? FAILED : UNKNOWN;
    }

    /**
     * As {@link #of(String)}, for a status that also reports the flow's version: {@code deployed}
     * at a version other than the one pushed is still the flow as it was before the import, so the
     * push has not shown yet (PENDING). A status without a version is taken at its word.
     */
    public static VerifyStatus of(String status, String reportedVersion, String pushedVersion) {
        VerifyStatus verdict = of(status);
        if (verdict == DEPLOYED && reportedVersion != null && !reportedVersion.isBlank()
                && !reportedVersion.equals(pushedVersion)) {
            return PENDING;
        }
        return verdict;
    }
}
