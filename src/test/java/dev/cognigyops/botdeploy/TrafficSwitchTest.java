package dev.cognigyops.botdeploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** All traffic to the target, whichever of the two it is (seed 001 gave the primary 0 when it was the target). */
class TrafficSwitchTest {

    @ParameterizedTest(name = "target {0}: blue {1}, green {2}")
    @CsvSource({"blue, 100, 0", "green, 0, 100"})
    void sendsEverythingToTheTarget(String target, int blueWeight, int greenWeight) throws Exception {
        assertThat(TrafficSwitch.toTarget("blue", "green", target)).isEqualTo(Json.parse("{\"environments\":["
                + "{\"environmentId\":\"blue\",\"trafficWeight\":" + blueWeight + "},"
                + "{\"environmentId\":\"green\",\"trafficWeight\":" + greenWeight + "}],"
                + "\"strategy\":\"blue_green\",\"failoverEnabled\":true}"));
    }

    @Test
    void refusesATargetThatIsNeither() {
        assertThatThrownBy(() -> TrafficSwitch.toTarget("blue", "green", "red")).isInstanceOf(IllegalArgumentException.class);
    }
}
