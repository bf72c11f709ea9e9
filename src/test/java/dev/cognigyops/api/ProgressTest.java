package dev.cognigyops.api;

import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A run's progress where its operation knows it. */
class ProgressTest {

    static JsonNode json(String text) {
        try {
            return text == null ? null : Json.parse(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("training-monitor", null, "{\"details\":{\"state\":\"RUNNING\",\"progress_percent\":42.5}}", 3,
                        "{\"state\":\"RUNNING\",\"percent\":42.5,\"reads\":3}"),
                arguments("training-monitor", null, "{\"details\":{\"state\":\"RUNNING\",\"progress_percent\":null}}", 1,
                        "{\"state\":\"RUNNING\",\"percent\":null,\"reads\":1}"),
                arguments("training-monitor", "{\"phase\":\"WATCHING\"}", null, 0, null),
                arguments("flow-deploy", "{\"phase\":\"STARTED\",\"flows\":null}", null, 0, null),
                arguments("flow-deploy", "{\"phase\":\"STARTED\"}", null, 0, null),
                arguments("flow-deploy", "{\"phase\":\"PUSHING\",\"flows\":{\"a\":{},\"b\":{},\"c\":{}},\"pushes\":{}}", null, 0,
                        "{\"flowsDone\":0,\"flowsTotal\":3}"),
                arguments("flow-deploy", "{\"phase\":\"PUSHING\",\"flows\":{\"a\":{},\"b\":{},\"c\":{}},"
                        + "\"pushes\":{\"a\":\"VERIFIED\",\"b\":\"IMPORTED\"}}", null, 0, "{\"flowsDone\":1,\"flowsTotal\":3}"),
                arguments("flow-deploy", "{\"phase\":\"DONE\",\"flows\":{\"a\":{},\"b\":{}},"
                        + "\"pushes\":{\"a\":\"VERIFIED\",\"b\":\"VERIFIED\"}}", null, 0, "{\"flowsDone\":2,\"flowsTotal\":2}"),
                // cognigy-v2's flow-deploy promotes a package: no per-flow count
                arguments("flow-deploy", "{\"phase\":\"MERGED\",\"flowIds\":[\"a\"]}", null, 0, null),
                arguments("flow-deploy", null, null, 0, null),
                arguments("nlu-export", "{\"phase\":\"JOB_STARTED\"}", null, 0, null),
                arguments("bot-deploy", null, "{\"details\":{}}", 2, null));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {4}")
    @MethodSource("cases")
    void progressIsWhatTheOperationKnows(String operation, String state, String lastStatusCheck, long reads, String expected) {
        var progress = Progress.of(operation, json(state), json(lastStatusCheck), reads);
        assertThat(progress == null ? null : Json.write(progress)).isEqualTo(expected);
    }
}
