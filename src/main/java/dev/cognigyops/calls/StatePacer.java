package dev.cognigyops.calls;

import dev.cognigyops.runs.OperationState;

/**
 * Pacing of a call's retries that depends on the run (e.g. a per-deployment read limit): a bean of
 * this type, named in the call template's {@code pacer} parameter, becomes the call's
 * {@link CallPacer}, given the run's state as it was when the call started. The wait before each
 * retry of that call is then at least what it answers.
 *
 * @param <S> the operation's state type
 */
@FunctionalInterface
public interface StatePacer<S extends OperationState> {

    /**
     * @param state           the run's state when the call started
     * @param proposedDelayMs the wait the retry policy chose (Retry-After or backoff, with jitter)
     * @return the wait to use: the pacer's answer is used when it is longer
     */
    long delayBeforeRetry(S state, long proposedDelayMs);
}
