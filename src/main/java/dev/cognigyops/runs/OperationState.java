package dev.cognigyops.runs;

import java.util.Map;

/**
 * What a run of an operation knows, as ONE value: a record per operation, kept in the exchange
 * property {@value #PROPERTY}, replaced (never changed in place) by each step that learns or changes
 * something outside the program, and written as JSON and read back equal — so that a run can be
 * saved after any step and go on from its phase. The shared steps read it too: the call template
 * fills a path's {@code {placeholders}} from {@link #pathValues()} and audits under
 * {@link #resource()}; the poll loop asks {@link #pollDone()}.
 */
public interface OperationState {

    String PROPERTY = "state";

    /** Where the run is: the step it has recorded last (each state record's own Phase). */
    Enum<?> phase();

    /**
     * Whether this state differs from {@code saved} only by what status reads learned (nothing was
     * changed outside the program since): such a state need not be saved after every read.
     */
    default boolean onlyReadsSince(OperationState saved) {
        return false;
    }

    /** Values of the {@code {name}} placeholders in this run's call paths (each becomes one encoded segment). */
    Map<String, String> pathValues();

    /** Extra request headers on this run's Cognigy calls (e.g. an {@code X-Request-Id} kept across retries); never credentials. */
    default Map<String, String> callHeaders() {
        return Map.of();
    }

    /** The audit resource of this run's calls, e.g. {@code nlu:<modelId>:<version>}. */
    String resource();

    /** While polling: has the thing polled reached an end? */
    default boolean pollDone() {
        return false;
    }

    /** While polling: what it was last, for a TIMEOUT's message, e.g. {@code export job 42 is RUNNING (40%)}. */
    default String pollStatus() {
        return "nothing read yet";
    }

    /**
     * While polling: the wait (ms) before the next read when the run keeps its own pace (a fixed-rate
     * schedule), within the loop's max-delay-ms; -1 (the default) for the loop's own backoff.
     */
    default long pollDelayMs() {
        return -1;
    }
}
