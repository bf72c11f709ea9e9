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

    /** Predicate: the file goes to .failed with an error file — it was rejected, or its result has no file. */
    public boolean needsErrorFile(Exchange exchange) {
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        return run != null && (run.isRejected() || exchange.getProperty(RunDispatch.RESULT_NOT_WRITTEN) != null);
    }

    /**
     * Step for a file that goes to .failed: this is its error file's content. A rejected request's
     * names every violation; a run whose result could not be written says why, and carries the result.
     */
    public String errorFile(Exchange exchange) throws java.io.IOException {
        exchange.setProperty(DESTINATION, FAILED);
        RunContext run = exchange.getProperty(RunContext.PROPERTY, RunContext.class);
        ObjectNode error = Json.object();
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
