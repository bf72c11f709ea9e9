package dev.cognigyops.runs;

import java.util.Set;

/**
 * Where in an operation's routes a cancel may be delivered ({@link dev.cognigyops.store.CancelAtNextCall}).
 * <ul>
 * <li>{@link Role#DELIVERS}: before a call to Cognigy — a {@code kamelet:cognigy-call} step, or one page
 * of a listing ({@code read-listing-page}). Every answer is taken into the run's state by the step
 * after its call, so the state is whole there; the cancel is a failure of that call before it was
 * sent, and the operation's doCatch and rollback handle it as such.</li>
 * <li>{@link Role#HOLDS_OFF}: the steps that undo or settle what a run did (rollbacks, a snapshot
 * restore, a job's cancel) and the MLflow record of a run that ends: no cancel is delivered inside them,
 * so a rollback started by a failure runs to its end when a cancel comes meanwhile (the run ends as
 * that failure says).</li>
 * </ul>
 */
public final class CancelPoints {

    /** What a step is to a cancel. */
    public enum Role { DELIVERS, HOLDS_OFF, NONE }

    /** The step of the shared listing template (cognigy-v2-list) that reads one page. */
    public static final String LISTING_PAGE = "read-listing-page";

    /** The undo steps, by their id in the operations' routes. */
    static final Set<String> UNDO_STEPS = Set.of(
            // bot-deploy: the deployment's rollback (seeds), the endpoint PATCHed back (cognigy-v2)
            "unless-rolled-back", "until-rollback-settled",
            // flow-deploy: each pushed flow back to its version (seeds), the target restored from its snapshot (cognigy-v2)
            "when-rolling-back", "when-restoring",
            // training-monitor: the job's cancel, by its policy or asked with the run's cancel
            "when-cancel-requested", "until-cancel-settled", "cancel-job-with-run",
            // nlp-retrain: the model's rollback after a failed gate; the MLflow record of the run's end
            "when-gate-failed-and-rollback-version-given", "when-mlflow-configured", "when-mlflow-configured-v2");

    private CancelPoints() {
    }

    /**
     * @param stepId the step's id, or null
     * @param uri    the endpoint a {@code to} step sends to, or null for any other step
     */
    public static Role of(String stepId, String uri) {
        if (stepId != null && UNDO_STEPS.contains(stepId)) {
            return Role.HOLDS_OFF;
        }
        if (LISTING_PAGE.equals(stepId) || uri != null && (uri.equals("kamelet:cognigy-call") || uri.startsWith("kamelet:cognigy-call?"))) {
            return Role.DELIVERS;
        }
        return Role.NONE;
    }
}
