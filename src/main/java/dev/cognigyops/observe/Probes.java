package dev.cognigyops.observe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import software.amazon.awssdk.services.s3.S3Client;

/** What each dependency's probe does: the cheapest request that proves it answers. */
public final class Probes {

    private Probes() {
    }

    /** The run store: one connection from its pool, and {@code SELECT 1}. */
    public static Callable<Probe.Outcome> runStore(DataSource store, Duration timeout) {
        return () -> {
            long started = System.nanoTime();
            try (Connection c = store.getConnection(); Statement s = c.createStatement()) {
                s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                try (ResultSet r = s.executeQuery("SELECT 1")) {
                    r.next();
                }
            }
            return Probe.Outcome.up("the run store answers", Map.of("latencyMs", millisSince(started)));
        };
    }

    /** Kafka: the brokers describe the cluster within the timeout. */
    public static Callable<Probe.Outcome> kafka(Supplier<Admin> admin, Duration timeout) {
        return () -> {
            long started = System.nanoTime();
            var nodes = admin.get().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return Probe.Outcome.down("Kafka answers with no broker", Map.of());
            }
            return Probe.Outcome.up("Kafka answers: " + nodes.size() + " broker(s)",
                    Map.of("brokers", nodes.size(), "latencyMs", millisSince(started)));
        };
    }

    /** S3: the bucket answers HEAD (it exists and the credentials may use it). Not counted as a call. */
    public static Callable<Probe.Outcome> s3(S3Client s3, String bucket) {
        return () -> {
            long started = System.nanoTime();
            s3.headBucket(b -> b.bucket(bucket)
                    .overrideConfiguration(o -> o.putExecutionAttribute(S3CallMetrics.PROBE, true)));
            return Probe.Outcome.up("the bucket answers", Map.of("bucket", bucket, "latencyMs", millisSince(started)));
        };
    }

    /**
     * The Cognigy tenant, asked without credentials ({@link TenantAnswer}): a POST of
     * {@code grant_type=client_credentials} with no client to the token endpoint, or, on profile cognigy-v2
     * with an API key, a GET of {@code url} (a listing, limit 1) without the key.
     */
    public static Callable<Probe.Outcome> cognigy(HttpClient http, URI url, boolean tokenEndpoint, Duration timeout) {
        return () -> {
            long started = System.nanoTime();
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json");
            if (tokenEndpoint) {
                request.header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"));
            } else {
                request.GET();
            }
            HttpResponse<Void> answer = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("httpStatus", answer.statusCode());
            details.put("latencyMs", millisSince(started));
            String where = tokenEndpoint ? "its token endpoint" : "its API";
            return TenantAnswer.answers(answer.statusCode())
                    ? Probe.Outcome.up("the tenant answers " + where + " (HTTP " + answer.statusCode() + ")", details)
                    : Probe.Outcome.down("the tenant does not answer " + where + " as expected (HTTP "
                    + answer.statusCode() + ")", details);
        };
    }

    private static long millisSince(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }
}
