package dev.cognigyops;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultExchange;

import dev.cognigyops.publish.TopicOutbox;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunDispatch;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.runs.Trigger;
import dev.cognigyops.store.DurableRuns;
import dev.cognigyops.store.RunStore;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Switches;

/**
 * Starts cognigy-ops.
 * <ul>
 *   <li>{@code java -jar cognigy-ops.jar} runs the service: Kafka, the watched folder and the schedules;</li>
 *   <li>{@code java -jar cognigy-ops.jar run FILE} runs one request in the foreground, prints its result
 *       on standard output (logs go to standard error) and exits 0 SUCCEEDED, 1 FAILED or CANCELLED,
 *       2 REJECTED. The run is written to the run store like every other: its requestId is refused
 *       wherever it ran, and the same request run again after a crash goes on from its last checkpoint.</li>
 * </ul>
 */
public final class CognigyOps {

    /** The largest temporary direct buffer the JDK keeps per thread for channel I/O (unless set otherwise). */
    static final String MAX_CACHED_BUFFER = "262144";

    static {
        // The embedded store writes its file in chunks of several MB through FileChannel; the JDK copies each
        // into a temporary direct buffer and, by default, keeps it for the thread that wrote. Every thread that
        // ever committed (workers, poll delays, the audit writer) kept one, past -XX:MaxDirectMemorySize=32m:
        // under 1,000 monitors the store failed with "Cannot reserve 8085504 bytes of direct buffer memory"
        // (bench/monitor-1000.sh). Larger buffers are now freed after use. Set before any channel is used.
        if (System.getProperty("jdk.nio.maxCachedBufferSize") == null) {
            System.setProperty("jdk.nio.maxCachedBufferSize", MAX_CACHED_BUFFER);
        }
    }

    private CognigyOps() {
    }

    public static void main(String... args) throws Exception {
        if (args.length > 0 && "run".equals(args[0])) {
            if (args.length != 2) {
                System.err.println("usage: java -jar cognigy-ops.jar run FILE");
                System.exit(2);
            }
            System.exit(runOnce(Path.of(args[1])));
        }
        Main main = newMain();
        try {
            main.run(args);
        } catch (Exception e) {
            exitWhenItCannotStart(e);
            throw e;
        }
    }

    /**
     * Camel's main, with no class of ours to scan from: application.properties names the configuration
     * class. A main class turns on the scan of its package for beans before application.properties is
     * read (camel.main.base-package-scan-enabled=false comes too late), and that scan inflates the whole
     * 70 MB jar: about 2 s of CPU at every start, every command-line run included.
     */
    public static Main newMain() {
        return new Main();
    }

    /**
     * A run store that cannot be reached or is newer than this program, or a setting the program cannot
     * run with (missing, malformed, an unknown cognigy.api.profile): one line, no stack trace, exit 1.
     */
    private static void exitWhenItCannotStart(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof dev.cognigyops.store.StoreException || t instanceof dev.cognigyops.support.InvalidSetting) {
                System.err.println("cognigy-ops cannot start: " + dev.cognigyops.support.Secrets.redact(t.getMessage()));
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
        Main main = newMain();
        main.addOverrideProperty(Switches.TRIGGERS, "false");
        // a pipeline's one run serves nothing: no HTTP server, probes or metrics (docs/contract.md §8)
        main.addOverrideProperty("camel.server.enabled", "false");
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("camel.metrics.enabled", "false");
        try {
            main.start();
        } catch (Exception e) {
            exitWhenItCannotStart(e);
            throw e;
        }
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
            String unfinished = done.getException() == null && done.getMessage().getBody() == null
                    ? unfinishedRunOf(done) : null;
            if (unfinished != null) {
                // the same request ran before and did not finish: go on from its checkpoint when nobody holds it
                DurableRuns durable = main.getCamelContext().getRegistry().lookupByNameAndType("durableRuns", DurableRuns.class);
                var claimed = durable.claimRun(unfinished);
                if (claimed.isEmpty()) {
                    System.err.println("request in " + file + " runs already: " + heldBy(durable, unfinished)
                            + "; not started again. Once that lease has lapsed, run it again to go on from its last checkpoint");
                    return RunStatus.REJECTED.exitCode();
                }
                Exchange resume = new DefaultExchange(main.getCamelContext());
                resume.setProperty(RunDispatch.RESUMED, claimed.get());
                done = template.send("direct:run-request", resume);
            }
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

    /** The id of the run a duplicate repeats when that run is in the store and not finished, else null. */
    private static String unfinishedRunOf(Exchange done) {
        RunContext run = done.getProperty(RunContext.PROPERTY, RunContext.class);
        if (run == null || !run.isDuplicate()) {
            return null;
        }
        DurableRuns durable = done.getContext().getRegistry().lookupByNameAndType("durableRuns", DurableRuns.class);
        return durable.find(run.runId()).filter(row -> RunStore.RUNNING.equals(row.status())).map(RunStore.StoredRun::runId)
                .orElse(null);
    }

    private static String heldBy(DurableRuns durable, String runId) {
        return durable.find(runId).map(row -> "run " + runId + " is held by " + row.owner() + " until " + row.leaseUntil())
                .orElse("run " + runId);
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
