package dev.cognigyops;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultExchange;

import dev.cognigyops.publish.TopicOutbox;
import dev.cognigyops.runs.RunDispatch;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.runs.Trigger;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Switches;

/**
 * Starts cognigy-ops.
 * <ul>
 *   <li>{@code java -jar cognigy-ops.jar} runs the service: Kafka, the watched folder and the schedules;</li>
 *   <li>{@code java -jar cognigy-ops.jar run FILE} runs one request in the foreground, prints its result
 *       on standard output (logs go to standard error) and exits 0 SUCCEEDED, 1 FAILED or CANCELLED,
 *       2 REJECTED.</li>
 * </ul>
 */
public final class CognigyOps {

    private CognigyOps() {
    }

    public static void main(String... args) throws Exception {
        if (args.length > 0 && "run".equals(args[0])) {
            if (args.length != 2) {
                System.err.println("usage: java -jar cognigy-ops.jar run FILE");
                System.exit(2);
            }
            try {
                System.exit(runOnce(Path.of(args[1])));
            } catch (Exception e) {
                exitOnInvalidSetting(e);
                throw e;
            }
        }
        Main main = new Main(CognigyOps.class);
        try {
            main.run(args);
        } catch (Exception e) {
            // a run store that cannot be reached, or is newer than this program: one line, no stack trace
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof dev.cognigyops.store.StoreException store) {
                    System.err.println("cognigy-ops cannot start: " + store.getMessage());
                    System.exit(1);
                }
            }
            exitOnInvalidSetting(e);
            throw e;
        }
    }

    /** A setting the program cannot run with (e.g. an unknown cognigy.api.profile): one line, no stack trace. */
    private static void exitOnInvalidSetting(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof dev.cognigyops.support.InvalidSetting invalid) {
                System.err.println("cognigy-ops cannot start: " + invalid.getMessage());
                System.exit(1);
            }
        }
    }

    /**
     * Runs one request file with no trigger listening, prints the result, returns the exit code. The
     * result is printed and the exit code follows its status even when the result file cannot be
     * written; standard error then says why.
     */
    static int runOnce(Path file) throws Exception {
        String unreadable = unreadable(file);
        if (unreadable != null) {
            System.err.println("cannot read " + file + ": " + unreadable);
            return RunStatus.REJECTED.exitCode();
        }
        Main main = new Main(CognigyOps.class);
        main.addOverrideProperty(Switches.TRIGGERS, "false");
        main.start();
        try {
            long maxBytes = Long.parseLong(main.getCamelContext().resolvePropertyPlaceholders("{{cognigy.requests.max-bytes}}"));
            ProducerTemplate template = main.getCamelTemplate();
            Exchange exchange = new DefaultExchange(main.getCamelContext());
            exchange.setProperty(RunDispatch.TRIGGER, Trigger.CLI.label());
            exchange.setProperty(RunDispatch.SOURCE, file.toString());
            long size = Files.size(file);
            exchange.setProperty(RunDispatch.DECLARED_SIZE, size);
            // a request over the limit is REJECTED by its size: it is not read
            exchange.getMessage().setBody(size > maxBytes ? null : Files.readAllBytes(file));
            Exchange done = template.send("direct:run-request", exchange);
            sayWhatWasNotPublished(main.getCamelContext().getRegistry().lookupByNameAndType("topicOutbox", TopicOutbox.class));
            if (done.getException() != null) {
                System.err.println("cognigy-ops could not run " + file + ": " + done.getException().getMessage());
                return RunStatus.FAILED.exitCode();
            }
            String result = done.getMessage().getBody(String.class);
            if (result == null) {
                System.err.println("request in " + file + " has already run; no result is stored for it");
                return RunStatus.REJECTED.exitCode();
            }
            String notWritten = done.getProperty(RunDispatch.RESULT_NOT_WRITTEN, String.class);
            if (notWritten != null) {
                System.err.println("cognigy-ops: " + notWritten.replace("; it is kept and written again every "
                        + "cognigy.results.retry-ms until the folder takes it", "") + "; the result is printed below only");
            }
            System.out.println(Json.writePretty(Json.parse(result)));
            JsonNode status = Json.parse(result).get("status");
            return RunStatus.valueOf(status.asText()).exitCode();
        } finally {
            main.stop();
        }
    }

    /** Why the file cannot be read as a request, or null when it can. */
    static String unreadable(Path file) {
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (Files.isDirectory(file)) {
            return "it is a folder, not a file";
        }
        if (!Files.isReadable(file)) {
            return "permission denied";
        }
        return null;
    }

    /**
     * docs/contract.md#hostile-input-and-failing-dependencies: Kafka never holds the command line. What waits for Kafka gets at most
     * {@code cognigy.kafka.max-block-ms}; what it did not take is said on standard error (it is in the
     * files), and nothing is published after that.
     */
    private static void sayWhatWasNotPublished(TopicOutbox outbox) {
        if (outbox == null || !outbox.isOn()) {
            return;
        }
        outbox.flush();
        outbox.close();
        TopicOutbox.Unpublished missed = outbox.notPublished();
        if (!missed.isEmpty()) {
            System.err.println("cognigy-ops: " + outbox.onDiskOnly(missed));
        }
    }
}
