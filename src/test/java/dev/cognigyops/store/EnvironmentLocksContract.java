package dev.cognigyops.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cognigyops.runs.RunLease;
import dev.cognigyops.testsupport.MutableClock;

/**
 * flow-deploy's environment locks in the run store, as several instances see them: each instance is
 * its own {@link StoredEnvironmentLocks} (its own owner) on one database. A subclass gives a freshly
 * migrated, empty store ({@link #emptyStore()}).
 */
abstract class EnvironmentLocksContract {

    static final Duration LEASE = Duration.ofSeconds(30);
    static final String ENV = "env-prod";
    static final int INSTANCES = 8;

    DataSource dataSource;
    RunStore runs;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private ExecutorService threads;

    /** A migrated, empty store, with a pool of at least {@link #INSTANCES} + 2 connections. */
    abstract DataSource emptyStore();

    @BeforeEach
    void openStore() {
        dataSource = emptyStore();
        runs = new RunStore(dataSource);
        threads = Executors.newFixedThreadPool(INSTANCES);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    StoredEnvironmentLocks instance(String owner) {
        return new StoredEnvironmentLocks(dataSource, owner, clock);
    }

    /** A flow-deploy run accepted by {@code node} (owner {@code node#1}), RUNNING with a fresh lease. */
    RunLease running(String runId, String node) {
        var run = new RunStore.NewRun(runId, runId, "flow-deploy", "file", "inbox/" + runId + ".json",
                "{\"operation\":\"flow-deploy\",\"requestId\":\"" + runId + "\",\"payload\":{}}", clock.instant());
        return runs.insert(run, node, node + "#1", clock.instant(), LEASE).orElseThrow();
    }

    /** The lock's row as stored: {run_id, owner}, or null. */
    String[] lockRow(String environment) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT run_id, owner FROM environment_locks WHERE environment = ?")) {
            s.setString(1, environment);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new String[] {r.getString(1), r.getString(2)} : null;
            }
        }
    }

    @Test
    void oneRunPerEnvironmentAcrossInstancesUntilItReleases() throws Exception {
        var a = instance("node-a#1");
        var b = instance("node-b#1");
        running("run-1", "node-a");
        running("run-2", "node-b");
        running("run-3", "node-b");

        assertThat(a.claim(ENV, "run-1")).isNull();
        assertThat(b.claim(ENV, "run-2")).isEqualTo("run-1");
        assertThat(b.claim("env-stage", "run-2")).as("another environment is free").isNull();
        // only the run that holds it releases it
        b.release(ENV, "run-2");
        assertThat(b.claim(ENV, "run-3")).isEqualTo("run-1");
        a.release(ENV, "run-1");
        assertThat(lockRow(ENV)).isNull();
        assertThat(b.claim(ENV, "run-3")).isNull();
        assertThat(lockRow(ENV)).containsExactly("run-3", "node-b#1");
    }

    @Test
    void aRunClaimingTheLockItHoldsGetsItAgain() {
        var a = instance("node-a#1");
        running("run-1", "node-a");

        assertThat(a.claim(ENV, "run-1")).isNull();
        assertThat(a.claim(ENV, "run-1")).isNull();
    }

    @Test
    void aResumedRunTakesBackItsLockOnAnotherInstanceAndTheInstanceThatLostTheRunCannotFreeIt() throws Exception {
        var a = instance("node-a#1");
        var b = instance("node-b#1");
        running("run-1", "node-a");
        assertThat(a.claim(ENV, "run-1")).isNull();

        // node-a stops answering; once its lease has lapsed node-b resumes the run, which claims its lock again
        clock.advance(LEASE.plusSeconds(1));
        running("run-2", "node-b");
        assertThat(runs.claim("node-b", "node-b#1", clock.instant(), LEASE, 10))
                .singleElement().satisfies(c -> assertThat(c.lease().runId()).isEqualTo("run-1"));
        assertThat(b.claim(ENV, "run-1")).isNull();
        assertThat(lockRow(ENV)).containsExactly("run-1", "node-b#1");

        // node-a, back, ends its copy of the run and releases: the lock is node-b's now, and stays
        a.release(ENV, "run-1");
        assertThat(b.claim(ENV, "run-2")).isEqualTo("run-1");
        b.release(ENV, "run-1");
        assertThat(b.claim(ENV, "run-2")).isNull();
    }

    @Test
    void aRunningRunWhoseLeaseHasLapsedKeepsItsLockUntilItIsResumedAndEnds() {
        var a = instance("node-a#1");
        var b = instance("node-b#1");
        RunLease held = running("run-1", "node-a");
        running("run-2", "node-b");
        assertThat(a.claim(ENV, "run-1")).isNull();

        // node-a died mid-deployment: its run is RUNNING, its lease lapsed, nobody has resumed it yet
        clock.advance(LEASE.multipliedBy(10));
        assertThat(b.claim(ENV, "run-2")).isEqualTo("run-1");

        // resumed by node-b, it ends there without releasing (say node-b dies just after recording the end)
        RunLease resumed = runs.claim("node-b", "node-b#1", clock.instant(), LEASE, 10).get(0).lease();
        assertThat(resumed.fence()).isEqualTo(held.fence() + 1);
        assertThat(runs.finish(resumed, "FAILED", "{}", clock.instant())).isTrue();
        assertThat(b.claim(ENV, "run-2")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void aLockWhoseRunHasEndedIsStaleAndTakenOverByTheNextClaim(String status) throws Exception {
        var a = instance("node-a#1");
        var b = instance("node-b#1");
        RunLease held = running("run-1", "node-a");
        running("run-2", "node-b");
        running("run-3", "node-a");
        assertThat(a.claim(ENV, "run-1")).isNull();
        // the run's end is recorded, but its instance died before it released the lock
        assertThat(runs.finish(held, status, "{}", clock.instant())).isTrue();

        assertThat(b.claim(ENV, "run-2")).isNull();
        assertThat(lockRow(ENV)).containsExactly("run-2", "node-b#1");
        assertThat(a.claim(ENV, "run-3")).as("the new holder is RUNNING").isEqualTo("run-2");
        // the old run's late release changes nothing
        a.release(ENV, "run-1");
        assertThat(lockRow(ENV)).containsExactly("run-2", "node-b#1");
    }

    @Test
    void aLockWhoseRunIsNotInTheStoreIsStale() {
        var a = instance("node-a#1");
        var b = instance("node-b#1");
        running("run-2", "node-b");
        assertThat(a.claim(ENV, "run-gone")).isNull();

        assertThat(b.claim(ENV, "run-2")).isNull();
    }

    @Test
    void ofSeveralInstancesClaimingOneEnvironmentAtOnceExactlyOneGetsIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            String environment = "env-" + round;
            List<Callable<String[]>> claims = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < INSTANCES; i++) {
                String node = "node-" + i;
                String runId = "run-" + round + "-" + i;
                running(runId, node);
                var locks = instance(node + "#1");
                claims.add(() -> {
                    start.await();
                    return new String[] {runId, locks.claim(environment, runId)};
                });
            }
            List<String[]> answers = all(claims, start);

            List<String> winners = answers.stream().filter(x -> x[1] == null).map(x -> x[0]).toList();
            assertThat(winners).as("round " + round).hasSize(1);
            assertThat(answers).filteredOn(x -> x[1] != null).allSatisfy(x -> assertThat(x[1]).isEqualTo(winners.get(0)));
            assertThat(lockRow(environment)[0]).isEqualTo(winners.get(0));
        }
    }

    @Test
    void ofSeveralInstancesTakingOverOneStaleLockAtOnceExactlyOneGetsIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            String environment = "env-" + round;
            RunLease ended = running("ended-" + round, "node-x");
            assertThat(instance("node-x#1").claim(environment, "ended-" + round)).isNull();
            runs.finish(ended, "SUCCEEDED", "{}", clock.instant());
            List<Callable<String[]>> claims = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            for (int i = 0; i < INSTANCES; i++) {
                String node = "node-" + i;
                String runId = "run-" + round + "-" + i;
                running(runId, node);
                var locks = instance(node + "#1");
                claims.add(() -> {
                    start.await();
                    return new String[] {runId, locks.claim(environment, runId)};
                });
            }
            List<String[]> answers = all(claims, start);

            List<String> winners = answers.stream().filter(x -> x[1] == null).map(x -> x[0]).toList();
            assertThat(winners).as("round " + round).hasSize(1);
            assertThat(answers).filteredOn(x -> x[1] != null).allSatisfy(x -> assertThat(x[1]).isEqualTo(winners.get(0)));
        }
    }

    private List<String[]> all(List<Callable<String[]>> claims, CountDownLatch start) throws Exception {
        List<Future<String[]>> futures = new ArrayList<>();
        for (Callable<String[]> claim : claims) {
            futures.add(threads.submit(claim));
        }
        start.countDown();
        List<String[]> answers = new ArrayList<>();
        for (Future<String[]> f : futures) {
            answers.add(f.get(30, TimeUnit.SECONDS));
        }
        return answers;
    }
}
