package dev.cognigyops.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cognigyops.audit.AuditLog;

/**
 * The audit events in the run store (table {@code audit_events}, migration V4), written beside the audit
 * file so that the runs API can read any run's events on any instance ({@link RunQueries#events}).
 * <p>
 * A run never waits for it: {@link #write} only queues the event; one thread writes what waits in order,
 * many events to a transaction (one insert and commit per event cost about 1.7 ms on the embedded store):
 * it waits up to {@value #LINGER_MS} ms after an event for more to come, while they come. A run's end waits for
 * its events ({@link dev.cognigyops.audit.AuditLog#settle}), so a run read as ended has them all.
 * The file stays the record of truth: an event the store does not take (after {@value #ATTEMPTS} attempts),
 * or that finds the queue full, is only in the file; that is said once until the store takes events again,
 * with no event's content.
 */
public final class StoredAuditEvents implements AuditLog.Sink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoredAuditEvents.class);
    private static final String INSERT = "INSERT INTO audit_events (run_id, action, event_time, event) VALUES (?, ?, ?, ?)";
    private static final int BATCH = 500;
    /** How long the writer waits for more events after the first, so that one commit takes many. */
    static final long LINGER_MS = 100;
    /** ... as long as the next event comes within this many ms of the last. */
    static final long GAP_MS = 5;
    static final int ATTEMPTS = 3;

    private record Event(String runId, String action, Instant at, String line) {
    }

    private final DataSource dataSource;
    private final BlockingQueue<Event> queue;
    private final Duration retryDelay;
    private final Thread writer;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile boolean closing;
    private volatile boolean failing;

    /** @param capacity events that may wait for the store; past that an event is only in the file */
    public StoredAuditEvents(DataSource dataSource, int capacity, Duration retryDelay) {
        this.dataSource = dataSource;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.retryDelay = retryDelay;
        this.writer = new Thread(this::writeWhatWaits, "audit-events-to-store");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void write(String runId, String action, Instant at, String line) {
        queued.incrementAndGet();
        if (!queue.offer(new Event(cut(runId, 200), cut(action, 100), at, line))) {
            settled.incrementAndGet();
            lose(1, "the queue of events for the store is full");
        }
    }

    /** Waits (at most {@code max}) until every event queued so far is in the store or given up. */
    @Override
    public boolean flush(Duration max) {
        long target = queued.get();
        long until = System.nanoTime() + max.toNanos();
        while (settled.get() < target) {
            if (System.nanoTime() > until) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** How many events are only in the audit file: the store refused them or the queue was full. */
    public long lost() {
        return lost.get();
    }

    /** Writes what waits (for at most five seconds), then stops the writer. */
    @Override
    public void close() {
        flush(Duration.ofSeconds(5));
        closing = true;
        writer.interrupt();
        try {
            writer.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeWhatWaits() {
        List<Event> batch = new ArrayList<>(BATCH);
        while (!closing) {
            try {
                Event first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                boolean interrupted = gatherMore(batch);
                insertWithRetries(batch);
                if (interrupted && closing) {
                    return;
                }
            } catch (InterruptedException e) {
                if (closing) {
                    return;
                }
            } finally {
                settled.addAndGet(batch.size());
                batch.clear();
            }
        }
    }

    /**
     * After the first event, what else comes within {@value #LINGER_MS} ms (up to {@value #BATCH}), each within
     * {@value #GAP_MS} ms of the one before: events
     * arrive one at a time from many runs, and each commit rewrites the table's pages, so a commit per
     * handful of events cost the writer about a third of a core at 1,000 events a second (bench/monitor-1000.sh).
     * True when the wait was interrupted (the store is closing): what was gathered is still written.
     */
    private boolean gatherMore(List<Event> batch) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
        while (batch.size() < BATCH) {
            queue.drainTo(batch, BATCH - batch.size());
            long left = until - System.nanoTime();
            if (batch.size() >= BATCH || left <= 0) {
                return false;
            }
            try {
                // a quiet moment ends the wait: an event alone is written within GAP_MS
                Event next = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(GAP_MS)), TimeUnit.NANOSECONDS);
                if (next == null) {
                    return false;
                }
                batch.add(next);
            } catch (InterruptedException e) {
                return true;
            }
        }
        return false;
    }

    private void insertWithRetries(List<Event> batch) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                insert(batch);
                if (failing) {
                    failing = false;
                    LOG.info("audit events are written to the run store again ({} in all only in the audit file)", lost.get());
                }
                return;
            } catch (SQLException | RuntimeException e) {
                if (attempt >= ATTEMPTS || closing) {
                    lose(batch.size(), new StoreException("the run store did not take them", e).getMessage());
                    return;
                }
                Thread.sleep(retryDelay.toMillis());
            }
        }
    }

    private void insert(List<Event> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(INSERT)) {
                for (Event e : batch) {
                    s.setString(1, e.runId());
                    s.setString(2, e.action());
                    s.setObject(3, RunStore.time(e.at()));
                    s.setString(4, e.line());
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private void lose(int events, String why) {
        lost.addAndGet(events);
        if (!failing) {
            failing = true;
            LOG.warn("audit events are only in the audit file, not in the run store (the runs API does not show them) "
                    + "until it takes them again: {}", why);
        }
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
