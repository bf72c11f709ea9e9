package dev.cognigyops.botdeploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every status docs/contract.md#calls-out names, and what is not one. */
class DeploymentStateTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
            "queued, IN_PROGRESS", "compiling, IN_PROGRESS", "deploying, IN_PROGRESS", "validating, IN_PROGRESS",
            "completed, SUCCEEDED", "succeeded, SUCCEEDED", "COMPLETED, SUCCEEDED",
            "failed, FAILED", "rolled_back, FAILED", "timeout, FAILED",
            "pending, UNKNOWN", "'', UNKNOWN", "NULL, UNKNOWN", "rolling_back, UNKNOWN"})
    void meansWhatCognigySays(String status, DeploymentState expected) {
        assertThat(DeploymentState.of(status)).isEqualTo(expected);
    }
}
