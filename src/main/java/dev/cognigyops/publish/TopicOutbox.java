package dev.cognigyops.publish;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results and audit events on their way to Kafka (docs/contract.md#hostile-input-and-failing-dependencies: Kafka down never stalls a run).
 * <p>
 * A run writes its result and audit events to their files first, then queues them here; queueing
 * never waits. One thread of the outbox's own takes them from the head of the queue, in order, and
 * hands them to the {@link Sender} (in the application, the route {@code direct:send-to-topic},
 * whose Kafka producer is bounded). A failed send stays at the head and is tried again after a
 * backoff ({@link OutboxBackoff}) until Kafka is back, so nothing is dropped or reordered. While
 * Kafka works, what waits goes in batches; after a failure, one record at a time until one goes
 * through (so a Kafka that is away costs one bounded attempt per try, not one per record).
 * <p>
 * The queue holds at most {@link Limits#capacity()} records; past that a record is not queued (it is
 * in its file) and is counted. An outage is said once ({@link KafkaOutage}): one WARN when
 * publishing first fails, one INFO when what waited has gone out. A record Kafka refuses for what
 * it is ({@link SendFailure}) is set aside with one WARN. Every outcome is counted.
 * <p>
 * When Kafka is off (no brokers) the outbox takes nothing and starts no thread.
 */
public final class TopicOutbox {

    /** What a record is, for saying how many of each could not be published. */
    public enum Kind {
        RESULT("result", "results"), AUDIT_EVENT("audit event", "audit events");

        private final String one;
        private final String many;

        Kind(String one, String many) {
            this.one = one;
            this.many = many;
        }

        String count(long n) {
            return n + " " + (n == 1 ? one : many);
        }
    }

    /** One record for a topic: the runId is its key, the JSON its value. */
    public record Item(Kind kind, String topic, String key, String value) {
    }

    /** Publishes records, in order; returns once Kafka has acknowledged them all, throws when any failed. */
    @FunctionalInterface
    public interface Sender {
        void send(List<Item> batch) throws Exception;
    }

    /** Where records go and where they are kept on disk; {@code brokers} blank turns the outbox off. */
    public record Where(String brokers, String resultsTopic, String auditTopic, Path resultsDir, Path auditFile) {
    }

    /**
     * @param capacity    records that may wait ({@code cognigy.kafka.outbox-capacity})
     * @param batchSize   most records handed to the sender at once while Kafka works
     * @param backoff     the wait between failed attempts
     * @param flushTime   how long {@link #flush()} waits for the queue to empty ({@code cognigy.kafka.max-block-ms})
     * @param attemptTime the longest one attempt can take; {@link #close()} waits this long for one under way
     */
    public record Limits(int capacity, int batchSize, OutboxBackoff backoff, Duration flushTime, Duration attemptTime) {
        public Limits {
            if (capacity < 1 || batchSize < 1) {
                throw new IllegalArgumentException("capacity and batch size must be at least 1");
            }
        }
    }

    /** How many results and audit events were not published. */
    public record Unpublished(long results, long auditEvents) {

        public static final Unpublished NONE = new Unpublished(0, 0);

        public long total() {
            return results + auditEvents;
        }

        public boolean isEmpty() {
            return total() == 0;
        }

        /** "1 result and 6 audit events", "3 audit events", "nothing". */
        @Override
        public String toString() {
            if (isEmpty()) {
                return "nothing";
            }
            if (results == 0) {
                return Kind.AUDIT_EVENT.count(auditEvents);
            }
            if (auditEvents == 0) {
                return Kind.RESULT.count(results);
            }
            return Kind.RESULT.count(results) + " and " + Kind.AUDIT_EVENT.count(auditEvents);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicOutbox.class);

    private final Sender sender;
    private final Where where;
    private final Limits limits;
    private final boolean on;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever the queue or the drainer's state changes. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final KafkaOutage outage = new KafkaOutage();
    /** Records not queued (the queue was full) or refused by Kafka, by kind. */
    private final Map<Kind, Long> setAside = new EnumMap<>(Kind.class);

    private Thread drainer;
    private boolean closed;
    private boolean stopRetrying;
    private boolean attempting;
    /** The last attempt worked: what waits may go in batches. */
    private boolean confirmed;
    private int failuresInARow;
    /** Records of a failed batch still to be sent one at a time. */
    private int singlesLeft;
    private long nextAttemptNanos;
    private boolean fullSaid;

    private long published;
    private long failedAttempts;
    private long dropped;
    private long refused;
    private long outagesSaid;
    private long recoveriesSaid;
    private long fullWarnings;

    public TopicOutbox(Sender sender, Where where, Limits limits) {
        this.sender = sender;
        this.where = where;
        this.limits = limits;
        this.on = where.brokers() != null && !where.brokers().isBlank();
    }

    /** Step of the run's route, after the result file is written: queue the result for the results topic. */
    public void queueResult(String runId, String result) {
        offer(new Item(Kind.RESULT, where.resultsTopic(), runId, result));
    }

    /** After an audit line is written: queue it for the audit topic. */
    public void queueAuditEvent(String runId, String line) {
        offer(new Item(Kind.AUDIT_EVENT, where.auditTopic(), runId, line));
    }

    /** Queues a record without waiting; false when it was not queued (Kafka off, the queue full or closed). */
    public boolean offer(Item item) {
        if (!on) {
            return false;
        }
        int waiting;
        lock.lock();
        try {
            if (!closed && queue.size() < limits.capacity()) {
                queue.addLast(item);
                changed.signalAll();
                return true;
            }
            dropped++;
            setAside.merge(item.kind(), 1L, Long::sum);
            if (closed || fullSaid) {
                return false;
            }
            fullSaid = true;
            fullWarnings++;
            waiting = queue.size();
        } finally {
            lock.unlock();
        }
        LOG.warn("the queue for Kafka at {} is full ({} waiting): further results and audit events are only in {} and {}"
                 + " (counted) until it has room", where.brokers(), waiting, where.resultsDir(), where.auditFile());
        return false;
    }

    /** Starts the thread that publishes; called once the routes run. */
    public void start() {
        lock.lock();
        try {
            if (!on || drainer != null || closed) {
                return;
            }
            drainer = new Thread(this::drain, "topic-outbox");
            drainer.setDaemon(true);
            drainer.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives what waits at most {@link Limits#flushTime()} to be published, less when Kafka is down and
     * the next attempt would come after that; returns what is still waiting.
     */
    public Unpublished flush() {
        if (!on) {
            return Unpublished.NONE;
        }
        long deadline = System.nanoTime() + limits.flushTime().toNanos();
        lock.lock();
        try {
            while (!queue.isEmpty() && !closed && drainer != null && drainer.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (!attempting && failuresInARow > 0 && (stopRetrying || nextAttemptNanos - deadline >= 0)) {
                    break;
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        return waitingByKind();
    }

    /**
     * From now on a failed attempt ends the publishing instead of waiting to try again: the service is
     * stopping, and what Kafka did not take stays in the files.
     */
    public void stopRetrying() {
        lock.lock();
        try {
            stopRetrying = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops publishing: waits at most {@link Limits#attemptTime()} for an attempt under way, and
     * returns what is left unpublished in the queue. Later records are not queued.
     */
    public Unpublished close() {
        Thread thread;
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            thread = drainer;
        } finally {
            lock.unlock();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(Math.max(1, limits.attemptTime().toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return waitingByKind();
    }

    private void drain() {
        while (true) {
            List<Item> batch;
            lock.lock();
            try {
                batch = nextBatch();
                if (batch == null) {
                    return;
                }
                attempting = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            Throwable failure = null;
            try {
                sender.send(batch);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // whatever went wrong, the records stay at the head and the outbox goes on
                failure = e;
            }
            settle(batch, failure);
        }
    }

    /** The next records to send, once there are some and any backoff is over; null when publishing ends. */
    private List<Item> nextBatch() throws InterruptedException {
        while (true) {
            if (closed || (stopRetrying && failuresInARow > 0)) {
                return null;
            }
            if (queue.isEmpty()) {
                changed.await();
                continue;
            }
            long wait = nextAttemptNanos - System.nanoTime();
            if (failuresInARow > 0 && wait > 0) {
                changed.awaitNanos(wait);
                continue;
            }
            int size = confirmed && singlesLeft == 0 ? Math.min(limits.batchSize(), queue.size()) : 1;
            List<Item> batch = new ArrayList<>(size);
            Iterator<Item> head = queue.iterator();
            while (batch.size() < size) {
                batch.add(head.next());
            }
            return batch;
        }
    }

    /** Records the attempt's outcome; says what is worth saying, outside the lock. */
    private void settle(List<Item> batch, Throwable failure) {
        KafkaOutage.Say say = KafkaOutage.Say.NOTHING;
        Item refusedItem = null;
        long waiting;
        long waited = 0;
        lock.lock();
        try {
            attempting = false;
            if (failure == null) {
                for (int i = 0; i < batch.size(); i++) {
                    queue.removeFirst();
                }
                published += batch.size();
                singlesLeft = Math.max(0, singlesLeft - batch.size());
                failuresInARow = 0;
                confirmed = true;
                say = outage.published(batch.size(), queue.size());
                if (say == KafkaOutage.Say.BACK) {
                    recoveriesSaid++;
                    waited = outage.publishedSinceOutage();
                }
                if (queue.isEmpty()) {
                    fullSaid = false;
                }
            } else {
                failedAttempts++;
                if (SendFailure.isPermanent(failure)) {
                    if (batch.size() == 1) {
                        refusedItem = queue.removeFirst();
                        refused++;
                        setAside.merge(refusedItem.kind(), 1L, Long::sum);
                        singlesLeft = Math.max(0, singlesLeft - 1);
                    } else {
                        // one of them is refused: find it, one at a time
                        singlesLeft = Math.max(singlesLeft, batch.size());
                    }
                } else {
                    failuresInARow++;
                    confirmed = false;
                    singlesLeft = Math.max(singlesLeft, batch.size());
                    nextAttemptNanos = System.nanoTime() + limits.backoff().after(failuresInARow).toNanos();
                    if (!stopRetrying && !closed) {
                        say = outage.failed();
                        if (say == KafkaOutage.Say.UNREACHABLE) {
                            outagesSaid++;
                        }
                    }
                }
            }
            waiting = queue.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (say == KafkaOutage.Say.UNREACHABLE) {
            LOG.warn("Kafka at {} is unreachable ({}): results and audit events are in {} and {}, and are published"
                     + " when it is back; {} waiting", where.brokers(), cause(failure), where.resultsDir(),
                    where.auditFile(), waiting);
        } else if (say == KafkaOutage.Say.BACK) {
            LOG.info("Kafka at {} is back: published {} that waited", where.brokers(), waited);
        }
        if (refusedItem != null) {
            LOG.warn("Kafka at {} refused the {} of run {} ({}): it is only in {}", where.brokers(),
                    refusedItem.kind().one, refusedItem.key(), cause(failure),
                    refusedItem.kind() == Kind.RESULT ? where.resultsDir() : where.auditFile());
        }
    }

    private static String cause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** What is waiting in the queue, by kind. */
    public Unpublished waitingByKind() {
        lock.lock();
        try {
            long results = queue.stream().filter(i -> i.kind() == Kind.RESULT).count();
            return new Unpublished(results, queue.size() - results);
        } finally {
            lock.unlock();
        }
    }

    /** Everything queued or offered and not published: waiting, not queued for want of room, refused. */
    public Unpublished notPublished() {
        Unpublished waiting = waitingByKind();
        lock.lock();
        try {
            return new Unpublished(waiting.results() + setAside.getOrDefault(Kind.RESULT, 0L),
                    waiting.auditEvents() + setAside.getOrDefault(Kind.AUDIT_EVENT, 0L));
        } finally {
            lock.unlock();
        }
    }

    /** "1 result and 6 audit events were not published to Kafka at …; they are only in results and audit/audit.jsonl". */
    public String onDiskOnly(Unpublished missed) {
        return missed + (missed.total() == 1 ? " was" : " were") + " not published to Kafka at " + where.brokers()
               + "; " + (missed.total() == 1 ? "it is" : "they are") + " only in " + where.resultsDir() + " and "
               + where.auditFile();
    }

    public boolean isOn() {
        return on;
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    public Where where() {
        return where;
    }

    public Limits limits() {
        return limits;
    }

    // counters, for the metrics to come

    /** Records Kafka acknowledged. */
    public long published() {
        return locked(() -> published);
    }

    /** Attempts that failed, each counted once however many records it carried. */
    public long failedAttempts() {
        return locked(() -> failedAttempts);
    }

    /** Records waiting in the queue. */
    public long waiting() {
        return locked(() -> (long) queue.size());
    }

    /** Records not queued because the queue was full (or closed); they are only in the files. */
    public long dropped() {
        return locked(() -> dropped);
    }

    /** Records Kafka refused for what they are; they are only in the files. */
    public long refused() {
        return locked(() -> refused);
    }

    /** Times an outage was said (one WARN each). */
    public long outagesSaid() {
        return locked(() -> outagesSaid);
    }

    /** Times the end of an outage was said (one INFO each). */
    public long recoveriesSaid() {
        return locked(() -> recoveriesSaid);
    }

    /** Times a full queue was said (one WARN each). */
    public long fullWarnings() {
        return locked(() -> fullWarnings);
    }

    private long locked(java.util.function.LongSupplier read) {
        lock.lock();
        try {
            return read.getAsLong();
        } finally {
            lock.unlock();
        }
    }
}
