package dev.cognigyops.runs;

import java.nio.file.Path;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cognigyops.support.Json;

/**
 * The watched folder's rules (docs/contract.md#run-requests): a file in {@code inbox/<operation>/} holds a bare payload
 * for that operation; a file that ran moves to {@code .done/}; a rejected one moves to
 * {@code .failed/} beside a {@code <name>.error.json} naming every violation.
 */
public final class Inbox {

    public static final String DESTINATION = "inboxDestination";
    public static final String ERROR_FILE = "inboxErrorFile";
    /** Why a file's request could not even be started (e.g. the run store did not answer): it goes to .failed. */
    public static final String NOT_STARTED = "inboxNotStarted";
    static final String DONE = ".done";
    static final String FAILED = ".failed";

    /** Step: trigger, source and operation hint from the file's path relative to the inbox. */
    public void describe(Exchange exchange) {
        String relative = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        exchange.setProperty(RunDispatch.TRIGGER, Trigger.FILE.label());
        exchange.setProperty(RunDispatch.SOURCE, "inbox/" + relative);
        exchange.setProperty(RunDispatch.OPERATION_HINT, operationHint(relative));
        exchange.setProperty(DESTINATION, DONE);
        exchange.setProperty(ERROR_FILE, errorFileName(relative));
    }

    /** {@code nlu-export/x.json} has its error file at {@code .failed/nlu-export/x.error.json}. */
    static String errorFileName(String relative) {
        String base = relative.endsWith(".json") ? relative.substring(0, relative.length() - ".json".length()) : relative;
        return base + ".error.json";
    }

    /** The folder a bare payload was dropped in, or null for a file at the top of the inbox. */
    static String operationHint(String relative) {
        if (relative == null) {
            return null;
        }
        Path parent = Path.of(relative).getParent();
        return parent == null ? null : parent.getFileName().toString();
    }

    /** Predicate: the file goes to .failed with an error file — it was rejected, its result has no file, or it never started. */
    public boolean needsErrorFile(Exchange exchange) {
        if (exchange.getProperty(NOT_STARTED) != null) {
            return true;
        }
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        return run != null && (run.isRejected() || exchange.getProperty(RunDispatch.RESULT_NOT_WRITTEN) != null);
    }

    /**
     * Step, when the dispatch itself failed before the run could start — the run store did not answer
     * for cognigy.store.retry-ms, so the run could not be written: nothing ran, and the file is kept in
     * .failed/ with an error file that says so, to be dropped again.
     */
    public void notStarted(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean store = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            store |= t instanceof dev.cognigyops.store.StoreException;
        }
        String why = failure == null ? "unknown" : failure.getMessage();
        exchange.setProperty(NOT_STARTED, store
                ? "the request was not started: the run store did not answer (" + why + "); nothing ran. "
                        + "Drop the file into the inbox again once the store answers"
                : "the request was not started: " + why + "; nothing ran");
        exchange.setProperty(NOT_STARTED + "Code", store ? ErrorCode.STORAGE_ERROR.name() : ErrorCode.INTERNAL_ERROR.name());
    }

    /**
     * Step for a file that goes to .failed: this is its error file's content. A rejected request's
     * names every violation; a run whose result could not be written says why, and carries the result.
     */
    public String errorFile(Exchange exchange) throws java.io.IOException {
        exchange.setProperty(DESTINATION, FAILED);
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        ObjectNode error = Json.object();
        String notStarted = exchange.getProperty(NOT_STARTED, String.class);
        if (notStarted != null) {
            error.put("runId", run == null ? null : run.runId());
            error.put("file", exchange.getProperty(RunDispatch.SOURCE, String.class));
            error.put("code", exchange.getProperty(NOT_STARTED + "Code", String.class));
            error.put("message", notStarted);
            return Json.writePretty(error);
        }
        error.put("runId", run.runId());
        error.put("file", exchange.getProperty(RunDispatch.SOURCE, String.class));
        String notWritten = exchange.getProperty(RunDispatch.RESULT_NOT_WRITTEN, String.class);
        if (run.isRejected()) {
            error.put("code", ErrorCode.INVALID_REQUEST.name());
            error.put("message", run.errorMessage());
            error.set("violations", Json.MAPPER.valueToTree(run.violations()));
            if (notWritten != null) {
                error.put("resultNotWritten", notWritten);
            }
        } else {
            error.put("code", ErrorCode.STORAGE_ERROR.name());
            error.put("message", notWritten);
        }
        if (notWritten != null) {
            error.set("result", Json.parse(exchange.getMessage().getBody(String.class)));
        }
        return Json.writePretty(error);
    }
}
