package dev.cognigyops.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {

    /** RFC 8785 Appendix B: IEEE-754 bit patterns and the JSON text each must become. */
    @ParameterizedTest(name = "0x{0} -> {1}")
    @CsvSource({
            "0000000000000000, 0",
            "8000000000000000, 0",
            "0000000000000001, 5e-324",
            "8000000000000001, -5e-324",
            "7fefffffffffffff, 1.7976931348623157e+308",
            "ffefffffffffffff, -1.7976931348623157e+308",
            "4340000000000000, 9007199254740992",
            "c340000000000000, -9007199254740992",
            "4430000000000000, 295147905179352830000",
            "44b52d02c7e14af5, 9.999999999999997e+22",
            "44b52d02c7e14af6, 1e+23",
            "44b52d02c7e14af7, 1.0000000000000001e+23",
            "444b1ae4d6e2ef4e, 999999999999999700000",
            "444b1ae4d6e2ef4f, 999999999999999900000",
            "444b1ae4d6e2ef50, 1e+21",
            "3eb0c6f7a0b5ed8c, 9.999999999999997e-7",
            "3eb0c6f7a0b5ed8d, 0.000001",
            "41b3de4355555553, 333333333.3333332",
            "41b3de4355555554, 333333333.33333325",
            "41b3de4355555555, 333333333.3333333",
            "41b3de4355555556, 333333333.3333334",
            "41b3de4355555557, 333333333.33333343",
            "becbf647612f3696, -0.0000033333333333333333",
            "43143ff3c1cb0959, 1424953923781206.2",
    })
    void appendixBNumbers(String bits, String expected) {
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertEquals(expected, CanonicalJson.number(d));
        assertEquals(expected, CanonicalJson.canonical(DoubleNode.valueOf(d)));
    }

    /** Appendix B's last two rows: NaN and Infinity have no JSON form and must be refused. */
    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"7fffffffffffffff", "7ff0000000000000", "fff0000000000000"})
    void appendixBNonNumbersAreRefused(String bits) {
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.canonical(DoubleNode.valueOf(d)));
    }

    /**
     * The RFC authors' number corpus (github.com/cyberphone/json-canonicalization, testdata/README.md):
     * lines {@code hex-ieee,expected\n} for a deterministic sequence of doubles (edge cases, 2000
     * consecutive small normals, then doubles drawn from a SHA-256 chain), with the SHA-256 of the
     * file's first 1,000 / 10,000 / 100,000 / … lines published. Regenerating the lines with our
     * serializer and getting those checksums checks it on every one of those numbers. The
     * 100,000 and 1,000,000-line checksums match too, but take seconds each, so they stay out.
     */
    @ParameterizedTest(name = "first {0} lines")
    @CsvSource({
            "1000, be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687",
            "10000, b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892",
    })
    void publishedNumberCorpusChecksums(int lines, String sha256) throws Exception {
        var corpus = new NumberCorpus();
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < lines; i++) {
            double d = corpus.next();
            String line = Long.toHexString(Double.doubleToRawLongBits(d)) + "," + CanonicalJson.number(d) + "\n";
            digest.update(line.getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals(sha256, HexFormat.of().formatHex(digest.digest()));
    }

    /** The RFC authors' input/output pairs, copied under src/test/resources/jcs/ (see the README there). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"arrays", "french", "structures", "unicode", "values", "weird"})
    void publishedInputOutputPairs(String name) throws Exception {
        String input = new String(resource("/jcs/input/" + name + ".json"), StandardCharsets.UTF_8);
        byte[] expected = resource("/jcs/output/" + name + ".json");
        assertEquals(new String(expected, StandardCharsets.UTF_8), CanonicalJson.canonical(Json.parse(input)));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected)),
                CanonicalJson.sha256(Json.parse(input)));
    }

    /** RFC 8785 §3.2.3: member names sort by UTF-16 code units, so U+1F600 (D83D DE00) sorts before U+FB33. */
    @Test
    void sortingExampleOfSection323() throws Exception {
        String input = """
                {
                  "\\u20ac": "Euro Sign",
                  "\\r": "Carriage Return",
                  "\\ufb33": "Hebrew Letter Dalet With Dagesh",
                  "1": "One",
                  "\\ud83d\\ude00": "Emoji: Grinning Face",
                  "\\u0080": "Control",
                  "\\u00f6": "Latin Small Letter O With Diaeresis"
                }""";
        assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                        + "\"\uD83D\uDE00\":\"Emoji: Grinning Face\",\"\uFB33\":\"Hebrew Letter Dalet With Dagesh\"}",
                CanonicalJson.canonical(Json.parse(input)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            // layout and order
            "{ \"b\" : 1, \"a\" : [ 3, 1 ] }            | {\"a\":[3,1],\"b\":1}",
            "{\"z\":{\"y\":true,\"x\":null}}            | {\"z\":{\"x\":null,\"y\":true}}",
            "{\"B\":1,\"a\":2,\"_\":3,\"\":4}           | {\"\":4,\"B\":1,\"_\":3,\"a\":2}",
            // numbers: the double they denote, as ECMAScript prints it
            "[1.50, 1e2, -0.0, 0, -0, 1E-7, 123e-20]   | [1.5,100,0,0,0,1e-7,1.23e-18]",
            "[1e21, 1e20, 100000000000000000000.5]     | [1e+21,100000000000000000000,100000000000000000000]",
            "[9007199254740993, 12345678901234567890]  | [9007199254740992,12345678901234567000]",
            "[0.1, 0.2, 0.30000000000000004, 2e-3]     | [0.1,0.2,0.30000000000000004,0.002]",
            // strings: only \\b \\t \\n \\f \\r \\\" \\\\ and lower-case \\u00xx for other controls
            "[\"\\u0000\\u001F\\u0008\\u0009\\u000a\\u000C\\u000d\"] | [\"\\u0000\\u001f\\b\\t\\n\\f\\r\"]",
            "[\"\\u007f \\u2028 \\u2029 / \\/ < > & '\"] | [\"\u007f \u2028 \u2029 / / < > & '\"]",
            "{\"s\":\"line\\nbreak \\u00e9 \\\"q\\\" \\\\\"} | {\"s\":\"line\\nbreak é \\\"q\\\" \\\\\"}",
    })
    void canonicalText(String input, String expected) throws Exception {
        assertEquals(expected, CanonicalJson.canonical(Json.parse(input)));
    }

    /** Nodes built in Java, not parsed, go through the same double. */
    @Test
    void everyNumberNodeKindIsTheDoubleItDenotes() {
        assertEquals("0.1", CanonicalJson.canonical(DecimalNode.valueOf(new BigDecimal("0.10000000000000000001"))));
        assertEquals("1e+30", CanonicalJson.canonical(BigIntegerNode.valueOf(BigInteger.TEN.pow(30))));
        assertEquals("-9223372036854776000", CanonicalJson.canonical(Json.MAPPER.getNodeFactory().numberNode(Long.MIN_VALUE)));
    }

    @Test
    void whatHasNoCanonicalFormIsRefused() {
        // a number beyond the doubles; a lone surrogate, which UTF-8 cannot carry
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.sha256(Json.parse("{\"a\":1e400}")));
        assertThrows(IllegalArgumentException.class,
                () -> CanonicalJson.sha256(BigIntegerNode.valueOf(BigInteger.TEN.pow(400))));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.sha256(Json.parse("[\"\\ud800\"]")));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.sha256(TextNode.valueOf("x\uDE00")));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.sha256(TextNode.valueOf("\uD83D")));
    }

    @Test
    void sameContentSameHashWhateverTheLayout() throws Exception {
        String a = CanonicalJson.sha256(Json.parse("{\"id\":\"f1\",\"nodes\":[{\"type\":\"say\",\"id\":\"n1\"}]}"));
        String b = CanonicalJson.sha256(Json.parse("{ \"nodes\": [ { \"id\": \"n1\", \"type\": \"say\" } ],\n \"id\": \"f1\" }"));
        assertEquals(a, b);
        assertEquals(64, a.length());
    }

    @Test
    void differentContentDifferentHash() throws Exception {
        assertNotEquals(CanonicalJson.sha256(Json.parse("{\"a\":[1,2]}")), CanonicalJson.sha256(Json.parse("{\"a\":[2,1]}")));
    }

    @Test
    void knownDigests() throws Exception {
        // sha256 of the 7 bytes {"a":1}
        assertEquals("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
                CanonicalJson.sha256(Json.parse("{ \"a\": 1 }")));
        // sha256 of the 10 bytes {"a":"é"} (é is two UTF-8 bytes)
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0xA9, '"', '}'})),
                CanonicalJson.sha256(Json.parse("{\"a\":\"\\u00e9\"}")));
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = CanonicalJsonTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            return in.readAllBytes();
        }
    }

    /**
     * The sequence of doubles of the RFC authors' testdata/numgen.go (and numgen.js; github.com/
     * cyberphone/json-canonicalization, Apache License 2.0, whence the table below): 168 fixed
     * edge cases, then 0x0010000000000000 + i for i below 2000, then the little-endian 8-byte
     * words of a SHA-256 chain started from 32 zero bytes, skipping zeros, NaNs and infinities.
     */
    private static final class NumberCorpus {
        private static final long[] STATIC = {
                0x0000000000000000L, 0x8000000000000000L, 0x0000000000000001L, 0x8000000000000001L,
                0xc46696695dbd1cc3L, 0xc43211ede4974a35L, 0xc3fce97ca0f21056L, 0xc3c7213080c1a6acL,
                0xc39280f39a348556L, 0xc35d9b1f5d20d557L, 0xc327af4c4a80aaacL, 0xc2f2f2a36ecd5556L,
                0xc2be51057e155558L, 0xc28840d131aaaaacL, 0xc253670dc1555557L, 0xc21f0b4935555557L,
                0xc1e8d5d42aaaaaacL, 0xc1b3de4355555556L, 0xc17fca0555555556L, 0xc1496e6aaaaaaaabL,
                0xc114585555555555L, 0xc0e046aaaaaaaaabL, 0xc0aa0aaaaaaaaaaaL, 0xc074d55555555555L,
                0xc040aaaaaaaaaaabL, 0xc00aaaaaaaaaaaabL, 0xbfd5555555555555L, 0xbfa1111111111111L,
                0xbf6b4e81b4e81b4fL, 0xbf35d867c3ece2a5L, 0xbf0179ec9cbd821eL, 0xbecbf647612f3696L,
                0xbe965e9f80f29212L, 0xbe61e54c672874dbL, 0xbe2ca213d840baf8L, 0xbdf6e80fe033c8c6L,
                0xbdc2533fe68fd3d2L, 0xbd8d51ffd74c861cL, 0xbd5774ccac3d3817L, 0xbd22c3d6f030f9acL,
                0xbcee0624b3818f79L, 0xbcb804ea293472c7L, 0xbc833721ba905bd3L, 0xbc4ebe9c5db3c61eL,
                0xbc18987d17c304e5L, 0xbbe3ad30dfcf371dL, 0xbbaf7b816618582fL, 0xbb792f9ab81379bfL,
                0xbb442615600f9499L, 0xbb101e77800c76e1L, 0xbad9ca58cce0be35L, 0xbaa4a1e0a3e6fe90L,
                0xba708180831f320dL, 0xba3a68cd9e985016L, 0x446696695dbd1cc3L, 0x443211ede4974a35L,
                0x43fce97ca0f21056L, 0x43c7213080c1a6acL, 0x439280f39a348556L, 0x435d9b1f5d20d557L,
                0x4327af4c4a80aaacL, 0x42f2f2a36ecd5556L, 0x42be51057e155558L, 0x428840d131aaaaacL,
                0x4253670dc1555557L, 0x421f0b4935555557L, 0x41e8d5d42aaaaaacL, 0x41b3de4355555556L,
                0x417fca0555555556L, 0x41496e6aaaaaaaabL, 0x4114585555555555L, 0x40e046aaaaaaaaabL,
                0x40aa0aaaaaaaaaaaL, 0x4074d55555555555L, 0x4040aaaaaaaaaaabL, 0x400aaaaaaaaaaaabL,
                0x3fd5555555555555L, 0x3fa1111111111111L, 0x3f6b4e81b4e81b4fL, 0x3f35d867c3ece2a5L,
                0x3f0179ec9cbd821eL, 0x3ecbf647612f3696L, 0x3e965e9f80f29212L, 0x3e61e54c672874dbL,
                0x3e2ca213d840baf8L, 0x3df6e80fe033c8c6L, 0x3dc2533fe68fd3d2L, 0x3d8d51ffd74c861cL,
                0x3d5774ccac3d3817L, 0x3d22c3d6f030f9acL, 0x3cee0624b3818f79L, 0x3cb804ea293472c7L,
                0x3c833721ba905bd3L, 0x3c4ebe9c5db3c61eL, 0x3c18987d17c304e5L, 0x3be3ad30dfcf371dL,
                0x3baf7b816618582fL, 0x3b792f9ab81379bfL, 0x3b442615600f9499L, 0x3b101e77800c76e1L,
                0x3ad9ca58cce0be35L, 0x3aa4a1e0a3e6fe90L, 0x3a708180831f320dL, 0x3a3a68cd9e985016L,
                0x4024000000000000L, 0x4014000000000000L, 0x3fe0000000000000L, 0x3fa999999999999aL,
                0x3f747ae147ae147bL, 0x3f40624dd2f1a9fcL, 0x3f0a36e2eb1c432dL, 0x3ed4f8b588e368f1L,
                0x3ea0c6f7a0b5ed8dL, 0x3e6ad7f29abcaf48L, 0x3e35798ee2308c3aL, 0x3ed539223589fa95L,
                0x3ed4ff26cd5a7781L, 0x3ed4f95a762283ffL, 0x3ed4f8c60703520cL, 0x3ed4f8b72f19cd0dL,
                0x3ed4f8b5b31c0c8dL, 0x3ed4f8b58d1c461aL, 0x3ed4f8b5894f7f0eL, 0x3ed4f8b588ee37f3L,
                0x3ed4f8b588e47da4L, 0x3ed4f8b588e3849cL, 0x3ed4f8b588e36bb5L, 0x3ed4f8b588e36937L,
                0x3ed4f8b588e368f8L, 0x3ed4f8b588e368f1L, 0x3ff0000000000000L, 0xbff0000000000000L,
                0xbfeffffffffffffaL, 0xbfeffffffffffffbL, 0x3feffffffffffffaL, 0x3feffffffffffffbL,
                0x3feffffffffffffcL, 0x3feffffffffffffeL, 0xbfefffffffffffffL, 0xbfefffffffffffffL,
                0x3fefffffffffffffL, 0x3fefffffffffffffL, 0x3fd3333333333332L, 0x3fd3333333333333L,
                0x3fd3333333333334L, 0x0010000000000000L, 0x000ffffffffffffdL, 0x000fffffffffffffL,
                0x7fefffffffffffffL, 0xffefffffffffffffL, 0x4340000000000000L, 0xc340000000000000L,
                0x4430000000000000L, 0x44b52d02c7e14af5L, 0x44b52d02c7e14af6L, 0x44b52d02c7e14af7L,
                0x444b1ae4d6e2ef4eL, 0x444b1ae4d6e2ef4fL, 0x444b1ae4d6e2ef50L, 0x3eb0c6f7a0b5ed8cL,
                0x3eb0c6f7a0b5ed8dL, 0x41b3de4355555553L, 0x41b3de4355555554L, 0x41b3de4355555555L,
                0x41b3de4355555556L, 0x41b3de4355555557L, 0xbecbf647612f3696L, 0x43143ff3c1cb0959L,
        };
        private static final int SERIAL = 2000;

        private final MessageDigest sha256;
        private byte[] block = new byte[32];
        private ByteBuffer words = ByteBuffer.allocate(0);
        private int index;

        NumberCorpus() throws Exception {
            sha256 = MessageDigest.getInstance("SHA-256");
        }

        double next() {
            double d;
            if (index < STATIC.length) {
                d = Double.longBitsToDouble(STATIC[index]);
            } else if (index < STATIC.length + SERIAL) {
                d = Double.longBitsToDouble(0x0010000000000000L + (index - STATIC.length));
            } else {
                d = 0;
                while (d == 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                    if (!words.hasRemaining()) {
                        block = sha256.digest(block);
                        words = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
                    }
                    d = Double.longBitsToDouble(words.getLong());
                }
            }
            index++;
            return d;
        }
    }
}
