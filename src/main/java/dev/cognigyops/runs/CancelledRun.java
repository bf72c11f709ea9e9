package dev.cognigyops.runs;

import dev.cognigyops.calls.ErrorClassifier.RunError;

/**
 * How a run to which a cancel was delivered ends: CANCELLED with {@link ErrorCode#CANCELLED_BY_USER}
 * whatever the operation did about it — its rollback failed, a step swallowed the cancel and went on
 * to the end — and the message says the cancel first, then what the operation reported. A run that
 * ended before its cancel reached a step ends as it ended.
 */
public final class CancelledRun {

    private CancelledRun() {
    }

    /**
     * @param cancel the delivered cancel's message, or null when none was delivered
     * @param error  how the run ended by the operation's account, or null when it completed
     * @return the run's error, or null when it succeeded
     */
    public static RunError ending(String cancel, RunError error) {
        if (cancel == null) {
            return error;
        }
        if (error == null) {
            return new RunError(RunStatus.CANCELLED, ErrorCode.CANCELLED_BY_USER, cancel);
        }
        if (error.code() == ErrorCode.CANCELLED_BY_USER) {
            return new RunError(RunStatus.CANCELLED, ErrorCode.CANCELLED_BY_USER, error.message());
        }
        return new RunError(RunStatus.CANCELLED, ErrorCode.CANCELLED_BY_USER, cancel + "; then: " + error.message());
    }
}
