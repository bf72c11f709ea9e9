package dev.cognigyops.publish;

/**
 * What the outbox says about Kafka, once: the first failed attempt after Kafka worked (or at the
 * start) is an outage, said as one WARN; the outage is over, said as one INFO, when the records that
 * were waiting when Kafka answered again have all been published. Failures during an outage, and a
 * failure while the backlog is still going out, say nothing more.
 */
public final class KafkaOutage {

    /** What to say after an attempt. */
    public enum Say {
        NOTHING, UNREACHABLE, BACK
    }

    private boolean down;
    /** Records still to publish before the outage is over; -1 while no attempt has worked since it began. */
    private long backlog = -1;
    /** Records published since the outage began. */
    private long publishedSince;

    /** An attempt failed: Kafka could not be reached or did not answer in time. */
    public Say failed() {
        if (down) {
            backlog = -1;
            return Say.NOTHING;
        }
        down = true;
        backlog = -1;
        publishedSince = 0;
        return Say.UNREACHABLE;
    }

    /**
     * An attempt published {@code count} records; {@code stillWaiting} are left behind them. The first
     * success of an outage fixes the backlog: what was waiting then.
     */
    public Say published(long count, long stillWaiting) {
        if (!down) {
            return Say.NOTHING;
        }
        publishedSince += count;
        backlog = backlog < 0 ? stillWaiting : backlog - count;
        if (backlog > 0) {
            return Say.NOTHING;
        }
        down = false;
        backlog = -1;
        return Say.BACK;
    }

    public boolean isDown() {
        return down;
    }

    /** Records published since the outage began: the N of "published N that waited". */
    public long publishedSinceOutage() {
        return publishedSince;
    }
}
