package dev.cognigyops.botdeploy;

import java.time.Duration;

import org.apache.camel.ExchangeProperty;

import dev.cognigyops.calls.StatePacer;

/**
 * The status reads of one deployment kept within Cognigy's limit ({@link StatusReadLimiter}): the
 * route waits {@link #slotWait} before each read, and names this bean as the read's {@code pacer}
 * so that a retry of the read (429, 5xx, 401) waits for its own moment too.
 */
public final class DeploymentStatusReads implements StatePacer<BotDeployRun> {

    private final StatusReadLimiter limiter;

    public DeploymentStatusReads(StatusReadLimiter limiter) {
        this.limiter = limiter;
    }

    /** Before each read: reserve the read's moment within the deployment's limit; the wait (ms) until then. */
    public long slotWait(@ExchangeProperty(BotDeployRun.PROPERTY) BotDeployRun run) {
        return limiter.reserveWait(run.deploymentId(), Duration.ZERO).toMillis();
    }

    @Override
    public long delayBeforeRetry(BotDeployRun run, long proposedDelayMs) {
        return limiter.reserveWait(run.deploymentId(), Duration.ofMillis(proposedDelayMs)).toMillis();
    }
}
