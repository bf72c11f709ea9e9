package dev.cognigyops.flowdeploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InProcessEnvironmentLocksTest {

    @Test
    void oneRunPerEnvironmentUntilItReleases() {
        var locks = new InProcessEnvironmentLocks();

        assertThat(locks.claim("env-prod", "run-1")).isNull();
        assertThat(locks.claim("env-prod", "run-2")).isEqualTo("run-1");
        assertThat(locks.claim("env-stage", "run-2")).isNull();
        // only the holder releases
        locks.release("env-prod", "run-2");
        assertThat(locks.claim("env-prod", "run-3")).isEqualTo("run-1");
        locks.release("env-prod", "run-1");
        assertThat(locks.claim("env-prod", "run-3")).isNull();
    }
}
