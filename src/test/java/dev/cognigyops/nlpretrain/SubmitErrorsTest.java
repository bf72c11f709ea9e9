package dev.cognigyops.nlpretrain;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.calls.CallFailedException;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A refused training submit: each status its own code and a message that says what to do. */
class SubmitErrorsTest {

    static final String CALL = "POST /api/v2/ai/nlp/training/jobs";
    static final String SCOPES = "ai:nlp:read ai:training:execute";

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments(401, "{\"error\":\"invalid_token\"}", 2, ErrorCode.UNAUTHORIZED,
                        new String[] {CALL, "HTTP 401", "cognigy.auth.client-id", "invalid_token"}),
                arguments(403, "{\"message\":\"scope ai:training:execute missing\"}", 1, ErrorCode.FORBIDDEN,
                        new String[] {"HTTP 403", "'" + SCOPES + "'", "cognigy.auth.scopes.nlp-retrain", "scope ai:training:execute missing"}),
                arguments(422, "{\"detail\":\"maxGpuMemory exceeds the tenant quota of 8192\"}", 1, ErrorCode.UPSTREAM_REJECTED,
                        new String[] {"HTTP 422", "rejected the training payload: maxGpuMemory exceeds the tenant quota of 8192"}),
                arguments(422, "{\"detail\":[{\"loc\":[\"body\",\"maxDatasetSize\"],\"msg\":\"too large for plan\"},"
                                + "{\"loc\":[\"body\",\"modelId\"],\"msg\":\"unknown model\"}]}", 1, ErrorCode.UPSTREAM_REJECTED,
                        new String[] {"body.maxDatasetSize: too large for plan; body.modelId: unknown model"}),
                arguments(422, "", 1, ErrorCode.UPSTREAM_REJECTED, new String[] {"no detail given"}),
                arguments(429, "", 4, ErrorCode.RATE_LIMITED,
                        new String[] {"HTTP 429", "after 4 attempts", "try again later"}),
                arguments(409, "{\"message\":\"a training job is already running\"}", 1, ErrorCode.CONFLICT,
                        new String[] {CALL, "HTTP 409", "a training job is already running"}),
                arguments(503, "{\"message\":\"maintenance\"}", 4, ErrorCode.UPSTREAM_ERROR,
                        new String[] {"HTTP 503", "maintenance", "4 attempts"}));
    }

    @ParameterizedTest(name = "HTTP {0}: {1}")
    @MethodSource("cases")
    void explains(int status, String body, int attempts, ErrorCode code, String[] parts) {
        RunFailure failure = SubmitErrors.explain(new CallFailedException("HTTP " + status, status, Map.of(), body),
                CALL, attempts, SCOPES);

        assertThat(failure.code()).isEqualTo(code);
        assertThat(failure.getMessage()).contains(parts);
    }
}
