package dev.cognigyops.calls;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** {@code Retry-After}: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
class RetryAfterTest {

    /** Sun, 06 Nov 1994 08:49:37 GMT: the RFC's own example date. */
    static final Instant NOW = Instant.parse("1994-11-06T08:49:37Z");

    static Stream<Arguments> parsed() {
        return Stream.of(
                arguments("0", Duration.ZERO),
                arguments("5", Duration.ofSeconds(5)),
                arguments("120", Duration.ofMinutes(2)),
                arguments(" 7 ", Duration.ofSeconds(7)),
                arguments("1.5", Duration.ofMillis(1_500)),
                arguments("0.25", Duration.ofMillis(250)),
                arguments("Sun, 06 Nov 1994 08:49:37 GMT", Duration.ZERO),
                arguments("Sun, 06 Nov 1994 08:50:07 GMT", Duration.ofSeconds(30)),
                arguments("Sun, 06 Nov 1994 09:49:37 GMT", Duration.ofHours(1)),
                arguments("Mon, 7 Nov 1994 08:49:37 GMT", Duration.ofDays(1)),
                // a date already past means "now", not a negative wait
                arguments("Sun, 06 Nov 1994 08:49:00 GMT", Duration.ZERO),
                arguments("Thu, 01 Jan 1970 00:00:00 GMT", Duration.ZERO));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @MethodSource("parsed")
    void parses(String header, Duration expected) {
        assertThat(RetryAfter.parse(header, NOW)).contains(expected);
    }

    @ParameterizedTest(name = "''{0}'' -> empty")
    @NullSource
    @ValueSource(strings = {"", "   ", "-1", "-0.5", "NaN", "Infinity", "soon", "5 seconds", "12:00",
            "2024-01-01T00:00:00Z", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun 06 Nov 1994"})
    void ignoresWhatItCannotRead(String header) {
        assertThat(RetryAfter.parse(header, NOW)).isEmpty();
    }
}
