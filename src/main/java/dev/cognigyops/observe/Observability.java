package dev.cognigyops.observe;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import software.amazon.awssdk.services.s3.S3Client;

import dev.cognigyops.support.Settings;

/**
 * Wires the service's observability (docs/contract.md §8): the metrics registry Camel serves at
 * {@code /observe/metrics}, and the health checks of the run store, Kafka, S3 and the Cognigy tenant served
 * at {@code /observe/health[/live|/ready]}. Nothing here decides; {@link Probe}, {@link TenantAnswer},
 * {@link CallOutcome} and {@link CallTarget} do.
 */
public final class Observability {

    /**
     * The seda queue where runs already in the store wait for a worker: accepted from Kafka or the runs API,
     * or claimed to resume (routes/platform/triggers and durable-runs).
     */
    static final String[] WAITING_QUEUES = {"accepted-runs"};

    private Observability() {
    }

    /**
     * The run and call metrics, on Camel's Prometheus registry when {@code camel.metrics.enabled}: the one bound
     * as {@value MicrometerConstants#METRICS_REGISTRY_NAME}, created and bound here when there is none yet, so
     * that camel-micrometer-prometheus serves it with the JVM's and Camel's own meters. Without metrics (the
     * command line) they count into nothing.
     */
    public static OpsMetrics metrics(CamelContext context, Settings settings, Collection<String> operations) {
        if (!Boolean.parseBoolean(settings.get("camel.metrics.enabled", "false"))) {
            return OpsMetrics.none();
        }
        var registry = context.getRegistry();
        MeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meters);
        }
        OpsMetrics metrics = new OpsMetrics(meters, operations);
        metrics.waitingFrom(() -> waitingRuns(context));
        registry.bind(OpsMetrics.BEAN, metrics);
        return metrics;
    }

    /** Runs this instance took from the store (accepted from Kafka, claimed to resume) that wait for a worker. */
    static int waitingRuns(CamelContext context) {
        if (!(context.hasComponent("seda") instanceof SedaComponent seda)) {
            return 0;
        }
        int waiting = 0;
        for (String name : WAITING_QUEUES) {
            var queue = seda.getQueues().get(name);
            if (queue != null && queue.getQueue() != null) {
                waiting += queue.getQueue().size();
            }
        }
        return waiting;
    }

    /**
     * The dependencies' health checks: {@code run-store} always, {@code kafka} when {@code cognigy.kafka.brokers}
     * is set, {@code s3} when {@code cognigy.s3.bucket} is; these gate readiness. {@code cognigy} is reported only.
     *
     * @param tenantProbe the URL the tenant is asked, and whether it is its token endpoint
     */
    public static void healthChecks(CamelContext context, Settings settings, DataSource store, S3Client s3,
                                    URI tenantProbe, boolean tokenEndpoint) {
        Duration timeout = settings.requireMillis("cognigy.health.timeout-ms");
        Duration keepCognigy = settings.requireSeconds("cognigy.health.cognigy-cache-seconds");
        Clock clock = Clock.systemUTC();
        ExecutorService probes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cognigy-ops-health-probe");
            t.setDaemon(true);
            return t;
        });
        var checks = new java.util.ArrayList<HealthCheck>();
        checks.add(DependencyHealthCheck.gating("run-store",
                new Probe("the run store", Probes.runStore(store, timeout), timeout, Duration.ZERO, clock, probes)));
        String brokers = settings.get("cognigy.kafka.brokers", "").trim();
        Admin[] admin = new Admin[1];
        if (!brokers.isEmpty()) {
            checks.add(DependencyHealthCheck.gating("kafka", new Probe("Kafka", Probes.kafka(() -> kafkaAdmin(admin, brokers, timeout),
                    timeout), timeout, Duration.ZERO, clock, probes)));
        }
        String bucket = settings.get("cognigy.s3.bucket", "").trim();
        if (!bucket.isEmpty()) {
            checks.add(DependencyHealthCheck.gating("s3",
                    new Probe("S3", Probes.s3(s3, bucket), timeout, Duration.ZERO, clock, probes)));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .executor(probes).build();
        checks.add(DependencyHealthCheck.reported("cognigy", new Probe("the Cognigy tenant",
                Probes.cognigy(http, tenantProbe, tokenEndpoint, timeout), timeout, keepCognigy, clock, probes)));

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        for (HealthCheck check : checks) {
            if (health != null) {
                health.register(check);
            } else {
                // camel-main discovers checks bound in the registry when it sets up its health check registry
                context.getRegistry().bind("health-check-" + check.getId(), check);
            }
        }
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                probes.shutdownNow();
                synchronized (admin) {
                    if (admin[0] != null) {
                        admin[0].close(Duration.ofSeconds(1));
                    }
                }
            }
        });
    }

    /** One admin client for the Kafka probe, made at its first use; its requests are bounded by the probe's timeout. */
    private static Admin kafkaAdmin(Admin[] holder, String brokers, Duration timeout) {
        synchronized (holder) {
            if (holder[0] == null) {
                Properties p = new Properties();
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
                p.put(AdminClientConfig.CLIENT_ID_CONFIG, "cognigy-ops-health");
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
                p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
                holder[0] = Admin.create(p);
            }
            return holder[0];
        }
    }

}
