package dev.cognigyops.flows;

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
}
