package dev.cognigyops.triggers;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A record's bytes before anything parses them: too large, not UTF-8, or the request text. */
class RecordScreenTest {

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Stream<Arguments> records() {
        return Stream.of(
                // value, max bytes, text (or null), violation (or null)
                arguments(utf8("{\"a\":1}"), 100, "{\"a\":1}", null),
                arguments(utf8("{\"name\":\"Zoë ✓ 𝄞\"}"), 100, "{\"name\":\"Zoë ✓ 𝄞\"}", null),
                arguments(concat(bytes(0xEF, 0xBB, 0xBF), utf8("{}")), 100, "{}", null),
                arguments(new byte[0], 100, "", null),
                arguments(null, 100, "", null),
                arguments(utf8("12345"), 5, "12345", null),
                arguments(utf8("123456"), 5, null, "request: is 6 bytes; at most 5 are accepted"),
                // too large is decided before decoding: the size, not the bad byte, is named
                arguments(bytes(0xFF, 0xFF, 0xFF), 2, null, "request: is 3 bytes; at most 2 are accepted"),
                arguments(bytes(0xFF), 100, null, "request: is not UTF-8 (the byte at offset 0 is not valid)"),
                arguments(concat(utf8("{\"a\":\""), bytes(0xC3, 0x28)), 100, null,
                        "request: is not UTF-8 (the byte at offset 6 is not valid)"),
                // the offset counts the byte-order mark: it is the offset in the record as sent
                arguments(concat(bytes(0xEF, 0xBB, 0xBF), bytes(0x7B, 0x80)), 100, null,
                        "request: is not UTF-8 (the byte at offset 4 is not valid)"),
                // a sequence cut off at the end
                arguments(concat(utf8("{}"), bytes(0xE2, 0x9C)), 100, null,
                        "request: is not UTF-8 (the byte at offset 2 is not valid)"),
                // a UTF-16 surrogate encoded as UTF-8 (CESU) is not UTF-8
                arguments(bytes(0xED, 0xA0, 0x80), 100, null, "request: is not UTF-8 (the byte at offset 0 is not valid)"));
    }

    @ParameterizedTest
    @MethodSource("records")
    void screensTheBytes(byte[] value, long maxBytes, String text, String violation) {
        RecordScreen screen = RecordScreen.of(value, maxBytes);
        assertThat(screen.text()).isEqualTo(text);
        assertThat(screen.violation()).isEqualTo(violation);
        assertThat(screen.isReadable()).isEqualTo(violation == null);
    }
}
