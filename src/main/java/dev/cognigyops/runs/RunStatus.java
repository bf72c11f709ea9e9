package dev.cognigyops.runs;

/** How a run ended; the command line's exit code follows from it. */
public enum RunStatus {
    SUCCEEDED(0), FAILED(1), CANCELLED(1), REJECTED(2);

    private final int exitCode;

    RunStatus(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
