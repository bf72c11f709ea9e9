package dev.cognigyops.observe;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A health check of one dependency, named by its id in the health JSON ({@code run-store}, {@code kafka},
 * {@code s3}, {@code cognigy}). A readiness check only: a dependency that is down takes the pod out of the
 * Service, it does not restart it. One that {@linkplain #reported() is only reported} is UP whatever its
 * probe found, and says what it found in its message and its {@code answers} detail: the Cognigy tenant being
 * down must not take every instance out of the Service (the runs API, the page, and the runs in flight, which
 * wait and retry, do not need it).
 */
public final class DependencyHealthCheck extends AbstractHealthCheck {

    private final Probe probe;
    private final boolean gatesReadiness;

    private DependencyHealthCheck(String id, Probe probe, boolean gatesReadiness) {
        super("cognigy-ops", id);
        this.probe = probe;
        this.gatesReadiness = gatesReadiness;
    }

    /** A check whose dependency must answer for the instance to be ready. */
    public static DependencyHealthCheck gating(String id, Probe probe) {
        return new DependencyHealthCheck(id, probe, true);
    }

    /** A check that reports its dependency and never makes the instance unready. */
    public static DependencyHealthCheck reported(String id, Probe probe) {
        return new DependencyHealthCheck(id, probe, false);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    public boolean gatesReadiness() {
        return gatesReadiness;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Probe.Outcome outcome = probe.check();
        builder.details(outcome.details());
        builder.detail("answers", outcome.up());
        builder.message(outcome.message());
        if (outcome.up() || !gatesReadiness) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
