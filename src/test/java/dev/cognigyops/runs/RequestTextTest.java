package dev.cognigyops.runs;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The bytes of a request as text: UTF-8 only, a UTF-8 byte-order mark ignored, the size limit first. */
class RequestTextTest {

    static final long MAX = 64;

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("Latin-1 é", "{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1),
                        "is not UTF-8: byte 0xE9 at offset 9 (counting from 0)"),
                arguments("binary", bytes(0x7B, 0xFF, 0xFE, 0x00), "is not UTF-8: byte 0xFF at offset 1"),
                arguments("a lone continuation byte", bytes(0x80), "byte 0x80 at offset 0"),
                arguments("a truncated sequence at the end", bytes(0x7B, 0xE2, 0x82), "byte 0xE2 at offset 1"),
                arguments("UTF-16 LE with its BOM", concat(bytes(0xFF, 0xFE), "{}".getBytes(StandardCharsets.UTF_16LE)),
                        "byte-order mark of UTF-16 (little-endian)"),
                arguments("UTF-16 BE with its BOM", concat(bytes(0xFE, 0xFF), "{}".getBytes(StandardCharsets.UTF_16BE)),
                        "byte-order mark of UTF-16 (big-endian)"),
                arguments("UTF-32 LE with its BOM", bytes(0xFF, 0xFE, 0, 0, 0x7B, 0, 0, 0), "UTF-32 (little-endian)"),
                arguments("over the limit", new byte[(int) MAX + 1], "is 65 bytes, over the limit of 64 bytes (cognigy.requests.max-bytes)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWhatIsNotAUtf8RequestWithinTheLimit(String name, byte[] input, String problem) {
        RequestText text = RequestText.decode(input, MAX);

        assertThat(text.isRefused()).isTrue();
        assertThat(text.text()).isNull();
        assertThat(text.problem()).contains(problem);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                arguments("plain ASCII", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "{\"a\":1}"),
                arguments("multi-byte UTF-8", "{\"a\":\"caf\u00e9 \u2713 \uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8),
                        "{\"a\":\"caf\u00e9 \u2713 \uD83D\uDE00\"}"),
                arguments("a UTF-8 byte-order mark is ignored", concat(bytes(0xEF, 0xBB, 0xBF), "{}".getBytes(StandardCharsets.UTF_8)), "{}"),
                arguments("empty", new byte[0], ""),
                arguments("exactly at the limit", "x".repeat((int) MAX).getBytes(StandardCharsets.UTF_8), "x".repeat((int) MAX)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void decodesUtf8(String name, byte[] input, String expected) {
        RequestText text = RequestText.decode(input, MAX);

        assertThat(text.problem()).isNull();
        assertThat(text.text()).isEqualTo(expected);
    }

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedWithoutBytes() {
        RequestText text = RequestText.tooLarge(41_943_040, 1_048_576);

        assertThat(text.problem()).isEqualTo("is 41943040 bytes, over the limit of 1048576 bytes "
                + "(cognigy.requests.max-bytes); it was not read");
    }
}
