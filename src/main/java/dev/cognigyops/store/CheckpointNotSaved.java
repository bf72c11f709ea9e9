package dev.cognigyops.store;

/**
 * A run's checkpoint could not be saved while the store stayed away (cognigy.store.retry-ms): the run
 * goes no further here and is left, at its last saved checkpoint, to be resumed.
 */
public final class CheckpointNotSaved extends RuntimeException {

    public CheckpointNotSaved(String runId, String phase, StoreException cause) {
        super("the checkpoint of run " + runId + " at " + phase + " could not be saved: " + cause.getMessage(), cause);
    }
}
