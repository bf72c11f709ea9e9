package dev.cognigyops.triggers;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunDispatch;
import dev.cognigyops.runs.RunRequests;
import dev.cognigyops.runs.Trigger;

/**
 * The Kafka trigger's steps ({@code routes/triggers.camel.yaml}). A valid request is handed off
 * durably — written to the spool folder — before its offset is committed, so a crash loses
 * nothing and a long run never holds up the partition; an invalid one is answered REJECTED and
 * copied to the dead-letter topic with the error in its headers.
 */
public final class KafkaRequests {

    public static final String ERROR_HEADER = "cognigy-error";
    public static final String ERROR_CODE_HEADER = "cognigy-error-code";

    private final RunRequests requests;

    public KafkaRequests(RunRequests requests) {
        this.requests = requests;
    }

    /** Step: where the record came from. */
    public void describe(Exchange exchange) {
        var in = exchange.getMessage();
        exchange.setProperty(RunDispatch.TRIGGER, Trigger.KAFKA.label());
        exchange.setProperty(RunDispatch.SOURCE, "kafka:" + in.getHeader(KafkaConstants.TOPIC) + "/"
                + in.getHeader(KafkaConstants.PARTITION) + "/" + in.getHeader(KafkaConstants.OFFSET));
        exchange.setProperty("kafkaViolations", requests.check(in.getBody(String.class), null));
        exchange.setProperty("spoolName", in.getHeader(KafkaConstants.TOPIC) + "~" + in.getHeader(KafkaConstants.PARTITION)
                + "~" + in.getHeader(KafkaConstants.OFFSET) + ".json");
        // the run's steps clear headers: keep what the commit and the dead-letter copy need
        exchange.setProperty("kafkaCommit", in.getHeader(KafkaConstants.MANUAL_COMMIT));
        exchange.setProperty("kafkaKey", in.getHeader(KafkaConstants.KEY));
        java.util.Map<String, Object> recordHeaders = new java.util.LinkedHashMap<>();
        in.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("kafka.") && !k.startsWith("Camel")) {
                recordHeaders.put(k, v);
            }
        });
        exchange.setProperty("kafkaRecordHeaders", recordHeaders);
    }

    /** Predicate: the record is a request that can run. */
    public boolean isValid(Exchange exchange) {
        return exchange.getProperty("kafkaViolations", List.class).isEmpty();
    }

    /** Step on the spool route: the record's origin, from its spool file name. */
    public void describeSpooled(Exchange exchange) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String[] parts = name.substring(0, name.length() - ".json".length()).split("~");
        exchange.setProperty(RunDispatch.TRIGGER, Trigger.KAFKA.label());
        exchange.setProperty(RunDispatch.SOURCE, "kafka:" + String.join("/", parts));
    }

    /** Step: the dead-letter copy keeps the record's key and value and says what was wrong. */
    @SuppressWarnings("unchecked")
    public void deadLetter(Exchange exchange) {
        var message = exchange.getMessage();
        Object key = exchange.getProperty("kafkaKey");
        List<String> violations = exchange.getProperty("kafkaViolations", List.class);
        message.removeHeaders("*");
        message.setHeaders(new java.util.LinkedHashMap<>(exchange.getProperty("kafkaRecordHeaders", java.util.Map.class)));
        message.setBody(exchange.getProperty("originalRequest", String.class));
        message.setHeader(ERROR_CODE_HEADER, ErrorCode.INVALID_REQUEST.name());
        message.setHeader(ERROR_HEADER, String.join(" | ", violations));
        message.setHeader("cognigy-source", exchange.getProperty(RunDispatch.SOURCE, String.class));
        message.setHeader("cognigy-run-id", exchange.getProperty("run", dev.cognigyops.runs.RunContext.class).runId());
        if (key != null) {
            message.setHeader(KafkaConstants.KEY, key);
        }
    }

    /** Step: the request is safe (spooled, or answered and dead-lettered): commit its offset. */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getProperty("kafkaCommit", KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }
}
