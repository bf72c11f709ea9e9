package dev.cognigyops.calls;

/**
 * A POST or PATCH to the real Cognigy API (profile cognigy-v2) that failed in a way that leaves its
 * effect unknown — a 5xx, a timeout, a connection lost after the request was sent — and was therefore
 * NOT repeated (Cognigy's writes are not idempotent, docs/contract.md §9). The operation catches it
 * ({@code doCatch: exception: [dev.cognigyops.calls.WriteOutcomeUnknown]}), reads back whether the
 * write took effect, and only then tries again. Its cause is the call's own failure, so a run that does
 * not catch it fails with that failure's code and message (ErrorClassifier).
 */
public class WriteOutcomeUnknown extends RuntimeException {

    private final String call;

    public WriteOutcomeUnknown(String call, String reason, Throwable cause) {
        super(call + ": " + reason + "; not repeated blindly (Cognigy may have applied it): read back first", cause);
        this.call = call;
    }

    /** The call, e.g. {@code POST /new/v2.0/tasks/42/cancel}. */
    public String call() {
        return call;
    }
}
