package dev.cognigyops.triggers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RequestText;
import dev.cognigyops.runs.RunContext;
import dev.cognigyops.runs.RunDispatch;
import dev.cognigyops.runs.RunRequests;
import dev.cognigyops.runs.Trigger;

/**
 * The Kafka trigger's steps ({@code routes/platform/triggers.camel.yaml}). The record's key and value are
 * bytes, as sent. A valid request is handed off durably — written to the spool folder — before its
 * offset is committed, so a crash loses nothing and a long run never holds up the partition; an
 * invalid one is answered REJECTED and dead-lettered as sent ({@link DeadLetter}), and its offset is
 * committed even when the dead-letter topic refuses it: such a record is logged with its
 * coordinates, counted ({@link #deadLettersFailed()}) and skipped, never read again.
 */
public final class KafkaRequests {

    private static final String VALUE = "kafkaValue";
    private static final String KEY = "kafkaKey";
    private static final String COORDINATES = "kafkaCoordinates";
    private static final String VIOLATIONS = "kafkaViolations";
    private static final String REJECTED = "kafkaRejected";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaRequests.class);

    private final RunRequests requests;
    private final long maxBytes;
    private final AtomicLong deadLettersFailed = new AtomicLong();

    /**
     * @param maxBytes {@code cognigy.requests.max-bytes}: a larger record is rejected unread and
     *                 dead-lettered as a reference
     */
    public KafkaRequests(RunRequests requests, long maxBytes) {
        this.requests = requests;
        this.maxBytes = maxBytes;
    }

    /** Where a record is. */
    record Coordinates(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "/" + partition + "/" + offset;
        }
    }

    /** Step: where the record came from, and whether it is a request that can run. */
    public void describe(Exchange exchange) {
        Message in = exchange.getMessage();
        var at = new Coordinates(in.getHeader(KafkaConstants.TOPIC, String.class),
                in.getHeader(KafkaConstants.PARTITION, 0, Integer.class),
                in.getHeader(KafkaConstants.OFFSET, -1L, Long.class));
        byte[] value = in.getBody(byte[].class);
        exchange.setProperty(COORDINATES, at);
        exchange.setProperty(RunDispatch.TRIGGER, Trigger.KAFKA.label());
        exchange.setProperty(RunDispatch.SOURCE, "kafka:" + at);
        // the request is UTF-8 whatever the platform's default charset
        exchange.setProperty(Exchange.CHARSET_NAME, StandardCharsets.UTF_8.name());
        // the same door as every other trigger: size, UTF-8, each key once, then the request's rules
        exchange.setProperty(VIOLATIONS, requests.check(RequestText.decode(value, maxBytes), null));
        exchange.setProperty("spoolName", at.topic() + "~" + at.partition() + "~" + at.offset() + ".json");
        // the run's steps clear headers and body: keep what the commit and the dead-letter copy need
        exchange.setProperty("kafkaCommit", in.getHeader(KafkaConstants.MANUAL_COMMIT));
        exchange.setProperty(KEY, in.getHeader(KafkaConstants.KEY));
        exchange.setProperty(VALUE, value);
        Map<String, byte[]> recordHeaders = new LinkedHashMap<>();
        in.getHeaders().forEach((k, v) -> {
            if (!k.startsWith("kafka.") && !k.startsWith("Camel") && v != null) {
                recordHeaders.put(k, v instanceof byte[] b ? b : String.valueOf(v).getBytes(StandardCharsets.UTF_8));
            }
        });
        exchange.setProperty("kafkaRecordHeaders", recordHeaders);
    }

    /** Predicate: the record is a request that can run. */
    public boolean isValid(Exchange exchange) {
        return exchange.getProperty(VIOLATIONS, List.class).isEmpty();
    }

    /** Step on the spool route: the record's origin, from its spool file name. */
    public void describeSpooled(Exchange exchange) {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String[] parts = name.substring(0, name.length() - ".json".length()).split("~");
        exchange.setProperty(RunDispatch.TRIGGER, Trigger.KAFKA.label());
        exchange.setProperty(RunDispatch.SOURCE, "kafka:" + String.join("/", parts));
    }

    /**
     * Step: the dead-letter record for a rejected one — its copy, or a reference when its value is
     * larger than {@code cognigy.requests.max-bytes}. The error is the run's when the run was
     * rejected (what its result says), else what the screen found.
     */
    @SuppressWarnings("unchecked")
    public void deadLetter(Exchange exchange) {
        Coordinates at = exchange.getProperty(COORDINATES, Coordinates.class);
        RunContext run = RunContext.of(exchange);
        String code = ErrorCode.INVALID_REQUEST.name();
        String error = String.join(" | ", exchange.getProperty(VIOLATIONS, List.class));
        if (run != null && run.isRejected() && run.errorCode() != null) {
            code = run.errorCode().name();
            error = run.errorMessage();
        }
        var rejected = new DeadLetter.Rejected(at.topic(), at.partition(), at.offset(),
                keyBytes(exchange.getProperty(KEY)), exchange.getProperty(VALUE, byte[].class),
                exchange.getProperty("kafkaRecordHeaders", Map.class), code, error,
                exchange.getProperty(RunDispatch.SOURCE, String.class), run == null ? null : run.runId());
        exchange.setProperty(REJECTED, rejected);
        put(exchange.getMessage(), DeadLetter.of(rejected, maxBytes));
    }

    /** Step, when the copy was refused as too large: the small reference record instead. */
    public void referenceRecord(Exchange exchange) {
        Coordinates at = exchange.getProperty(COORDINATES, Coordinates.class);
        Throwable refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.info("dead-letter copy of kafka:{} refused as too large ({}): sending a reference record instead",
                at, refusal == null ? "no reason given" : refusal.getMessage());
        put(exchange.getMessage(), DeadLetter.reference(exchange.getProperty(REJECTED, DeadLetter.Rejected.class)));
    }

    /** Step, when even that failed: said once, counted, and the record skipped (its offset is committed). */
    public void deadLetterFailed(Exchange exchange) {
        deadLettersFailed.incrementAndGet();
        Coordinates at = exchange.getProperty(COORDINATES, Coordinates.class);
        RunContext run = RunContext.of(exchange);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.error("rejected record kafka:{} (run {}) could not be dead-lettered and is skipped: {}", at,
                run == null ? "none" : run.runId(), cause == null ? "unknown failure" : cause.toString());
    }

    /** Rejected records that could not be dead-lettered since the start (for the metrics). */
    public long deadLettersFailed() {
        return deadLettersFailed.get();
    }

    /** Step: the request is safe (spooled, or answered and dead-lettered or counted): commit its offset. */
    public void commit(Exchange exchange) {
        KafkaManualCommit commit = exchange.getProperty("kafkaCommit", KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }

    private static void put(Message message, DeadLetter letter) {
        message.removeHeaders("*");
        letter.headers().forEach(message::setHeader);
        if (letter.key() != null) {
            message.setHeader(KafkaConstants.KEY, letter.key());
        }
        message.setBody(letter.value());
    }

    private static byte[] keyBytes(Object key) {
        if (key == null || key instanceof byte[]) {
            return (byte[]) key;
        }
        return String.valueOf(key).getBytes(StandardCharsets.UTF_8);
    }
}
