package dev.cognigyops.publish;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Whether a failed send is worth trying again. Kafka being away (no metadata in time, no
 * acknowledgement in time, a refused connection) passes; a record that Kafka refuses for what it
 * is (larger than the broker or producer accepts, invalid) never will, and retrying it would hold
 * every record behind it for ever.
 */
public final class SendFailure {

    private SendFailure() {
    }

    /** True when the record itself was refused: it is set aside (it is in its file), not retried. */
    public static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
                    || t instanceof InvalidRecordException) {
                return true;
            }
        }
        return false;
    }
}
