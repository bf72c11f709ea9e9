package dev.cognigyops.runs;

/** A run ends FAILED (or CANCELLED) for a reason a person can act on; never retried. */
public class RunFailure extends RuntimeException {

    private final ErrorCode code;
    private final RunStatus status;

    public RunFailure(ErrorCode code, String message) {
        this(code, RunStatus.FAILED, message);
    }

    public RunFailure(ErrorCode code, RunStatus status, String message) {
        super(message);
        this.code = code;
        this.status = status;
    }

    public ErrorCode code() {
        return code;
    }

    public RunStatus status() {
        return status;
    }
}
