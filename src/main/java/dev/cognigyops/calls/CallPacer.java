package dev.cognigyops.calls;

/**
 * Optional pacing of one call's retries: put one in the exchange property {@link OutboundCalls#PACER}
 * before calling {@code direct:cognigy-call}, and the wait before each retry of that call is at
 * least what it answers (e.g. a per-resource rate limit that a retry after a 429 must also keep).
 * It applies to that one call only: the call route removes it when the call ends.
 */
@FunctionalInterface
public interface CallPacer {

    /**
     * @param proposedDelayMs the wait the retry policy chose (Retry-After or backoff, with jitter)
     * @return the wait to use: the pacer's answer is used when it is longer
     */
    long delayBeforeRetry(long proposedDelayMs);
}
