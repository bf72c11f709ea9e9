package dev.cognigyops.observe;

import java.time.Duration;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts every S3 call the artifact store makes (target {@code s3}, operation the S3 request's name), with its
 * latency and outcome, where the SDK makes it: one interceptor on the {@code s3Client}. The S3 health check's
 * own headBucket is marked {@link #PROBE} and not counted, so that probes do not inflate the call metrics.
 */
public final class S3CallMetrics implements ExecutionInterceptor {

    /** Set on a request that is a health probe, not work. */
    public static final ExecutionAttribute<Boolean> PROBE = new ExecutionAttribute<>("cognigy-ops.probe");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("cognigy-ops.started");

    private final OpsMetrics metrics;

    public S3CallMetrics(OpsMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes, CallOutcome.SUCCESS);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        int status = context.httpResponse().map(r -> r.statusCode()).orElse(0);
        if (status == 429 && !isProbe(attributes)) {
            metrics.rateLimited(CallTarget.S3, null);
        }
        record(attributes, CallOutcome.of(true, status));
    }

    private void record(ExecutionAttributes attributes, String outcome) {
        if (isProbe(attributes)) {
            return;
        }
        Long started = attributes.getAttribute(STARTED);
        Duration latency = started == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
        metrics.s3CallMade(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), outcome, latency);
    }

    private static boolean isProbe(ExecutionAttributes attributes) {
        return Boolean.TRUE.equals(attributes.getAttribute(PROBE));
    }
}
