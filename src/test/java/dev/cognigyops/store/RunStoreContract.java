package dev.cognigyops.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.runs.RunLease;

/**
 * What the run store promises, on any database it runs on: a subclass gives it a freshly migrated,
 * empty store ({@link #emptyStore()}).
 */
abstract class RunStoreContract {

    static final Duration LEASE = Duration.ofSeconds(30);
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    RunStore store;

    abstract RunStore emptyStore();

    @BeforeEach
    void openStore() {
        store = emptyStore();
    }

    static RunStore.NewRun newRun(String runId) {
        return new RunStore.NewRun(runId, "req-" + runId, "bot-deploy", "file", "inbox/" + runId + ".json",
                "{\"operation\":\"bot-deploy\",\"requestId\":\"req-" + runId + "\",\"payload\":{}}", T0);
    }

    @Test
    void aRunIdIsTakenOnceWhoeverAsks() {
        assertThat(store.insert(newRun("r1"), "node-a", "node-a#1", T0, LEASE)).contains(new RunLease("r1", "node-a#1", 1));
        assertThat(store.insert(newRun("r1"), "node-b", "node-b#1", T0, LEASE)).isEmpty();

        var row = store.find("r1").orElseThrow();
        assertThat(row.owner()).isEqualTo("node-a#1");
        assertThat(row.status()).isEqualTo("RUNNING");
        assertThat(row.request()).contains("req-r1");
        assertThat(row.source()).isEqualTo("inbox/r1.json");
        assertThat(row.leaseUntil()).isEqualTo(T0.plus(LEASE));
    }

