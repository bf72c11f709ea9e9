package dev.cognigyops.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.runs.RunContext;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;

/**
 * Writes audit events (docs/contract.md#audit-events): one JSON object per line in the audit file, then the same line
 * queued for the audit topic (dev.cognigyops.publish.TopicOutbox, which takes nothing when Kafka is
 * off). The file is the record of truth; queueing never waits on Kafka (docs/contract.md#hostile-input-and-failing-dependencies). Secrets are
 * redacted from every line.
 */
public final class AuditLog implements AutoCloseable {

    public static final String ACTOR = "cognigy-ops";

    private final Path file;
    private final Clock clock;
    private final BiConsumer<String, String> topic;
    /** Where each event is written besides the file (the run store, for the runs API); none until {@link #alsoTo}. */
    private volatile Sink sink;
    /** True while the sink fails: its failure is said once, not once per event. */
    private volatile boolean sinkFailing;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuditLog.class);
    /** The audit file, open for appending between events; reopened when it was moved away (rotated). */
    private FileChannel channel;

    /**
     * @param topic queues (runId, line) for the audit topic; it must not wait
     */
    public AuditLog(Path file, Clock clock, BiConsumer<String, String> topic) {
        this.file = file;
        this.clock = clock;
        this.topic = topic;
    }

    /**
     * A second place for every event, after the file: the run store's {@code audit_events}, read by
     * the runs API. It must not wait. The file stays the record of truth: a sink that throws is warned
     * about (once until it works again) and the run goes on.
     */
    public interface Sink {
        void write(String runId, String action, java.time.Instant at, String line);

        /** Waits (at most {@code max}) until every event written so far has reached the sink's store. */
        default boolean flush(java.time.Duration max) {
            return true;
        }
    }

    /**
     * Waits (at most {@code max}) until every event so far is in the run store too: a run's end is recorded
     * after its events, so that whoever reads the run as ended finds them (its last status read, its progress).
     */
    public boolean settle(java.time.Duration max) {
        Sink current = sink;
        return current == null || current.flush(max);
    }

    /** Every event from now on is also written to {@code sink}. */
    public void alsoTo(Sink sink) {
        this.sink = sink;
    }

    public JsonNode record(RunContext run, String action, String outcome, String resource, Map<String, ?> details) {
        return record(run.runId(), run.operation(), action, outcome, resource, details);
    }

    /** An event under a run id of its own, e.g. a refused duplicate request that starts no run. */
    public JsonNode record(String runId, String operation, String action, String outcome, String resource,
                           Map<String, ?> details) {
        ObjectNode event = Json.object();
        java.time.Instant now = clock.instant();
        event.put("eventId", UUID.randomUUID().toString());
        event.put("timestamp", now.toString());
        event.put("runId", runId);
        event.put("operation", operation);
        event.put("action", action);
        event.put("outcome", outcome);
        event.put("actor", ACTOR);
        event.put("resource", resource);
        event.set("details", details == null ? Json.object() : Json.MAPPER.valueToTree(details));
        String line = Secrets.redact(Json.write(event));
        append(line);
        store(runId, action, now, line);
        topic.accept(runId, line);
        return event;
    }

    private void store(String runId, String action, java.time.Instant at, String line) {
        Sink to = sink;
        if (to == null) {
            return;
        }
        try {
            to.write(runId, action, at, line);
            if (sinkFailing) {
                sinkFailing = false;
                LOG.info("audit events are written to the run store again");
            }
        } catch (RuntimeException e) {
            if (!sinkFailing) {
                sinkFailing = true;
                LOG.warn("an audit event of run {} ({}) is only in the audit file, not in the run store (the runs API "
                        + "will not show it): {}", runId, action, e.getMessage());
            }
        }
    }

    /**
     * Appends one line. The file stays open between events: opening, creating the folder and closing
     * for every event made the lock a queue when a thousand monitors each audited a read a second.
     * A file moved or deleted meanwhile (rotated) is noticed and opened anew.
     */
    private synchronized void append(String line) {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            if (channel == null || !Files.exists(file)) {
                reopen();
            }
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("cannot write audit file " + file, e);
        }
    }

    private void reopen() throws IOException {
        closeQuietly();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the next event opens the file again
            }
            channel = null;
        }
    }

    /** Closes the file when the service stops; an event after that opens it again. */
    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
