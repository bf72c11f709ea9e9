package dev.cognigyops.runs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.support.Json;

/**
 * Knows which run ids have run, so that one requestId never starts a second run. The results
 * folder is the durable record: a run id has run when its result exists and is not REJECTED
 * (a rejected request never started, so a corrected request may reuse its id). Runs in progress
 * are held in memory; after a crash, a request whose run never finished is run again.
 */
public final class RunLedger {

    private final Path resultsDir;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Results whose file could not be written yet, by run id: still the record that the run ran. */
    private final java.util.Map<String, Unwritten> unwritten = new ConcurrentHashMap<>();

    /** A finished run's result that waits for its file. */
    public record Unwritten(String runId, Path file, String json, java.time.Instant lastReminder) {
    }

    public RunLedger(Path resultsDir) {
        this.resultsDir = resultsDir;
    }

    /** Claims the run id; false when it is running now or has already run. */
    public boolean claim(String runId) {
        if (!inFlight.add(runId)) {
            return false;
        }
        if (hasRun(runId)) {
            inFlight.remove(runId);
            return false;
        }
        return true;
    }

    public void release(String runId) {
        inFlight.remove(runId);
    }

    public boolean isRunning(String runId) {
        return inFlight.contains(runId);
    }

    /** Keeps a result that could not be written; {@link #storedResult} answers with it meanwhile. */
    public void keepUnwritten(String runId, Path file, String json) {
        unwritten.put(runId, new Unwritten(runId, file, json, java.time.Instant.EPOCH));
    }

    public java.util.List<Unwritten> unwritten() {
        return java.util.List.copyOf(unwritten.values());
    }

    public void written(String runId) {
        unwritten.remove(runId);
    }

    /** True at most once a minute per waiting result: when to say again that it still waits. */
    public boolean shouldRemind(String runId, java.time.Instant now) {
        Unwritten waiting = unwritten.get(runId);
        if (waiting == null || now.isBefore(waiting.lastReminder().plusSeconds(60))) {
            return false;
        }
        unwritten.put(runId, new Unwritten(runId, waiting.file(), waiting.json(), now));
        return true;
    }

    /** The stored result of a run id, or null. */
    public JsonNode storedResult(String runId) {
        Unwritten waiting = unwritten.get(runId);
        if (waiting != null) {
            try {
                return Json.parse(waiting.json());
            } catch (IOException e) {
                return null;
            }
        }
        Path file = resultFile(runId);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    public Path resultFile(String runId) {
        return resultsDir.resolve(runId + ".json");
    }

    private boolean hasRun(String runId) {
        JsonNode result = storedResult(runId);
        return result != null && !RunStatus.REJECTED.name().equals(Json.text(result, "status"));
    }
}
