package dev.cognigyops.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cognigyops.testsupport.MutableClock;

/** Each check's decision: up, down, only reported; probes bounded in time, kept briefly, never doubled. */
class HealthChecksTest {

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2025-01-01T00:00:00Z"));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private Probe probe(java.util.concurrent.Callable<Probe.Outcome> work, Duration timeout, Duration keepFor) {
        return new Probe("the thing", work, timeout, keepFor, clock, executor);
    }

    private static HealthCheck.Result call(DependencyHealthCheck check) {
        HealthCheckResultBuilder builder = HealthCheckResultBuilder.on(check);
        check.doCall(builder, Map.of());
        return builder.build();
    }

    @ParameterizedTest(name = "gating={0} probe up={1} -> {2}")
    @CsvSource({
            "true,  true,  UP",
            "true,  false, DOWN",
            "false, true,  UP",
            "false, false, UP",
    })
    void aCheckIsDownOnlyWhenItsDependencyGatesReadiness(boolean gating, boolean up, HealthCheck.State expected) {
        Probe p = probe(() -> up ? Probe.Outcome.up("fine", Map.of()) : Probe.Outcome.down("gone", Map.of()),
                Duration.ofSeconds(2), Duration.ZERO);
        DependencyHealthCheck check = gating ? DependencyHealthCheck.gating("x", p) : DependencyHealthCheck.reported("x", p);
        HealthCheck.Result result = call(check);
        assertThat(result.getState()).isEqualTo(expected);
        assertThat(result.getMessage()).contains(up ? "fine" : "gone");
        assertThat(result.getDetails()).containsEntry("answers", up);
        assertThat(check.isLiveness()).as("a dependency down restarts nothing").isFalse();
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.getId()).isEqualTo("x");
    }

    @Test
    void aProbeThatThrowsIsDownAndSaysWhy() {
        Probe p = probe(() -> {
            throw new java.sql.SQLException("Connection refused");
        }, Duration.ofSeconds(2), Duration.ZERO);
        HealthCheck.Result result = call(DependencyHealthCheck.gating("run-store", p));
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).contains("the thing does not answer: SQLException: Connection refused");
    }

    @Test
    void aProbeThatHangsIsDownAfterItsTimeoutAndIsNotStartedTwice() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Probe p = probe(() -> {
            started.incrementAndGet();
            release.await(10, TimeUnit.SECONDS);
            return Probe.Outcome.up("late", Map.of());
        }, Duration.ofMillis(200), Duration.ZERO);
        long t0 = System.nanoTime();
        assertThat(p.check().up()).isFalse();
        assertThat(p.check().message()).isEqualTo("the thing did not answer within 200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(started).as("the second check waited for the first probe").hasValue(1);
        release.countDown();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> p.check().up());
    }

    @Test
    void anOutcomeIsKeptForItsTimeThenAskedAgain() {
        AtomicInteger asked = new AtomicInteger();
        Probe p = probe(() -> Probe.Outcome.up("asked " + asked.incrementAndGet(), Map.of()), Duration.ofSeconds(2),
                Duration.ofSeconds(10));
        assertThat(p.check().message()).isEqualTo("asked 1");
        clock.advance(Duration.ofSeconds(9));
        assertThat(p.check().message()).isEqualTo("asked 1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(p.check().message()).isEqualTo("asked 2");
    }

    @ParameterizedTest(name = "HTTP {0} -> answers {1}")
    @CsvSource({
            "200, true",
            "204, true",
            "400, true",
            "401, true",
            "403, true",
            "302, false",
            "404, false",
            "405, false",
            "429, false",
            "500, false",
            "503, false",
    })
    void theTenantAnswers(int status, boolean answers) {
        assertThat(TenantAnswer.answers(status)).isEqualTo(answers);
    }

    @Test
    void theRunStoreProbeAsksItsDatabase() throws Exception {
        var h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:probe;DB_CLOSE_DELAY=-1");
        assertThat(Probes.runStore(h2, Duration.ofSeconds(2)).call().up()).isTrue();
        var nowhere = new org.h2.jdbcx.JdbcDataSource();
        nowhere.setURL("jdbc:h2:file:/nonexistent-dir/x/y;IFEXISTS=TRUE");
        HealthCheck.Result down = call(DependencyHealthCheck.gating("run-store",
                probe(Probes.runStore(nowhere, Duration.ofSeconds(2)), Duration.ofSeconds(2), Duration.ZERO)));
        assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
    }

    @Test
    void kafkaThatDoesNotAnswerIsDownWithinTheBound() {
        var props = new java.util.Properties();
        props.put("bootstrap.servers", "127.0.0.1:" + dev.cognigyops.testsupport.FreePort.pick());
        props.put("request.timeout.ms", 500);
        props.put("default.api.timeout.ms", 500);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            long t0 = System.nanoTime();
            HealthCheck.Result result = call(DependencyHealthCheck.gating("kafka",
                    probe(Probes.kafka(() -> admin, Duration.ofMillis(500)), Duration.ofMillis(700), Duration.ZERO)));
            assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
