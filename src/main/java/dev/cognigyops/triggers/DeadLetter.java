package dev.cognigyops.triggers;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record a rejected Kafka request leaves on the dead-letter topic (docs/contract.md#hostile-input-and-failing-dependencies, "Dead letters as
 * sent"). Value in (the rejected record and why), value out (key, value and headers to send).
 *
 * <p>A {@link Kind#COPY} carries the value's original bytes, the original key and the sender's
 * headers, unchanged, plus the {@code cognigy-*} headers below. A record whose value is larger than
 * {@code cognigy.requests.max-bytes} — or whose copy the producer or broker refuses as too large — is
 * sent as a {@link Kind#REFERENCE} instead: an empty value and headers that say where the original
 * still is (topic, partition, offset) and how large it was, with the error. A reference stays small
 * whatever was sent: it keeps the key only up to {@value #MAX_REFERENCE_KEY_BYTES} bytes and leaves
 * the sender's headers out.
 *
 * <p>Headers (UTF-8 text): {@code cognigy-dead-letter} ({@code copy} or {@code reference}),
 * {@code cognigy-error-code}, {@code cognigy-error} (at most {@value #MAX_ERROR_CHARS} characters; the
 * run's result names every violation), {@code cognigy-source}, {@code cognigy-run-id},
 * {@code cognigy-original-topic}, {@code -partition}, {@code -offset}, {@code -size} (bytes).
 */
public record DeadLetter(Kind kind, byte[] key, byte[] value, Map<String, byte[]> headers) {

    public enum Kind { COPY, REFERENCE }

    public static final String KIND_HEADER = "cognigy-dead-letter";
    public static final String ERROR_HEADER = "cognigy-error";
    public static final String ERROR_CODE_HEADER = "cognigy-error-code";
    public static final String SOURCE_HEADER = "cognigy-source";
    public static final String RUN_ID_HEADER = "cognigy-run-id";
    public static final String ORIGINAL_TOPIC_HEADER = "cognigy-original-topic";
    public static final String ORIGINAL_PARTITION_HEADER = "cognigy-original-partition";
    public static final String ORIGINAL_OFFSET_HEADER = "cognigy-original-offset";
    public static final String ORIGINAL_SIZE_HEADER = "cognigy-original-size";

    static final int MAX_ERROR_CHARS = 2000;
    static final int MAX_REFERENCE_KEY_BYTES = 1024;

    /**
     * A record that was rejected: where it is, what it carried, and why.
     *
     * @param senderHeaders the record's own headers, as sent
     * @param runId         the run that answered it; null if none could be opened
     */
    public record Rejected(String topic, int partition, long offset, byte[] key, byte[] value,
                           Map<String, byte[]> senderHeaders, String errorCode, String error, String source,
                           String runId) {

        int size() {
            return value == null ? 0 : value.length;
        }
    }

    /** The copy, unless the value is larger than {@code maxBytes}: then the reference. */
    public static DeadLetter of(Rejected record, long maxBytes) {
        return record.size() > maxBytes ? reference(record) : copy(record);
    }

    /** Key, value and the sender's headers as sent, with the error and the record's coordinates. */
    public static DeadLetter copy(Rejected record) {
        Map<String, byte[]> headers = new LinkedHashMap<>(record.senderHeaders());
        headers.putAll(cognigyHeaders(record, Kind.COPY));
        return new DeadLetter(Kind.COPY, record.key(), record.value(), Collections.unmodifiableMap(headers));
    }

    /** An empty value; headers that name the original's topic, partition, offset and size, and the error. */
    public static DeadLetter reference(Rejected record) {
        byte[] key = record.key() != null && record.key().length <= MAX_REFERENCE_KEY_BYTES ? record.key() : null;
        return new DeadLetter(Kind.REFERENCE, key, new byte[0],
                Collections.unmodifiableMap(cognigyHeaders(record, Kind.REFERENCE)));
    }

    public boolean isReference() {
        return kind == Kind.REFERENCE;
    }

    private static Map<String, byte[]> cognigyHeaders(Rejected record, Kind kind) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(KIND_HEADER, utf8(kind.name().toLowerCase(java.util.Locale.ROOT)));
        headers.put(ERROR_CODE_HEADER, utf8(record.errorCode()));
        headers.put(ERROR_HEADER, utf8(shortened(record.error())));
        headers.put(SOURCE_HEADER, utf8(record.source()));
        if (record.runId() != null) {
            headers.put(RUN_ID_HEADER, utf8(record.runId()));
        }
        headers.put(ORIGINAL_TOPIC_HEADER, utf8(record.topic()));
        headers.put(ORIGINAL_PARTITION_HEADER, utf8(String.valueOf(record.partition())));
        headers.put(ORIGINAL_OFFSET_HEADER, utf8(String.valueOf(record.offset())));
        headers.put(ORIGINAL_SIZE_HEADER, utf8(String.valueOf(record.size())));
        return headers;
    }

    static String shortened(String error) {
        if (error == null || error.length() <= MAX_ERROR_CHARS) {
            return error;
        }
        int cut = MAX_ERROR_CHARS;
        if (Character.isHighSurrogate(error.charAt(cut - 1))) {
            cut--;
        }
        return error.substring(0, cut) + " … (" + (error.length() - cut) + " more characters; the run's result has them all)";
    }

    private static byte[] utf8(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
