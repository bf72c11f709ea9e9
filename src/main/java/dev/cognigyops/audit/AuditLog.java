package dev.cognigyops.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
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
public final class AuditLog {

    public static final String ACTOR = "cognigy-ops";

    private final Path file;
    private final Clock clock;
    private final BiConsumer<String, String> topic;

    /**
     * @param topic queues (runId, line) for the audit topic; it must not wait
     */
    public AuditLog(Path file, Clock clock, BiConsumer<String, String> topic) {
        this.file = file;
        this.clock = clock;
        this.topic = topic;
    }

    public JsonNode record(RunContext run, String action, String outcome, String resource, Map<String, ?> details) {
        return record(run.runId(), run.operation(), action, outcome, resource, details);
    }

    /** An event under a run id of its own, e.g. a refused duplicate request that starts no run. */
    public JsonNode record(String runId, String operation, String action, String outcome, String resource,
                           Map<String, ?> details) {
        ObjectNode event = Json.object();
        event.put("eventId", UUID.randomUUID().toString());
        event.put("timestamp", clock.instant().toString());
        event.put("runId", runId);
        event.put("operation", operation);
        event.put("action", action);
        event.put("outcome", outcome);
        event.put("actor", ACTOR);
        event.put("resource", resource);
        event.set("details", details == null ? Json.object() : Json.MAPPER.valueToTree(details));
        String line = Secrets.redact(Json.write(event));
        append(line);
        topic.accept(runId, line);
        return event;
    }

    private synchronized void append(String line) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write audit file " + file, e);
        }
    }
}
