package dev.cognigyops.flowdeploy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One flow-deploy at a time per target environment, in this process. Two at once would interleave
 * their pushes, and the one that fails would roll flows back over what the other just deployed
 * (its "previous versions" were read while the other was pushing). Not a lock across instances.
 */
public final class EnvironmentLocks {

    private final ConcurrentMap<String, String> holders = new ConcurrentHashMap<>();

    /** Claims {@code environment} for {@code runId}; returns null when claimed, else the run that holds it. */
    public String claim(String environment, String runId) {
        String holder = holders.putIfAbsent(environment, runId);
        return holder == null || holder.equals(runId) ? null : holder;
    }

    /** Releases {@code environment} if {@code runId} holds it. */
    public void release(String environment, String runId) {
        holders.remove(environment, runId);
    }
}
