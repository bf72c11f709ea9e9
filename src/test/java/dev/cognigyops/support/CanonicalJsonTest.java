package dev.cognigyops.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{ \"b\" : 1, \"a\" : [ 3, 1 ] }          | {\"a\":[3,1],\"b\":1}",
            "{\"z\":{\"y\":true,\"x\":null}}          | {\"z\":{\"x\":null,\"y\":true}}",
            "{\"B\":1,\"a\":2,\"_\":3}                | {\"B\":1,\"_\":3,\"a\":2}",
            "[1.50, 1e2, -0.0, 12345678901234567890] | [1.5,100,0,12345678901234567890]",
            "{\"s\":\"line\\nbreak \\u00e9 \\\"q\\\"\"} | {\"s\":\"line\\nbreak é \\\"q\\\"\"}",
    })
    void sortsKeysAndDropsInsignificantWhitespace(String input, String expected) throws Exception {
        assertEquals(expected, CanonicalJson.canonical(Json.parse(input)));
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
    void knownDigest() throws Exception {
        // sha256 of the 7 bytes {"a":1}
        assertEquals("015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862",
                CanonicalJson.sha256(Json.parse("{ \"a\": 1 }")));
    }
}
