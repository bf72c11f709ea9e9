package dev.cognigyops.store;

import dev.cognigyops.runs.RunLease;

/**
 * The run store answered that a run is no longer this instance's: its lease lapsed (a long pause, a
 * network split) and another instance claimed it. The run stops here quietly; the new owner goes on.
 */
public final class LeaseLost extends RuntimeException {

    public LeaseLost(String runId, RunLease held) {
        super("run " + runId + " is no longer held by " + held.owner() + " (fence " + held.fence()
                + "): another instance has claimed it");
    }
}
