package dev.cognigyops.publish;

import java.time.Duration;

/**
 * How long the outbox waits before it tries Kafka again: {@code first} after the first failed
 * attempt, doubling after each further one, never more than {@code max} (settings
 * {@code cognigy.kafka.retry.first-delay-ms} and {@code cognigy.kafka.retry.max-delay-ms}). It retries
 * until Kafka is back: there is no last attempt.
 */
public record OutboxBackoff(Duration first, Duration max) {

    public OutboxBackoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, was " + first + " and " + max);
        }
    }

    /** The wait after {@code failuresInARow} failed attempts in a row (1 after the first). */
    public Duration after(int failuresInARow) {
        if (failuresInARow < 1) {
            return Duration.ZERO;
        }
        long delay = first.toMillis();
        for (int i = 1; i < failuresInARow && delay < max.toMillis(); i++) {
            delay *= 2;
        }
        return Duration.ofMillis(Math.min(delay, max.toMillis()));
    }
}
