package dev.cognigyops.calls;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every value becomes exactly one path segment, whatever it holds. */
class PathTemplateTest {

    static Stream<Arguments> hostileIds() {
        return Stream.of(
                arguments("plain", "job-1.2_x~", "job-1.2_x~"),
                arguments("a slash cannot add a segment", "a/../b", "a%2F..%2Fb"),
                arguments("query and fragment stay in the segment", "x?y#z", "x%3Fy%23z"),
                arguments("an encoded slash is encoded again, not decoded", "%2F", "%252F"),
                arguments("spaces", "my job", "my%20job"),
                arguments("a plus is not a space", "a+b", "a%2Bb"),
                arguments("non-ASCII as UTF-8", "modèle-✓", "mod%C3%A8le-%E2%9C%93"),
                arguments("a dot segment is encoded whole", "..", "%2E%2E"),
                arguments("a single dot too", ".", "%2E"),
                arguments("a backslash", "a\\b", "a%5Cb"),
                arguments("a semicolon (matrix parameters)", "a;b=c", "a%3Bb%3Dc"),
                arguments("control characters", "a\nb", "a%0Ab"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileIds")
    void aValueIsOneSegment(String name, String value, String segment) {
        assertThat(PathTemplate.expand("/api/v1/jobs/{jobId}/status", Map.of("jobId", value)))
                .isEqualTo("/api/v1/jobs/" + segment + "/status");
    }

    @Test
    void everyPlaceholderIsFilled() {
        assertThat(PathTemplate.expand("/api/v1/nlu/models/{modelId}/versions/{version}",
                Map.of("modelId", "m 1", "version", "1.4.0"))).isEqualTo("/api/v1/nlu/models/m%201/versions/1.4.0");
    }

    @Test
    void aMissingValueOrAnUnclosedBraceIsNamed() {
        assertThatThrownBy(() -> PathTemplate.expand("/jobs/{jobId}", Map.of()))
                .hasMessage("path template '/jobs/{jobId}' needs a value for {jobId}");
        assertThatThrownBy(() -> PathTemplate.expand("/jobs/{jobId", Map.of("jobId", "1")))
                .hasMessageContaining("has a '{' that is not closed");
    }

    @Test
    void aTemplateWithoutPlaceholdersIsItself() {
        assertThat(PathTemplate.expand("/api/v2/flows/import", Map.of())).isEqualTo("/api/v2/flows/import");
    }
}
