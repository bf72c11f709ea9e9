package dev.cognigyops.triggers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What a rejected record leaves on the dead-letter topic: its copy as sent, or a small reference. */
class DeadLetterTest {

    static final byte[] BINARY = {(byte) 0xFF, 0x00, (byte) 0xC3, 0x28, 0x7B};

    static DeadLetter.Rejected rejected(byte[] key, byte[] value, String error) {
        return new DeadLetter.Rejected("requests", 2, 41L, key, value,
                Map.of("traceparent", utf8("00-abc-01"), "binary", BINARY),
                "INVALID_REQUEST", error, "kafka:requests/2/41", "run-1");
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String header(DeadLetter letter, String name) {
        byte[] value = letter.headers().get(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    static Stream<Arguments> sizes() {
        return Stream.of(
                // value size, max bytes, kind
                arguments(0, 10, DeadLetter.Kind.COPY),
                arguments(10, 10, DeadLetter.Kind.COPY),
                arguments(11, 10, DeadLetter.Kind.REFERENCE),
                arguments(1_200_000, 1_048_576, DeadLetter.Kind.REFERENCE),
                arguments(1_048_576, 1_048_576, DeadLetter.Kind.COPY));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void aValueLargerThanMaxBytesIsNotCopied(int size, long maxBytes, DeadLetter.Kind kind) {
        DeadLetter letter = DeadLetter.of(rejected(utf8("k"), new byte[size], "request: too large"), maxBytes);
        assertThat(letter.kind()).isEqualTo(kind);
        assertThat(header(letter, "cognigy-dead-letter")).isEqualTo(kind.name().toLowerCase());
        assertThat(header(letter, "cognigy-original-size")).isEqualTo(String.valueOf(size));
    }

    @Test
    void aCopyIsTheRecordAsSentWithTheErrorAndWhereItCameFrom() {
        DeadLetter copy = DeadLetter.copy(rejected(BINARY, BINARY, "request: is not UTF-8"));

        assertThat(copy.value()).isSameAs(BINARY);
        assertThat(copy.key()).isSameAs(BINARY);
        assertThat(copy.headers().get("binary")).as("the sender's headers, byte for byte").isEqualTo(BINARY);
        assertThat(header(copy, "traceparent")).isEqualTo("00-abc-01");
        Map<String, String> cognigy = new LinkedHashMap<>();
        copy.headers().keySet().stream().filter(k -> k.startsWith("cognigy-")).forEach(k -> cognigy.put(k, header(copy, k)));
        assertThat(cognigy).containsExactly(
                Map.entry("cognigy-dead-letter", "copy"),
                Map.entry("cognigy-error-code", "INVALID_REQUEST"),
                Map.entry("cognigy-error", "request: is not UTF-8"),
                Map.entry("cognigy-source", "kafka:requests/2/41"),
                Map.entry("cognigy-run-id", "run-1"),
                Map.entry("cognigy-original-topic", "requests"),
                Map.entry("cognigy-original-partition", "2"),
                Map.entry("cognigy-original-offset", "41"),
                Map.entry("cognigy-original-size", "5"));
    }

    @Test
    void aSenderHeaderNamedLikeOursIsReplacedByOurs() {
        var record = new DeadLetter.Rejected("requests", 0, 1L, null, BINARY,
                Map.of("cognigy-error", utf8("forged")), "INVALID_REQUEST", "request: real", "kafka:requests/0/1", null);
        DeadLetter copy = DeadLetter.copy(record);
        assertThat(header(copy, "cognigy-error")).isEqualTo("request: real");
        assertThat(copy.headers()).as("no run could be opened: no run id").doesNotContainKey("cognigy-run-id");
    }

    static Stream<Arguments> references() {
        return Stream.of(
                // key, value size, key kept
                arguments(utf8("k-1"), 1_200_000, true),
                arguments(null, 1_200_000, false),
                arguments(new byte[1024], 10, true),
                arguments(new byte[1025], 10, false));
    }

    @ParameterizedTest
    @MethodSource("references")
    void aReferenceIsSmallAndNamesWhereTheOriginalIs(byte[] key, int size, boolean keyKept) {
        DeadLetter reference = DeadLetter.reference(rejected(key, new byte[size], "request: is " + size + " bytes"));

        assertThat(reference.isReference()).isTrue();
        assertThat(reference.value()).isEmpty();
        assertThat(reference.key()).isEqualTo(keyKept ? key : null);
        assertThat(reference.headers()).as("the sender's headers are left out")
                .doesNotContainKeys("traceparent", "binary");
        assertThat(header(reference, "cognigy-dead-letter")).isEqualTo("reference");
        assertThat(header(reference, "cognigy-original-topic")).isEqualTo("requests");
        assertThat(header(reference, "cognigy-original-partition")).isEqualTo("2");
        assertThat(header(reference, "cognigy-original-offset")).isEqualTo("41");
        assertThat(header(reference, "cognigy-original-size")).isEqualTo(String.valueOf(size));
        assertThat(header(reference, "cognigy-error-code")).isEqualTo("INVALID_REQUEST");
        assertThat(header(reference, "cognigy-error")).isEqualTo("request: is " + size + " bytes");
        assertThat(header(reference, "cognigy-run-id")).isEqualTo("run-1");
    }

    static Stream<Arguments> errors() {
        String a2000 = "a".repeat(2000);
        return Stream.of(
                arguments("short", "short"),
                arguments(a2000, a2000),
                arguments(a2000 + "b", a2000 + " … (1 more characters; the run's result has them all)"),
                arguments("a".repeat(5000), a2000 + " … (3000 more characters; the run's result has them all)"),
                // never cut between the two halves of a surrogate pair
                arguments("a".repeat(1999) + "𝄞" + "bb", "a".repeat(1999) + " … (4 more characters; the run's result has them all)"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void aLongErrorIsShortenedSoTheRecordStaysSmall(String error, String header) {
        assertThat(DeadLetter.shortened(error)).isEqualTo(header);
        assertThat(header(DeadLetter.reference(rejected(null, new byte[0], error)), "cognigy-error")).isEqualTo(header);
    }
}
