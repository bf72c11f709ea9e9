package dev.cognigyops.runs;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A request's JSON, read strictly: duplicate keys, trailing text, nesting and parser limits, each named. */
class RequestJsonTest {

    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static Stream<Arguments> unreadable() {
        return Stream.of(
                arguments("a duplicate top-level key", "{\"operation\":\"a\",\"operation\":\"b\"}",
                        "operation", "is given twice at line 1, column"),
                arguments("a duplicate key inside the payload", "{\"payload\":{\"modelId\":\"a\",\n\"modelId\":\"b\"}}",
                        "payload.modelId", "is given twice at line 2, column"),
                arguments("a duplicate key inside an array element", "{\"payload\":{\"flows\":[{},{\"id\":1,\"id\":2}]}}",
                        "payload.flows[1].id", "is given twice"),
                arguments("two documents", "{\"a\":1} {\"b\":2}", "request", "is not valid JSON (Trailing token"),
                arguments("not JSON", "operation=nlu-export", "request", "is not valid JSON (Unrecognized token 'operation'"),
                arguments("cut short", "{\"operation\":", "request", "is not valid JSON (Unexpected end-of-input"),
                arguments("nested too deep", "{\"a\":" + nested(RequestJson.MAX_DEPTH + 1) + "}", "request",
                        "is nested deeper than 100 levels"),
                arguments("nested far too deep (past Jackson's own 1000)", nested(5000), "request",
                        "is nested deeper than 100 levels"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadable")
    void namesWhatIsWrong(String name, String text, String path, String problem) {
        assertThatThrownBy(() -> RequestJson.parse(text))
                .isInstanceOfSatisfying(RequestJson.Unreadable.class, e -> {
                    assertThat(e.path()).isEqualTo(path);
                    assertThat(e.problem()).startsWith(problem);
                });
    }

    @Test
    void aStringOverTheParsersLimitIsNamedWithoutALocation() {
        // Jackson's limit errors carry no location: this once failed with a NullPointerException
        String huge = "{\"a\":\"" + "x".repeat(20_000_001) + "\"}";

        assertThatThrownBy(() -> RequestJson.parse(huge))
                .isInstanceOfSatisfying(RequestJson.Unreadable.class, e -> {
                    assertThat(e.path()).isEqualTo("request");
                    assertThat(e.problem()).startsWith("is beyond what the JSON parser accepts (String value length");
                });
    }

    @Test
    void nestingUpToTheLimitIsRead() throws Exception {
        JsonNode node = RequestJson.parse(nested(RequestJson.MAX_DEPTH));

        assertThat(node.isArray()).isTrue();
    }

    @Test
    void theSameKeyInTwoObjectsIsNoDuplicate() throws Exception {
        JsonNode node = RequestJson.parse("{\"a\":{\"id\":1},\"b\":{\"id\":2}}");

        assertThat(node.path("b").path("id").asInt()).isEqualTo(2);
    }
}
