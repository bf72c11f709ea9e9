package dev.cognigyops.flowdeploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyStatusTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(nullValues = "null", value = {
            "deployed, DEPLOYED", "DEPLOYED, DEPLOYED",
            "pending, PENDING", "deploying, PENDING", "importing, PENDING", "queued, PENDING", "validating, PENDING",
            "failed, FAILED", "error, FAILED", "rolled_back, FAILED", "rejected, FAILED",
            "null, UNKNOWN", "'', UNKNOWN", "archived, UNKNOWN",
    })
    void interpretsTheTargetsStatus(String status, VerifyStatus expected) {
        assertThat(VerifyStatus.of(status)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} at {1}, pushed {2} → {3}")
    @CsvSource(nullValues = "null", value = {
            "deployed, 2.0.0, 2.0.0, DEPLOYED",
            "deployed, 1.0.0, 2.0.0, PENDING",
            "deployed, null, 2.0.0, DEPLOYED",
            "deploying, 2.0.0, 2.0.0, PENDING",
            "failed, 1.0.0, 2.0.0, FAILED",
            "failed, 2.0.0, 2.0.0, FAILED",
    })
    void deployedCountsOnlyAtThePushedVersion(String status, String reported, String pushed, VerifyStatus expected) {
        assertThat(VerifyStatus.of(status, reported, pushed)).isEqualTo(expected);
    }
}
