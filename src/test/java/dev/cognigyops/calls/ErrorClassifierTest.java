package dev.cognigyops.calls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What a failure becomes in the result: status, error code and a message a person can act on. */
class ErrorClassifierTest {

    static final String CALL = "GET /api/v1/jobs/42";

    static HttpOperationFailedException http(int status, String body) {
        return new HttpOperationFailedException("http://cognigy.test/api/v1/jobs/42", status, "status " + status,
                null, Map.of(), body);
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
            "401, UNAUTHORIZED",
            "403, FORBIDDEN",
            "404, NOT_FOUND",
            "409, CONFLICT",
            "412, PRECONDITION_FAILED",
            "429, RATE_LIMITED",
            "500, UPSTREAM_ERROR",
            "502, UPSTREAM_ERROR",
            "503, UPSTREAM_ERROR",
            "504, TIMEOUT",
            "400, UPSTREAM_REJECTED",
            "422, UPSTREAM_REJECTED"})
    void mapsStatusToCode(int status, ErrorCode code) {
        ErrorClassifier.RunError error = ErrorClassifier.classify(http(status, null), CALL, 1);

        assertThat(error.status()).isEqualTo(RunStatus.FAILED);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).startsWith(CALL + ": HTTP " + status);
    }

    @ParameterizedTest(name = "HTTP {0} via CallFailedException -> {1}")
    @CsvSource({"401, UNAUTHORIZED", "404, NOT_FOUND", "503, UPSTREAM_ERROR", "422, UPSTREAM_REJECTED"})
    void mapsCallFailedExceptionStatusToo(int status, ErrorCode code) {
        ErrorClassifier.RunError error = ErrorClassifier.classify(
                new CallFailedException("token endpoint refused", status, null, "{\"error\":\"invalid_client\"}"), null, 0);

        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).isEqualTo("HTTP " + status + ": invalid_client");
    }

    static Stream<Arguments> serverMessages() {
        return Stream.of(
                arguments("{\"message\":\"model not found\"}", "model not found"),
                arguments("{\"error\":\"invalid_client\",\"error_description\":\"client is disabled\"}", "client is disabled"),
                arguments("{\"detail\":\"precision must be in [0,1]\"}", "precision must be in [0,1]"),
                arguments("{\"errorMessage\":\"export failed\",\"code\":7}", "export failed"),
                arguments("{\"error\":\"invalid_scope\"}", "invalid_scope"),
                arguments("{\"message\":\"first wins\",\"detail\":\"second\"}", "first wins"),
                arguments("{\"error\":{\"code\":\"E42\"}}", "{\"code\":\"E42\"}"),
                arguments("Service Unavailable", "Service Unavailable"),
                arguments("  <html>bad gateway</html>\n", "<html>bad gateway</html>"),
                arguments("{\"other\":1}", "{\"other\":1}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverMessages")
    void showsTheServersOwnMessage(String body, String shown) {
        ErrorClassifier.RunError error = ErrorClassifier.classify(http(404, body), CALL, 1);

        assertThat(error.message()).isEqualTo(CALL + ": HTTP 404: " + shown);
    }

    @Test
    void noBodyNoServerMessage() {
        assertThat(ErrorClassifier.classify(http(503, ""), CALL, 1).message()).isEqualTo(CALL + ": HTTP 503");
        assertThat(ErrorClassifier.classify(http(503, null), null, 1).message()).isEqualTo("HTTP 503");
    }

    @Test
    void truncatesLongServerMessagesAt300Characters() {
        String longText = "x".repeat(1_000);

        String raw = ErrorClassifier.classify(http(500, longText), CALL, 1).message();
        String json = ErrorClassifier.classify(http(500, "{\"message\":\"" + "y".repeat(400) + "\"}"), CALL, 1).message();

        assertThat(raw).isEqualTo(CALL + ": HTTP 500: " + "x".repeat(300) + "…");
        assertThat(json).isEqualTo(CALL + ": HTTP 500: " + "y".repeat(300) + "…");
    }

    @Test
    void aMessageOfExactly300CharactersIsKeptWhole() {
        String text = "z".repeat(300);

        assertThat(ErrorClassifier.classify(http(500, text), CALL, 1).message()).isEqualTo(CALL + ": HTTP 500: " + text);
    }

    @Test
    void showsAttemptsOnlyWhenMoreThanOne() {
        assertThat(ErrorClassifier.classify(http(503, null), CALL, 4).message()).isEqualTo(CALL + ": HTTP 503 (after 4 attempts)");
        assertThat(ErrorClassifier.classify(http(503, null), CALL, 1).message()).doesNotContain("attempts");
        assertThat(ErrorClassifier.classify(http(503, null), CALL, 0).message()).doesNotContain("attempts");
        assertThat(ErrorClassifier.classify(new ConnectException("Connection refused"), CALL, 3).message())
                .endsWith("(after 3 attempts)");
        assertThat(ErrorClassifier.classify(new SocketTimeoutException("Read timed out"), CALL, 2).message())
                .endsWith("(after 2 attempts)");
    }

    @Test
    void findsTheHttpFailureInsideWrappers() {
        var wrapped = new CamelExecutionException("exchange failed", null, http(403, "{\"message\":\"scope missing\"}"));

        ErrorClassifier.RunError error = ErrorClassifier.classify(wrapped, CALL, 1);

        assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(error.message()).isEqualTo(CALL + ": HTTP 403: scope missing");
    }

    static Stream<Arguments> runFailures() {
        return Stream.of(
                arguments(new RunFailure(ErrorCode.JOB_FAILED, "export job 7 FAILED: disk full"),
                        RunStatus.FAILED, ErrorCode.JOB_FAILED, "export job 7 FAILED: disk full"),
                arguments(new RunFailure(ErrorCode.GATE_FAILED, RunStatus.CANCELLED, "cancelled by policy"),
                        RunStatus.CANCELLED, ErrorCode.GATE_FAILED, "cancelled by policy"),
                arguments(new RuntimeException("wrapper", new RunFailure(ErrorCode.TIMEOUT, "job still RUNNING")),
                        RunStatus.FAILED, ErrorCode.TIMEOUT, "job still RUNNING"),
                arguments(new RunFailure(ErrorCode.PRECONDITION_FAILED, "model is DRAFT"),
                        RunStatus.FAILED, ErrorCode.PRECONDITION_FAILED, "model is DRAFT"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("runFailures")
    void aRunFailureKeepsItsOwnCodeStatusAndMessage(Throwable failure, RunStatus status, ErrorCode code, String message) {
        ErrorClassifier.RunError error = ErrorClassifier.classify(failure, CALL, 5);

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).isEqualTo(message);
    }

    static Stream<Arguments> transportFailures() {
        return Stream.of(
                arguments(new SocketTimeoutException("Read timed out"), ErrorCode.TIMEOUT, "Read timed out"),
                arguments(new HttpTimeoutException("request timed out"), ErrorCode.TIMEOUT, "request timed out"),
                arguments(new HttpConnectTimeoutException("HTTP connect timed out"), ErrorCode.TIMEOUT, "connect timed out"),
                arguments(new UncheckedIOException(new SocketTimeoutException("Read timed out")), ErrorCode.TIMEOUT, "Read timed out"),
                arguments(new ConnectException("Connection refused"), ErrorCode.UPSTREAM_ERROR, "Connection refused"),
                arguments(new RuntimeException("route", new ConnectException("Connection refused")),
                        ErrorCode.UPSTREAM_ERROR, "ConnectException Connection refused"),
                arguments(new IOException("Connection reset"), ErrorCode.UPSTREAM_ERROR, "Connection reset"),
                arguments(new TruncatedDownloadException(10, 100), ErrorCode.UPSTREAM_ERROR, "received 10 of 100 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transportFailures")
    void classifiesTransportFailures(Throwable failure, ErrorCode code, String mentioned) {
        ErrorClassifier.RunError error = ErrorClassifier.classify(failure, CALL, 1);

        assertThat(error.status()).isEqualTo(RunStatus.FAILED);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).startsWith(CALL + ": ").contains(mentioned);
    }

    @Test
    void timeoutsSayNoAnswerInTime() {
        assertThat(ErrorClassifier.classify(new SocketTimeoutException("Read timed out"), CALL, 1).message())
                .isEqualTo(CALL + ": no answer in time: SocketTimeoutException Read timed out");
    }

    @Test
    void anUnknownExceptionIsAnInternalError() {
        ErrorClassifier.RunError error = ErrorClassifier.classify(new IllegalStateException("no poll loop"), CALL, 3);

        assertThat(error.status()).isEqualTo(RunStatus.FAILED);
        assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(error.message()).isEqualTo(CALL + ": unexpected IllegalStateException: no poll loop");
    }

    @Test
    void redactsRegisteredSecretsAndBearerTokens() {
        String secret = "sec-" + UUID.randomUUID();
        Secrets.register(secret);
        try {
            ErrorClassifier.RunError fromBody = ErrorClassifier.classify(
                    http(400, "{\"message\":\"client secret " + secret + " is invalid\"}"), CALL, 1);
            ErrorClassifier.RunError fromBearer = ErrorClassifier.classify(
                    http(401, "rejected Authorization: Bearer abc.def-ghi_jkl"), CALL, 1);
            ErrorClassifier.RunError fromRunFailure = ErrorClassifier.classify(
                    new RunFailure(ErrorCode.JOB_FAILED, "job used " + secret), CALL, 1);
            ErrorClassifier.RunError fromUnknown = ErrorClassifier.classify(
                    new IllegalArgumentException("Bearer abc123xyz was refused"), CALL, 1);
            ErrorClassifier.RunError fromTransport = ErrorClassifier.classify(
                    new IOException("could not reach host with key " + secret), CALL, 2);

            assertThat(fromBody.message()).doesNotContain(secret).contains("client secret **** is invalid");
            assertThat(fromBearer.message()).doesNotContain("abc.def").contains("Bearer ****");
            assertThat(fromRunFailure.message()).isEqualTo("job used ****");
            assertThat(fromUnknown.message()).doesNotContain("abc123xyz").contains("Bearer ****");
            assertThat(fromTransport.message()).doesNotContain(secret).contains("key ****");
        } finally {
            Secrets.forget(secret);
        }
    }

    @Test
    void aRedirectNotFollowedNamesWhereItPointedWithoutItsQuery() {
        var redirected = new HttpOperationFailedException("https://hooks.acme.test/nlu?key=1", 302, "Found",
                "/internal/admin?session=abc", Map.of("Location", "/internal/admin?session=abc"), "");

        ErrorClassifier.RunError error = ErrorClassifier.classify(new CamelExecutionException("failed", null, redirected),
                "POST https://hooks.acme.test/nlu", 1);

        assertThat(error.code()).isEqualTo(ErrorCode.UPSTREAM_REJECTED);
        assertThat(error.message()).isEqualTo("POST https://hooks.acme.test/nlu: HTTP 302 redirecting to "
                + "https://hooks.acme.test/internal/admin, not followed");
    }

    @Test
    void aRedirectRefusedByTheDownloadSaysWhy() {
        var refused = new CallFailedException("more than 5 redirects", 307,
                Map.of("Location", "https://cdn.test/blob"), "");

        ErrorClassifier.RunError error = ErrorClassifier.classify(refused, "GET https://tenant.test/a", 1);

        assertThat(error.message()).isEqualTo("GET https://tenant.test/a: HTTP 307 redirecting to https://cdn.test/blob, "
                + "not followed (more than 5 redirects)");
    }

    @Test
    void aStorageFailureNamesS3NotTheDownloadThatFedIt() {
        var busy = new dev.cognigyops.storage.StorageUnavailableException(
                "S3 did not take the artifact for s3://b/k.onnx: Service Unavailable", new IOException("503"));

        ErrorClassifier.RunError error = ErrorClassifier.classify(busy, "GET https://tenant.test/api/v1/artifacts/exp-1", 4);

        assertThat(error.code()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(error.message()).isEqualTo("S3 did not take the artifact for s3://b/k.onnx: Service Unavailable (after 4 attempts)");
    }
}
