package dev.cognigyops.flowdeploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Whether a failed import is rolled back too: only a refusal (4xx) says it was not applied. */
class ImportOutcomeTest {

    @ParameterizedTest(name = "HTTP {0} → may have been applied: {1}")
    @CsvSource({"0, true", "500, true", "503, true", "408, true", "400, false", "409, false", "422, false", "429, false"})
    void anImportMayHaveBeenAppliedUnlessItWasRefused(int httpStatus, boolean mayHaveBeenApplied) {
        assertThat(FlowDeploy.importMayHaveBeenApplied(httpStatus)).isEqualTo(mayHaveBeenApplied);
    }
}
