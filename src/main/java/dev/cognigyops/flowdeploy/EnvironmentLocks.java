package dev.cognigyops.flowdeploy;

/**
 * One flow-deploy at a time per target environment (docs/contract.md#flow-deploy). Two at once would
 * interleave their pushes, and the one that fails would roll flows back over what the other just
 * deployed (its "previous versions" were read while the other was pushing).
 * <p>
 * In the service the locks are in the run store ({@link dev.cognigyops.store.StoredEnvironmentLocks}),
 * so the rule holds across every instance on that store; on the command line, which has no store,
 * they are this process's ({@link InProcessEnvironmentLocks}).
 */
public interface EnvironmentLocks {

    /**
     * Claims {@code environment} for {@code runId}; returns null when the run holds it now (also when
     * it held it already, e.g. a resumed run), else the id of the run that holds it.
     */
    String claim(String environment, String runId);

    /** Releases {@code environment} if {@code runId} holds it; never throws. */
    void release(String environment, String runId);
}
