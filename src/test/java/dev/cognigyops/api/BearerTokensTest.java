package dev.cognigyops.api;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Who may use the runs API: a configured bearer token, or with none configured a loopback caller. */
class BearerTokensTest {

    static final BearerTokens TWO = BearerTokens.parse(" tok-current-7f3a , tok-next-91bc ,, ");
    static final BearerTokens NONE = BearerTokens.parse("  ");

    static List<String> headers(String... values) {
        return values == null ? null : Arrays.asList(values);
    }

    static Stream<Arguments> withTokens() {
        return Stream.of(
                arguments("the current token", headers("Bearer tok-current-7f3a"), "10.1.2.3", true),
                arguments("the next token (rotation)", headers("Bearer tok-next-91bc"), "10.1.2.3", true),
                arguments("the scheme in any case", headers("bearer tok-next-91bc"), "10.1.2.3", true),
                arguments("spaces around the token", headers("Bearer   tok-next-91bc  "), "10.1.2.3", true),
                arguments("no header", headers(), "10.1.2.3", false),
                arguments("no header list", null, "10.1.2.3", false),
                arguments("no header, from loopback: a token is still needed", headers(), "127.0.0.1", false),
                arguments("an old token no longer configured", headers("Bearer tok-previous-55de"), "10.1.2.3", false),
                arguments("a wrong token", headers("Bearer nope"), "10.1.2.3", false),
                arguments("a prefix of a token", headers("Bearer tok-current"), "10.1.2.3", false),
                arguments("a token with more after it", headers("Bearer tok-current-7f3a0"), "10.1.2.3", false),
                arguments("two tokens in one header", headers("Bearer tok-current-7f3a,tok-next-91bc"), "10.1.2.3", false),
                arguments("Basic credentials", headers("Basic dG9rLWN1cnJlbnQtN2YzYTo="), "10.1.2.3", false),
                arguments("the token without a scheme", headers("tok-current-7f3a"), "10.1.2.3", false),
                arguments("the scheme without a token", headers("Bearer "), "10.1.2.3", false),
                arguments("the scheme alone", headers("Bearer"), "10.1.2.3", false),
                arguments("an empty header", headers(""), "10.1.2.3", false),
                arguments("two Authorization headers", headers("Bearer tok-current-7f3a", "Bearer tok-current-7f3a"), "10.1.2.3", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withTokens")
    void withTokensConfiguredOnlyABearerOfOneOfThemIsLetIn(String what, List<String> authorization, String from, boolean admitted) {
        assertThat(TWO.loopbackOnly()).isFalse();
        assertThat(TWO.admits(authorization, from)).as(what).isEqualTo(admitted);
    }

    static Stream<Arguments> withoutTokens() {
        return Stream.of(
                arguments("127.0.0.1", true),
                arguments("127.8.9.10", true),
                arguments("0:0:0:0:0:0:0:1", true),
                arguments("::1", true),
                arguments("[::1]", true),
                arguments("::ffff:127.0.0.1", true),
                arguments("10.1.2.3", false),
                arguments("192.168.0.7", false),
                arguments("0.0.0.0", false),
                arguments("fe80::1", false),
                arguments("::ffff:10.1.2.3", false),
                arguments("localhost", false),
                arguments("", false),
                arguments(null, false));
    }

    @ParameterizedTest(name = "from {0}: {1}")
    @MethodSource("withoutTokens")
    void withNoTokenConfiguredOnlyLoopbackCallersAreLetIn(String from, boolean admitted) {
        assertThat(NONE.loopbackOnly()).isTrue();
        assertThat(NONE.admits(headers(), from)).isEqualTo(admitted);
        assertThat(NONE.admits(headers("Bearer anything"), from)).as("a token changes nothing").isEqualTo(admitted);
    }

    @Test
    void eachTokenIsASecretNoLogLineShows() {
        BearerTokens.parse("tok-secret-4411,tok-secret-4412");

        assertThat(Secrets.redact("Authorization: Bearer tok-secret-4411 and tok-secret-4412"))
                .doesNotContain("tok-secret-4411").doesNotContain("tok-secret-4412");
    }
}
