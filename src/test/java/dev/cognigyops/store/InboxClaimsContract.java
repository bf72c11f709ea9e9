package dev.cognigyops.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

import dev.cognigyops.testsupport.MutableClock;

/**
 * The inbox claims (Camel's IdempotentRepository on the run store) as several instances watching one
 * inbox see them: each instance is its own {@link InboxClaims} (its own node and owner) on one
 * database. A subclass gives a freshly migrated, empty store ({@link #emptyStore()}).
 */
abstract class InboxClaimsContract {

    static final Duration LEASE = Duration.ofSeconds(30);
    static final int INSTANCES = 8;
    static final String FILE = "nlu-export/model.json";

    DataSource dataSource;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private ExecutorService threads;

    /** A migrated, empty store, with a pool of at least {@link #INSTANCES} + 2 connections. */
    abstract DataSource emptyStore();

    @BeforeEach
    void openStore() {
        dataSource = emptyStore();
        threads = Executors.newFixedThreadPool(INSTANCES);
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    InboxClaims instance(String node, int incarnation) {
        return new InboxClaims(dataSource, node, node + "#" + incarnation, LEASE, clock);
    }

    @Test
    void aFileIsTakenByOneInstance() {
        var a = instance("node-a", 1);
        var b = instance("node-b", 1);

        assertThat(a.contains(FILE)).isFalse();
        assertThat(a.add(FILE)).isTrue();
        assertThat(a.add(FILE)).as("a set: the key is there already").isFalse();
        assertThat(b.add(FILE)).isFalse();
        assertThat(a.contains(FILE)).isTrue();
        assertThat(b.contains(FILE)).isTrue();
        assertThat(a.confirm(FILE)).isTrue();
        assertThat(b.confirm(FILE)).as("not b's to confirm").isFalse();
        assertThat(b.add("other.json")).as("another file is free").isTrue();
    }

    @Test
    void onlyTheInstanceThatHoldsAFileReleasesItAndThenTheNameIsFreeAgain() {
        var a = instance("node-a", 1);
        var b = instance("node-b", 1);
        a.add(FILE);

        assertThat(b.remove(FILE)).isFalse();
        assertThat(b.add(FILE)).isFalse();
        assertThat(a.remove(FILE)).isTrue();
        assertThat(a.remove(FILE)).isFalse();
        assertThat(a.contains(FILE)).isFalse();
        // a file dropped later under the same name is taken again, by whoever comes first
        assertThat(b.add(FILE)).isTrue();
        assertThat(b.confirm(FILE)).isTrue();
    }

    @Test
    void theHeartbeatKeepsAClaimPastItsLeaseForAsLongAsTheRunLasts() {
        var a = instance("node-a", 1);
        var b = instance("node-b", 1);
        a.add(FILE);

        for (int beat = 0; beat < 10; beat++) {
            clock.advance(Duration.ofSeconds(20));
            assertThat(a.renew()).isEqualTo(1);
        }
        clock.advance(Duration.ofSeconds(20));
        assertThat(b.contains(FILE)).isTrue();
        assertThat(b.add(FILE)).isFalse();
    }

    @Test
    void aClaimWhoseLeaseLapsedIsStaleAndTakenOverAndItsOldHolderNeitherReleasesNorRenewsIt() {
        var a = instance("node-a", 1);
        var b = instance("node-b", 1);
        var c = instance("node-c", 1);
        a.add(FILE);

        clock.advance(LEASE.minusSeconds(1));
        assertThat(b.add(FILE)).as("within the lease").isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(b.contains(FILE)).as("a stale claim holds nothing").isFalse();
        assertThat(b.add(FILE)).isTrue();
        assertThat(c.add(FILE)).isFalse();

        // node-a comes back: its release and its heartbeat leave node-b's claim alone
        assertThat(a.remove(FILE)).isFalse();
        assertThat(a.confirm(FILE)).isFalse();
        a.add("kept.json");
        assertThat(a.renew()).as("only kept.json is a's").isEqualTo(1);
        clock.advance(LEASE.minusSeconds(1));
        b.renew();
        clock.advance(Duration.ofSeconds(2));
        assertThat(c.add(FILE)).as("b renewed it").isFalse();
        assertThat(b.confirm(FILE)).isTrue();
    }

    @Test
    void aClaimThatCouldNotBeReleasedIsRenewedNoMoreSoItLapsesInsteadOfBlockingTheNameForever() {
        var outage = new java.util.concurrent.atomic.AtomicBoolean();
        DataSource flaky = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (outage.get() && method.getName().equals("getConnection")) {
                        throw new java.sql.SQLTransientConnectionException("the store is away");
                    }
                    try {
                        return method.invoke(dataSource, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        var a = new InboxClaims(flaky, "node-a", "node-a#1", LEASE, clock);
        var b = instance("node-b", 1);
        assertThat(a.add(FILE)).isTrue();

        outage.set(true);
        assertThat(a.renew()).as("the heartbeat goes on while the store is away").isZero();
        assertThat(a.add("during-outage.json")).as("no claim while the store is away").isFalse();
        assertThat(a.remove(FILE)).as("the release fails quietly").isFalse();
        outage.set(false);

        assertThat(a.renew()).isZero();
        assertThat(b.add(FILE)).as("still a's until its lease lapses").isFalse();
        clock.advance(LEASE.plusSeconds(1));
        assertThat(b.add(FILE)).isTrue();
    }

    @Test
    void aClaimLeftByAnEarlierLifeOfTheSameNodeIsTakenBackAtOnce() {
        var before = instance("node-a", 1);
        var restarted = instance("node-a", 2);
        var b = instance("node-b", 1);
        before.add(FILE);

        assertThat(b.add(FILE)).as("node-a's lease has not lapsed").isFalse();
        assertThat(restarted.contains(FILE)).isFalse();
        assertThat(restarted.add(FILE)).isTrue();
        assertThat(b.add(FILE)).isFalse();
        assertThat(before.remove(FILE)).isFalse();
        assertThat(restarted.confirm(FILE)).isTrue();
    }

    @Test
    void clearDeletesOnlyThisInstancesClaims() {
        var a = instance("node-a", 1);
        var b = instance("node-b", 1);
        a.add("a1.json");
        a.add("a2.json");
        b.add("b1.json");

        a.clear();

        assertThat(a.contains("a1.json")).isFalse();
        assertThat(a.contains("a2.json")).isFalse();
        assertThat(a.contains("b1.json")).isTrue();
        assertThat(b.confirm("b1.json")).isTrue();
        assertThat(a.renew()).isZero();
    }

    @Test
    void theCommandLinesClaimsAreThisProcesssAndHaveNothingToRenew() {
        var off = InboxClaims.off();

        assertThat(off.add(FILE)).isTrue();
        assertThat(off.add(FILE)).isFalse();
        assertThat(off.contains(FILE)).isTrue();
        assertThat(off.confirm(FILE)).isTrue();
        assertThat(off.renew()).isZero();
        assertThat(off.remove(FILE)).isTrue();
        assertThat(off.contains(FILE)).isFalse();
        assertThat(instance("node-a", 1).add(FILE)).as("nothing of it is in the store").isTrue();
    }

    @Test
    void aLongPathIsStoredByItsStartAndItsHashAndStillTellsFilesApart() {
        var a = instance("node-a", 1);
        var b = instance("node-b", 1);
        String deep = "x/".repeat(600) + "request.json";
        String sibling = "x/".repeat(600) + "request2.json";

        assertThat(InboxClaims.stored(deep)).hasSize(InboxClaims.MAX_KEY).isNotEqualTo(InboxClaims.stored(sibling));
        assertThat(InboxClaims.stored(FILE)).isEqualTo(FILE);
        assertThat(a.add(deep)).isTrue();
        assertThat(b.add(deep)).isFalse();
        assertThat(b.add(sibling)).isTrue();
        assertThat(a.remove(deep)).isTrue();
    }

    @Test
    void ofSeveralInstancesPollingOneFolderEachFileGoesToExactlyOne() throws Exception {
        List<String> files = new ArrayList<>();
        for (int f = 0; f < 40; f++) {
            files.add("drop-" + f + ".json");
        }
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<List<String>>> pollers = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            var claims = instance("node-" + i, 1);
            List<String> order = new ArrayList<>(files);
            Collections.shuffle(order, new java.util.Random(i));
            pollers.add(() -> {
                start.await();
                List<String> taken = new ArrayList<>();
                for (String file : order) {
                    if (claims.add(file)) {
                        taken.add(file);
                    }
                }
                return taken;
            });
        }
        List<List<String>> taken = all(pollers, start);

        Map<String, Integer> takers = new HashMap<>();
        taken.forEach(list -> list.forEach(file -> takers.merge(file, 1, Integer::sum)));
        assertThat(takers).hasSize(files.size()).allSatisfy((file, count) -> assertThat(count).as(file).isEqualTo(1));
    }

    @Test
    void ofSeveralInstancesTakingOverOneStaleClaimAtOnceExactlyOneGetsIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            String file = "stale-" + round + ".json";
            instance("node-dead", 1).add(file);
            clock.advance(LEASE.plusSeconds(1));
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<List<String>>> pollers = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                var claims = instance("node-" + i, 1);
                pollers.add(() -> {
                    start.await();
                    return claims.add(file) ? List.of(file) : List.of();
                });
            }
            List<List<String>> taken = all(pollers, start);

            assertThat(taken.stream().mapToInt(List::size).sum()).as("round " + round).isEqualTo(1);
        }
    }

    private List<List<String>> all(List<Callable<List<String>>> pollers, CountDownLatch start) throws Exception {
        List<Future<List<String>>> futures = new ArrayList<>();
        for (Callable<List<String>> poller : pollers) {
            futures.add(threads.submit(poller));
        }
        start.countDown();
        List<List<String>> answers = new ArrayList<>();
        for (Future<List<String>> f : futures) {
            answers.add(f.get(30, TimeUnit.SECONDS));
        }
        return answers;
    }
}
