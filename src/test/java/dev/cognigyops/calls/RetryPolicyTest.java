package dev.cognigyops.calls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** docs/contract.md#calls-out's retry table: which failures are retried, after how long, and when the policy gives up. */
class RetryPolicyTest {

    static final Instant STARTED = Instant.parse("2025-03-01T10:00:00Z");
    static final Instant NOW = STARTED.plusSeconds(10);

    /** 5 attempts, 10 min deadline, 1 s first delay ×2 up to 8 s, Retry-After capped at 30 s, 20 % jitter. */
    static final RetryPolicy.Limits LIMITS = new RetryPolicy.Limits(5, Duration.ofMinutes(10), Duration.ofSeconds(1),
            2.0, Duration.ofSeconds(8), Duration.ofSeconds(30), 0.2);

    static final RetryPolicy NO_JITTER = new RetryPolicy(() -> 0.0);

    static HttpOperationFailedException http(int status, Map<String, String> headers, String body) {
        return new HttpOperationFailedException("http://cognigy.test/api/v1/jobs/1", status, "status " + status,
                null, headers, body);
    }

    static HttpOperationFailedException http(int status) {
        return http(status, Map.of(), "{}");
    }

    static String httpDate(Instant at) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atZone(ZoneOffset.UTC));
    }

    /** failure, attempt, tokenRenewed → retry?, delay (no jitter), renewToken? */
    static Stream<Arguments> table() {
        return Stream.of(
                // 401: renew once, at once
                arguments("401 first time", http(401), 1, false, true, 0L, true),
                arguments("401 first time (CallFailedException)", new CallFailedException("no", 401, null, null), 1, false, true, 0L, true),
                arguments("401 after renewal", http(401), 2, true, false, 0L, false),
                // 429 and Retry-After
                arguments("429 Retry-After seconds", http(429, Map.of("Retry-After", "7"), ""), 1, false, true, 7_000L, false),
                arguments("429 retry-after lower case", http(429, Map.of("retry-after", "3"), ""), 1, false, true, 3_000L, false),
                arguments("429 RETRY-AFTER upper case (CallFailedException)",
                        new CallFailedException("slow down", 429, Map.of("RETRY-AFTER", "4"), null), 1, false, true, 4_000L, false),
                arguments("429 Retry-After HTTP date in the future",
                        http(429, Map.of("Retry-After", httpDate(NOW.plusSeconds(12))), ""), 1, false, true, 12_000L, false),
                arguments("429 Retry-After HTTP date in the past",
                        http(429, Map.of("Retry-After", httpDate(NOW.minusSeconds(100))), ""), 1, false, true, 0L, false),
                arguments("429 Retry-After above the cap", http(429, Map.of("Retry-After", "3600"), ""), 1, false, true, 30_000L, false),
                arguments("429 Retry-After date above the cap",
                        http(429, Map.of("Retry-After", httpDate(NOW.plusSeconds(600))), ""), 1, false, true, 30_000L, false),
                arguments("429 without Retry-After: backoff", http(429), 3, false, true, 4_000L, false),
                arguments("429 garbage Retry-After: backoff", http(429, Map.of("Retry-After", "soon-ish"), ""), 2, false, true, 2_000L, false),
                // 5xx and 408: exponential backoff capped at maxDelay
                arguments("500 attempt 1", http(500), 1, false, true, 1_000L, false),
                arguments("502 attempt 2", http(502), 2, false, true, 2_000L, false),
                arguments("503 attempt 3", http(503), 3, false, true, 4_000L, false),
                arguments("504 attempt 4", http(504), 4, false, true, 8_000L, false),
                arguments("408 attempt 1", http(408), 1, false, true, 1_000L, false),
                arguments("500 (CallFailedException)", new CallFailedException("boom", 500, null, "oops"), 2, false, true, 2_000L, false),
                // other 4xx: give up at once
                arguments("400", http(400), 1, false, false, 0L, false),
                arguments("403", http(403), 1, false, false, 0L, false),
                arguments("404", http(404), 1, false, false, 0L, false),
                arguments("409", http(409), 1, false, false, 0L, false),
                arguments("422", http(422), 1, false, false, 0L, false),
                arguments("404 (CallFailedException)", new CallFailedException("gone", 404, null, null), 1, false, false, 0L, false),
                // transport failures: backoff
                arguments("IOException", new IOException("Connection reset"), 1, false, true, 1_000L, false),
                arguments("ConnectException", new ConnectException("Connection refused"), 2, false, true, 2_000L, false),
                arguments("SocketTimeoutException", new SocketTimeoutException("Read timed out"), 1, false, true, 1_000L, false),
                arguments("HttpTimeoutException", new HttpTimeoutException("request timed out"), 1, false, true, 1_000L, false),
                arguments("TruncatedDownloadException", new TruncatedDownloadException(10, 100), 3, false, true, 4_000L, false),
                arguments("UncheckedIOException(IOException)",
                        new UncheckedIOException(new IOException("Broken pipe")), 1, false, true, 1_000L, false),
                arguments("HTTP failure wrapped in a RuntimeException",
                        new RuntimeException("route failed", http(503)), 1, false, true, 1_000L, false),
                // anything else: give up
                arguments("IllegalStateException", new IllegalStateException("bug"), 1, false, false, 0L, false),
                arguments("NullPointerException", new NullPointerException(), 1, false, false, 0L, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, Throwable failure, int attempt, boolean tokenRenewed,
                 boolean retry, long delayMs, boolean renewToken) {
        RetryPolicy.Decision d = NO_JITTER.decide(failure, attempt, STARTED, NOW, tokenRenewed, LIMITS);

        assertThat(d.retry()).as("retry").isEqualTo(retry);
        assertThat(d.renewToken()).as("renewToken").isEqualTo(renewToken);
        assertThat(d.reason()).as("reason").isNotBlank();
        if (retry) {
            assertThat(d.delayMs()).as("delay").isEqualTo(delayMs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {400, 403, 404, 409, 422})
    void otherClientErrorsNameTheirStatus(int status) {
        RetryPolicy.Decision d = NO_JITTER.decide(http(status), 1, STARTED, NOW, false, LIMITS);

        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains(Integer.toString(status));
    }

    @Test
    void backoffIsCappedAtMaxDelay() {
        RetryPolicy.Limits many = new RetryPolicy.Limits(50, Duration.ofHours(1), Duration.ofSeconds(1), 2.0,
                Duration.ofSeconds(8), Duration.ofSeconds(30), 0.0);

        assertThat(NO_JITTER.decide(http(500), 5, STARTED, NOW, false, many).delayMs()).isEqualTo(8_000);
        assertThat(NO_JITTER.decide(http(500), 20, STARTED, NOW, false, many).delayMs()).isEqualTo(8_000);
    }

    @Test
    void followsFirstDelayAndMultiplierFromTheLimits() {
        RetryPolicy.Limits slow = new RetryPolicy.Limits(10, Duration.ofHours(1), Duration.ofMillis(250), 3.0,
                Duration.ofSeconds(60), Duration.ofSeconds(30), 0.0);

        assertThat(NO_JITTER.decide(http(502), 1, STARTED, NOW, false, slow).delayMs()).isEqualTo(250);
        assertThat(NO_JITTER.decide(http(502), 2, STARTED, NOW, false, slow).delayMs()).isEqualTo(750);
        assertThat(NO_JITTER.decide(http(502), 3, STARTED, NOW, false, slow).delayMs()).isEqualTo(2_250);
    }

    @ParameterizedTest(name = "attempt {0} of 5")
    @ValueSource(ints = {5, 6})
    void givesUpWhenAttemptsAreExhausted(int attempt) {
        RetryPolicy.Decision d = NO_JITTER.decide(http(503), attempt, STARTED, NOW, false, LIMITS);

        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("attempts").contains(Integer.toString(attempt));
    }

    @Test
    void lastAttemptBeforeTheLimitIsStillRetried() {
        assertThat(NO_JITTER.decide(http(503), 4, STARTED, NOW, false, LIMITS).retry()).isTrue();
    }

    @Test
    void tokenRenewalAlsoCountsAgainstAttempts() {
        RetryPolicy.Decision d = NO_JITTER.decide(http(401), 5, STARTED, NOW, false, LIMITS);

        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("attempts");
    }

    @Test
    void givesUpWhenTheWaitWouldEndAfterTheDeadline() {
        RetryPolicy.Limits shortDeadline = new RetryPolicy.Limits(10, Duration.ofSeconds(20), Duration.ofSeconds(4),
                2.0, Duration.ofSeconds(60), Duration.ofSeconds(30), 0.0);
        // 10 s elapsed of 20: a 4 s wait fits, an 8 s wait fits, a 16 s wait does not
        assertThat(NO_JITTER.decide(http(500), 1, STARTED, NOW, false, shortDeadline).retry()).isTrue();
        assertThat(NO_JITTER.decide(http(500), 2, STARTED, NOW, false, shortDeadline).retry()).isTrue();

        RetryPolicy.Decision d = NO_JITTER.decide(http(500), 3, STARTED, NOW, false, shortDeadline);
        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("deadline");
    }

    @Test
    void givesUpOnRetryAfterThatWouldPassTheDeadline() {
        RetryPolicy.Limits shortDeadline = new RetryPolicy.Limits(10, Duration.ofSeconds(20), Duration.ofSeconds(1),
                2.0, Duration.ofSeconds(60), Duration.ofSeconds(30), 0.0);

        RetryPolicy.Decision d = NO_JITTER.decide(http(429, Map.of("Retry-After", "15"), ""), 1, STARTED, NOW,
                false, shortDeadline);

        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("deadline");
    }

    @Test
    void givesUpWhenTheDeadlineHasAlreadyPassed() {
        RetryPolicy.Decision d = NO_JITTER.decide(new ConnectException("refused"), 1, STARTED,
                STARTED.plus(LIMITS.deadline()).plusSeconds(1), false, LIMITS);

        assertThat(d.retry()).isFalse();
        assertThat(d.reason()).contains("deadline");
    }

    @Test
    void jitterZeroKeepsTheExactDelay() {
        RetryPolicy policy = new RetryPolicy(() -> 0.0);

        assertThat(policy.decide(http(503), 2, STARTED, NOW, false, LIMITS).delayMs()).isEqualTo(2_000);
        assertThat(policy.decide(http(429, Map.of("Retry-After", "10"), ""), 1, STARTED, NOW, false, LIMITS)
                .delayMs()).isEqualTo(10_000);
    }

    @Test
    void jitterOneAddsTheWholeJitterFraction() {
        RetryPolicy policy = new RetryPolicy(() -> 1.0);

        assertThat(policy.decide(http(503), 2, STARTED, NOW, false, LIMITS).delayMs()).isEqualTo(2_400);
        assertThat(policy.decide(new IOException("reset"), 1, STARTED, NOW, false, LIMITS).delayMs()).isEqualTo(1_200);
        assertThat(policy.decide(http(429, Map.of("Retry-After", "10"), ""), 1, STARTED, NOW, false, LIMITS)
                .delayMs()).isEqualTo(12_000);
    }

    @Test
    void jitterHalfAddsHalfTheFraction() {
        RetryPolicy policy = new RetryPolicy(() -> 0.5);

        assertThat(policy.decide(http(500), 1, STARTED, NOW, false, LIMITS).delayMs()).isEqualTo(1_100);
    }

    @Test
    void tokenRenewalIsNotJittered() {
        RetryPolicy policy = new RetryPolicy(() -> 1.0);

        RetryPolicy.Decision d = policy.decide(http(401), 1, STARTED, NOW, false, LIMITS);

        assertThat(d.retry()).isTrue();
        assertThat(d.delayMs()).isZero();
    }

    @Test
    void readsRetryAfterCaseInsensitivelyThroughWrappers() {
        var wrapped = new RuntimeException("exchange failed",
                http(429, Map.of("rEtRy-AfTeR", "6"), "{\"message\":\"slow down\"}"));

        RetryPolicy.Decision d = NO_JITTER.decide(wrapped, 1, STARTED, NOW, false, LIMITS);

        assertThat(d.retry()).isTrue();
        assertThat(d.delayMs()).isEqualTo(6_000);
    }
}
