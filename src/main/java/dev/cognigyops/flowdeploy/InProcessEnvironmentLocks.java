package dev.cognigyops.flowdeploy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The environment locks of one process: the command line's, which has no run store. Not a lock across instances. */
public final class InProcessEnvironmentLocks implements EnvironmentLocks {

    private final ConcurrentMap<String, String> holders = new ConcurrentHashMap<>();

    @Override
    public String claim(String environment, String runId) {
        String holder = holders.putIfAbsent(environment, runId);
        return holder == null || holder.equals(runId) ? null : holder;
    }

    @Override
    public void release(String environment, String runId) {
        holders.remove(environment, runId);
    }
}