    @Test
    void aCheckpointKeepsThePhaseAndStateAndCountsThem() {
        RunLease lease = store.insert(newRun("r2"), "node-a", "node-a#1", T0, LEASE).orElseThrow();

        assertThat(store.checkpoint(lease, "DEPLOYMENT_CREATED", "{\"deploymentId\":\"d-1\"}", T0.plusSeconds(1))).isTrue();
        assertThat(store.checkpoint(lease, "TRAFFIC_SWITCHED", "{\"deploymentId\":\"d-1\",\"switched\":true}", T0.plusSeconds(2))).isTrue();

        var row = store.find("r2").orElseThrow();
        assertThat(row.phase()).isEqualTo("TRAFFIC_SWITCHED");
        assertThat(row.state()).isEqualTo("{\"deploymentId\":\"d-1\",\"switched\":true}");
        assertThat(row.checkpoints()).isEqualTo(2);
        assertThat(row.updatedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void aRunWhoseLeaseLapsedIsClaimedByAnotherInstanceOnceAndTheOldOwnerCanNoLongerWrite() {
        RunLease old = store.insert(newRun("r3"), "node-a", "node-a#1", T0, LEASE).orElseThrow();
        store.checkpoint(old, "DEPLOYMENT_CREATED", "{\"deploymentId\":\"d-3\"}", T0.plusSeconds(1));

        // within the lease nobody else may take it
        assertThat(store.claim("node-b", "node-b#1", T0.plusSeconds(10), LEASE, 10)).isEmpty();

        Instant later = T0.plus(LEASE).plusSeconds(1);
        List<RunStore.Claimed> claimed = store.claim("node-b", "node-b#1", later, LEASE, 10);
        assertThat(claimed).singleElement().satisfies(c -> {
            assertThat(c.lease()).isEqualTo(new RunLease("r3", "node-b#1", 2));
            assertThat(c.phase()).isEqualTo("DEPLOYMENT_CREATED");
            assertThat(c.state()).isEqualTo("{\"deploymentId\":\"d-3\"}");
            assertThat(c.previousOwner()).isEqualTo("node-a#1");
            assertThat(c.request()).contains("req-r3");
        });
        // a third instance finds nothing left to claim
        assertThat(store.claim("node-c", "node-c#1", later, LEASE, 10)).isEmpty();

        // fencing: the old owner wakes up (a long GC pause) and tries to write
        assertThat(store.checkpoint(old, "TRAFFIC_SWITCHED", "{\"stale\":true}", later)).isFalse();
        assertThat(store.finish(old, "SUCCEEDED", "{\"stale\":true}", later)).isFalse();
        assertThat(store.release(old, later)).isFalse();
        var row = store.find("r3").orElseThrow();
        assertThat(row.state()).isEqualTo("{\"deploymentId\":\"d-3\"}");
        assertThat(row.status()).isEqualTo("RUNNING");
        assertThat(row.owner()).isEqualTo("node-b#1");
    }

    @Test
    void theProfileARunWasStartedOnIsKeptAndGivenToWhoeverClaimsIt() {
        RunStore.NewRun seeds = newRun("p1");
        store.insert(new RunStore.NewRun(seeds.runId(), seeds.requestId(), seeds.operation(), seeds.trigger(), seeds.source(),
                seeds.request(), seeds.startedAt(), "seeds"), "node-a", "node-a#1", T0, LEASE).orElseThrow();
        // a row as written before the profile was recorded
        store.insert(newRun("p2"), "node-a", "node-a#1", T0, LEASE).orElseThrow();

        assertThat(store.find("p1").orElseThrow().apiProfile()).isEqualTo("seeds");
        assertThat(store.find("p2").orElseThrow().apiProfile()).isNull();
        List<RunStore.Claimed> claimed = store.claim("node-b", "node-b#1", T0.plus(LEASE).plusSeconds(1), LEASE, 10);
        assertThat(claimed).extracting(c -> c.lease().runId(), RunStore.Claimed::apiProfile)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("p1", "seeds"),
                        org.assertj.core.groups.Tuple.tuple("p2", null));
    }

    @Test
    void aRestartedInstanceTakesBackTheRunsOfItsEarlierLifeAtOnce() {
        store.insert(newRun("r4"), "node-a", "node-a#old", T0, LEASE).orElseThrow();

        // another node must wait for the lease
        assertThat(store.claim("node-b", "node-b#1", T0.plusSeconds(1), LEASE, 10)).isEmpty();
        // the same node after a restart need not
        assertThat(store.claim("node-a", "node-a#new", T0.plusSeconds(1), LEASE, 10))
                .extracting(RunStore.Claimed::lease).containsExactly(new RunLease("r4", "node-a#new", 2));
        // and does not claim its own current runs
        assertThat(store.claim("node-a", "node-a#new", T0.plusSeconds(2), LEASE, 10)).isEmpty();
    }

    @Test
    void theHeartbeatKeepsRunningRunsAndAFinishedRunIsNeverClaimed() {
        RunLease running = store.insert(newRun("r5"), "node-a", "node-a#1", T0, LEASE).orElseThrow();
        RunLease done = store.insert(newRun("r6"), "node-a", "node-a#1", T0, LEASE).orElseThrow();
        assertThat(store.finish(done, "SUCCEEDED", "{\"status\":\"SUCCEEDED\"}", T0.plusSeconds(5))).isTrue();

        assertThat(store.renew("node-a#1", T0.plusSeconds(100))).isEqualTo(1);
        assertThat(store.claim("node-b", "node-b#1", T0.plusSeconds(60), LEASE, 10)).isEmpty();
        var finished = store.find("r6").orElseThrow();
        assertThat(finished.status()).isEqualTo("SUCCEEDED");
        assertThat(finished.result()).isEqualTo("{\"status\":\"SUCCEEDED\"}");
        assertThat(finished.finishedAt()).isEqualTo(T0.plusSeconds(5));

        // given up: the owner's next heartbeat does not keep it, and the next claim takes it at once
        assertThat(store.release(running, T0.plusSeconds(61))).isTrue();
        assertThat(store.renew("node-a#1", T0.plusSeconds(200))).isZero();
        assertThat(store.claim("node-b", "node-b#1", T0.plusSeconds(62), LEASE, 10)).hasSize(1);
    }

    @Test
    void claimsTakeTheOldestFirstAndAtMostTheLimit() {
        for (int i = 0; i < 5; i++) {
            store.insert(new RunStore.NewRun("m" + i, null, "training-monitor", "kafka", null, "{}", T0.plusSeconds(i)),
                    "node-a", "node-a#1", T0, LEASE);
        }
        List<RunStore.Claimed> first = store.claim("node-b", "node-b#1", T0.plus(LEASE).plusSeconds(1), LEASE, 3);
        assertThat(first).extracting(c -> c.lease().runId()).containsExactly("m0", "m1", "m2");
    }

    static String uniqueName() {
        return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void aCancelIsRecordedOnceForARunningRunAndItsOwnerReadsIt() {
        RunLease running = store.insert(newRun("c1"), "node-a", "node-a#1", T0, LEASE).orElseThrow();
        RunLease ended = store.insert(newRun("c2"), "node-a", "node-a#1", T0, LEASE).orElseThrow();
        store.finish(ended, "SUCCEEDED", "{}", T0.plusSeconds(1));

        assertThat(store.requestCancel("nope", false, "node-b#1", T0)).isEqualTo(new RunStore.CancelAnswer.NotFound());
        assertThat(store.requestCancel("c2", false, "node-b#1", T0)).isEqualTo(new RunStore.CancelAnswer.Ended("SUCCEEDED"));
        assertThat(store.cancelsHeldBy("node-a#1")).isEmpty();

        // taken by another instance, recorded for the owner; a second request changes nothing but may add cancelJob
        assertThat(store.requestCancel("c1", false, "node-b#1", T0.plusSeconds(2)))
                .isEqualTo(new RunStore.CancelAnswer.Requested(true, "bot-deploy", "node-a#1"));
        assertThat(store.requestCancel("c1", true, "node-c#1", T0.plusSeconds(3)))
                .isEqualTo(new RunStore.CancelAnswer.Requested(false, "bot-deploy", "node-a#1"));
        assertThat(store.requestCancel("c1", false, "node-c#1", T0.plusSeconds(4)))
                .isEqualTo(new RunStore.CancelAnswer.Requested(false, "bot-deploy", "node-a#1"));
        var expected = new RunStore.CancelRequest("c1", T0.plusSeconds(2), true, "node-b#1");
        assertThat(store.cancelsHeldBy("node-a#1")).containsExactly(expected);
        assertThat(store.cancelsHeldBy("node-b#1")).isEmpty();
        assertThat(store.cancelOf("c1")).contains(expected);
        assertThat(store.cancelOf("c2")).isEmpty();

        // the run goes on with its lease; once it ended it is no longer asked to stop
        assertThat(store.checkpoint(running, "POLLING", "{}", T0.plusSeconds(5))).isTrue();
        assertThat(store.finish(running, "CANCELLED", "{}", T0.plusSeconds(6))).isTrue();
        assertThat(store.cancelsHeldBy("node-a#1")).isEmpty();
        assertThat(store.requestCancel("c1", false, "node-b#1", T0.plusSeconds(7)))
                .isEqualTo(new RunStore.CancelAnswer.Ended("CANCELLED"));
    }
}
