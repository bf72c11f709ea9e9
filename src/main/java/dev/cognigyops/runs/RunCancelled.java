package dev.cognigyops.runs;

/**
 * A cancel asked through the runs API, delivered to the run at its next call to Cognigy
 * ({@link dev.cognigyops.store.CancelAtNextCall}): the operation handles it as a failure of that step
 * (its rollback runs), and the run ends CANCELLED with {@link ErrorCode#CANCELLED_BY_USER}.
 */
public final class RunCancelled extends RunFailure {

    private final boolean cancelJob;

    public RunCancelled(String runId, boolean cancelJob, java.time.Instant requestedAt, String requestedBy) {
        super(ErrorCode.CANCELLED_BY_USER, RunStatus.CANCELLED, "run " + runId + " was cancelled through the runs API"
                + " (asked at " + requestedAt + " of instance " + requestedBy + (cancelJob ? ", with cancelJob" : "") + ")");
        this.cancelJob = cancelJob;
    }

    /** Whether a training-monitor is to cancel the job it watches too ({@code ?cancelJob=true}). */
    public boolean cancelJob() {
        return cancelJob;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // a request, not a fault: nobody reads its stack
        return this;
    }
}
