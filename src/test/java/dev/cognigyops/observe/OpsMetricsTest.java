package dev.cognigyops.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metrics' names, labels and values as Prometheus scrapes them, and the bounds on their label values. */
class OpsMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final OpsMetrics metrics = new OpsMetrics(registry, List.of("nlu-export", "bot-deploy"));

    private PrometheusText scrape() {
        return new PrometheusText(registry.scrape());
    }

    @Test
    void runsStartedFinishedAndTheirDurations() {
        metrics.runStarted("nlu-export", "file");
        metrics.runStarted("nlu-export", "file");
        metrics.runStarted("no-such-operation", "kafka");
        metrics.runFinished("nlu-export", "file", "SUCCEEDED", Duration.ofMillis(1_500));
        metrics.runFinished("nlu-export", "file", "FAILED", Duration.ofSeconds(20));
        metrics.runFinished("no-such-operation", "kafka", "REJECTED", Duration.ofMillis(3));

        PrometheusText t = scrape();
        assertThat(t.value("cognigy_runs_started_total", "operation", "nlu-export", "trigger", "file")).isEqualTo(2.0);
        assertThat(t.value("cognigy_runs_started_total", "operation", "other", "trigger", "kafka")).as("bounded: no user text as a label")
                .isEqualTo(1.0);
        assertThat(t.value("cognigy_runs_finished_total", "operation", "nlu-export", "status", "SUCCEEDED", "trigger", "file")).isEqualTo(1.0);
        assertThat(t.value("cognigy_runs_finished_total", "operation", "other", "status", "REJECTED", "trigger", "kafka")).isEqualTo(1.0);
        assertThat(t.value("cognigy_run_duration_seconds_count", "operation", "nlu-export", "status", "SUCCEEDED")).isEqualTo(1.0);
        assertThat(t.value("cognigy_run_duration_seconds_sum", "operation", "nlu-export", "status", "SUCCEEDED")).isEqualTo(1.5);
        assertThat(t.value("cognigy_run_duration_seconds_bucket", "operation", "nlu-export", "status", "SUCCEEDED", "le", "1.0")).isEqualTo(0.0);
        assertThat(t.value("cognigy_run_duration_seconds_bucket", "operation", "nlu-export", "status", "SUCCEEDED", "le", "5.0")).isEqualTo(1.0);
        assertThat(t.value("cognigy_run_duration_seconds_bucket", "operation", "nlu-export", "status", "FAILED", "le", "15.0")).isEqualTo(0.0);
        assertThat(t.value("cognigy_run_duration_seconds_bucket", "operation", "nlu-export", "status", "FAILED", "le", "60.0")).isEqualTo(1.0);
        assertThat(t.value("cognigy_run_duration_seconds_bucket", "operation", "nlu-export", "status", "FAILED", "le", "+Inf")).isEqualTo(1.0);
    }

    @Test
    void inFlightAndWaitingAreGaugesThatGoDownAgain() {
        AtomicInteger waiting = new AtomicInteger(3);
        metrics.waitingFrom(waiting::get);
        metrics.runWorking("bot-deploy");
        metrics.runWorking("bot-deploy");
        metrics.runDone("bot-deploy");
        metrics.runDone("nlu-export");
        System.gc();

        PrometheusText t = scrape();
        assertThat(t.value("cognigy_runs_in_flight", "operation", "bot-deploy")).isEqualTo(1.0);
        assertThat(t.value("cognigy_runs_in_flight", "operation", "nlu-export")).as("never below zero").isEqualTo(0.0);
        assertThat(t.value("cognigy_runs_waiting")).as("held strongly: a gauge of a lambda survives a GC").isEqualTo(3.0);
        waiting.set(0);
        assertThat(scrape().value("cognigy_runs_waiting")).isEqualTo(0.0);
    }

    @Test
    void callsRetriesRateLimitsAndResumes() {
        metrics.callMade("cognigy", "nlu-export", "success", Duration.ofMillis(40));
        metrics.callMade("cognigy", "nlu-export", "success", Duration.ofMillis(400));
        metrics.callMade("webhook", null, "server_error", Duration.ofSeconds(3));
        metrics.s3CallMade("PutObject", "success", Duration.ofMillis(20));
        metrics.s3CallMade("http://bucket/key?sig=x", "success", Duration.ofMillis(20));
        metrics.retried("cognigy", "nlu-export");
        metrics.rateLimited("cognigy", "nlu-export");
        metrics.runResumed("bot-deploy");

        PrometheusText t = scrape();
        assertThat(t.value("cognigy_calls_total", "operation", "nlu-export", "outcome", "success", "target", "cognigy")).isEqualTo(2.0);
        assertThat(t.value("cognigy_call_duration_seconds_bucket", "operation", "nlu-export", "outcome", "success", "target", "cognigy",
                "le", "0.05")).isEqualTo(1.0);
        assertThat(t.value("cognigy_call_duration_seconds_bucket", "operation", "nlu-export", "outcome", "success", "target", "cognigy",
                "le", "0.5")).isEqualTo(2.0);
        assertThat(t.value("cognigy_calls_total", "operation", "none", "outcome", "server_error", "target", "webhook")).isEqualTo(1.0);
        assertThat(t.value("cognigy_calls_total", "operation", "PutObject", "outcome", "success", "target", "s3")).isEqualTo(1.0);
        assertThat(t.value("cognigy_calls_total", "operation", "other", "outcome", "success", "target", "s3"))
                .as("no URL as a label").isEqualTo(1.0);
        assertThat(t.value("cognigy_call_retries_total", "operation", "nlu-export", "target", "cognigy")).isEqualTo(1.0);
        assertThat(t.value("cognigy_rate_limited_total", "operation", "nlu-export", "target", "cognigy")).isEqualTo(1.0);
        assertThat(t.value("cognigy_runs_resumed_total", "operation", "bot-deploy")).isEqualTo(1.0);
    }

    @Test
    void noneCountsIntoNothingAndNeverFails() {
        OpsMetrics none = OpsMetrics.none();
        none.runStarted("nlu-export", "cli");
        none.runFinished("nlu-export", "cli", "SUCCEEDED", Duration.ofSeconds(-1));
        none.callMade("cognigy", null, "success", Duration.ZERO);
        assertThat(none.registry().get("cognigy.runs.started").counter().count()).isZero();
    }

    @ParameterizedTest(name = "failed={0} status={1} -> {2}")
    @CsvSource({
            "false, 200, success",
            "false, 0,   success",
            "true,  404, client_error",
            "true,  429, client_error",
            "true,  500, server_error",
            "true,  503, server_error",
            "true,  0,   no_answer",
            "true,  200, error",
            "true,  302, error",
    })
    void callOutcome(boolean failed, int status, String outcome) {
        assertThat(CallOutcome.of(failed, status)).isEqualTo(outcome);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "cognigy,  true,  cognigy.retry",
            "webhook,  false, cognigy.webhook.retry",
            "mlflow,   false, cognigy.mlflow.retry",
            "download, false, cognigy.retry",
    })
    void callTarget(String target, boolean bearer, String retrySettings) {
        var call = new dev.cognigyops.calls.OutboundCall("GET", "https://x.example/p", java.util.Map.of(), null, "A", "r",
                bearer, retrySettings, java.util.Map.of());
        assertThat(CallTarget.of(call)).isEqualTo(target);
    }
}
