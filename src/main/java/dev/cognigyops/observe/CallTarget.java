package dev.cognigyops.observe;

import dev.cognigyops.calls.OutboundCall;

/**
 * What a call out went to, as the {@code target} label of the call metrics: a bounded name, never a host
 * or a URL. A call with the tenant's credentials is {@code cognigy}; a webhook (a request's, the default one,
 * or a dependency webhook's check) is {@code webhook}; MLflow is {@code mlflow}; a download without the
 * tenant's credentials (a pre-signed link to a storage host) is {@code download}. S3 calls are {@code s3}
 * ({@link S3CallMetrics}).
 */
public final class CallTarget {

    public static final String COGNIGY = "cognigy";
    public static final String WEBHOOK = "webhook";
    public static final String MLFLOW = "mlflow";
    public static final String DOWNLOAD = "download";
    public static final String S3 = "s3";

    private CallTarget() {
    }

    public static String of(OutboundCall call) {
        if (call == null) {
            return "unknown";
        }
        if (call.bearer()) {
            return COGNIGY;
        }
        String retry = call.retrySettings() == null ? "" : call.retrySettings();
        if (retry.contains("webhook")) {
            return WEBHOOK;
        }
        if (retry.contains("mlflow")) {
            return MLFLOW;
        }
        return DOWNLOAD;
    }
}
