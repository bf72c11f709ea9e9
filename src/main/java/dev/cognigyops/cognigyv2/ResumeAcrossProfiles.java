package dev.cognigyops.cognigyv2;

import java.util.Optional;

/**
 * May a run claimed from the run store go on here? A run's request and saved state are those of the API
 * profile it was started on ({@code runs.api_profile}); an instance of the other profile (a rolling update
 * that changed {@code cognigy.api.profile}) cannot read them, so it does not go on with the run: it ends it
 * FAILED, PRECONDITION_FAILED, with what a person needs to act (docs/contract.md#durable-runs). A run whose
 * profile is not recorded (a row written before migration V7) goes on as it always did.
 */
public final class ResumeAcrossProfiles {

    private ResumeAcrossProfiles() {
    }

    /**
     * Empty when the run may go on on {@code here}; otherwise why it may not.
     *
     * @param runId      the claimed run
     * @param startedOn  the profile the run was started on, null when not recorded
     * @param checkpoint the phase of its last checkpoint, null when it saved none
     * @param here       the profile this instance speaks
     */
    public static Optional<String> refusal(String runId, String startedOn, String checkpoint, ApiProfile here) {
        if (startedOn == null || startedOn.isBlank() || startedOn.equals(here.label())) {
            return Optional.empty();
        }
        String where = checkpoint == null
                ? "and saved no checkpoint; this instance speaks " + here.label() + " (" + ApiProfile.SETTING
                        + "): it cannot go on with it. Nothing was sent by this instance; whatever the run did before"
                        + " it stopped stands."
                : "and checkpointed at " + checkpoint + "; this instance speaks " + here.label() + " ("
                        + ApiProfile.SETTING + "): it cannot go on from that checkpoint. Nothing was sent by this"
                        + " instance; what the run did before its checkpoint stands: " + checkpoint + ".";
        return Optional.of("run " + runId + " was started on profile " + startedOn + " " + where
                + " Run it again as a new request (a new requestId), or on an instance with " + ApiProfile.SETTING
                + "=" + startedOn + ".");
    }
}
