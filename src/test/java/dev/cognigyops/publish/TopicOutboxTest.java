package dev.cognigyops.publish;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.publish.TopicOutbox.Item;
import dev.cognigyops.publish.TopicOutbox.Kind;
import dev.cognigyops.publish.TopicOutbox.Unpublished;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The outbox with a sender standing in for Kafka: order, retries, capacity, counters, and saying things once. */
class TopicOutboxTest {

    static final TopicOutbox.Where WHERE = new TopicOutbox.Where("kafka-1:9092", "results-topic", "audit-topic",
            Path.of("results"), Path.of("audit/audit.jsonl"));
    static final OutboxBackoff FAST = new OutboxBackoff(Duration.ofMillis(5), Duration.ofMillis(20));

    /** Stands in for Kafka: up or down, refusing some records, optionally holding its first call. */
    static final class FakeKafka implements TopicOutbox.Sender {
        volatile boolean down;
        volatile Set<String> tooLarge = Set.of();
        /** the first call waits for this before it answers */
        volatile CountDownLatch firstCallHeld;
        /** batches of more than one record fail while this is above zero */
        final AtomicInteger failBatches = new AtomicInteger();
        final List<Item> delivered = new CopyOnWriteArrayList<>();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final CountDownLatch firstCallStarted = new CountDownLatch(1);

        @Override
        public void send(List<Item> batch) throws Exception {
            batchSizes.add(batch.size());
            firstCallStarted.countDown();
            CountDownLatch held = firstCallHeld;
            if (held != null) {
                firstCallHeld = null;
                held.await(10, TimeUnit.SECONDS);
            }
            if (down) {
                throw new TimeoutException("Topic audit-topic not present in metadata after 5 ms.");
            }
            if (batch.size() > 1 && failBatches.getAndDecrement() > 0) {
                throw new TimeoutException("Expiring " + batch.size() + " record(s): 5 ms has passed since batch creation");
            }
            if (batch.stream().anyMatch(i -> tooLarge.contains(i.key()))) {
                throw new RecordTooLargeException("The message is 2000123 bytes when serialized");
            }
            delivered.addAll(batch);
        }

        int calls() {
            return batchSizes.size();
        }
    }

    final FakeKafka kafka = new FakeKafka();
    final List<TopicOutbox> started = new ArrayList<>();

    TopicOutbox outbox(int capacity, OutboxBackoff backoff, Duration flushTime) {
        TopicOutbox outbox = new TopicOutbox(kafka, WHERE,
                new TopicOutbox.Limits(capacity, 500, backoff, flushTime, Duration.ofSeconds(2)));
        outbox.start();
        started.add(outbox);
        return outbox;
    }

    TopicOutbox outbox() {
        return outbox(10_000, FAST, Duration.ofSeconds(2));
    }

    @AfterEach
    void closeAll() {
        started.forEach(TopicOutbox::close);
    }

    static Item event(String key) {
        return new Item(Kind.AUDIT_EVENT, "audit-topic", key, "{\"eventId\":\"" + key + "\"}");
    }

    static List<Item> events(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> event("e" + i)).toList();
    }

    /** Queues the items while the sender holds its first call, so that they wait together. */
    void queueWhileFirstCallIsHeld(TopicOutbox outbox, List<Item> items) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        kafka.firstCallHeld = release;
        outbox.offer(items.get(0));
        assertThat(kafka.firstCallStarted.await(5, TimeUnit.SECONDS)).isTrue();
        items.subList(1, items.size()).forEach(outbox::offer);
        release.countDown();
    }

    @Test
    void recordsArePublishedInTheOrderTheyWereQueuedAndWhatWaitedGoesInOneBatch() throws Exception {
        TopicOutbox outbox = outbox();
        List<Item> items = events(50);

        queueWhileFirstCallIsHeld(outbox, items);

        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.waiting() == 0);
        assertThat(kafka.delivered).containsExactlyElementsOf(items);
        assertThat(kafka.batchSizes).as("the first record alone, then the 49 that waited behind it").containsExactly(1, 49);
        assertThat(outbox.published()).isEqualTo(50);
        assertThat(outbox.failedAttempts()).isZero();
        assertThat(outbox.outagesSaid()).isZero();
        assertThat(outbox.notPublished()).isEqualTo(Unpublished.NONE);
    }

    @Test
    void whileKafkaIsDownEveryRecordWaitsAtTheHeadAndIsPublishedOnceItIsBack() {
        TopicOutbox outbox = outbox();
        kafka.down = true;
        List<Item> items = new ArrayList<>(events(10));
        items.add(new Item(Kind.RESULT, "results-topic", "run-1", "{\"runId\":\"run-1\"}"));

        items.forEach(item -> assertThat(outbox.offer(item)).as("queueing never waits").isTrue());

        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.failedAttempts() >= 5);
        assertThat(outbox.published()).isZero();
        assertThat(outbox.waiting()).isEqualTo(11);
        assertThat(outbox.waitingByKind()).isEqualTo(new Unpublished(1, 10));
        assertThat(kafka.batchSizes).as("while Kafka is away, one record tries the way").containsOnly(1);
        assertThat(outbox.outagesSaid()).as("the outage is said once, not once per attempt").isEqualTo(1);
        assertThat(outbox.recoveriesSaid()).isZero();

        kafka.down = false;

        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.waiting() == 0);
        assertThat(kafka.delivered).as("nothing lost, nothing twice, nothing out of order").containsExactlyElementsOf(items);
        assertThat(outbox.published()).isEqualTo(11);
        assertThat(outbox.outagesSaid()).isEqualTo(1);
        assertThat(outbox.recoveriesSaid()).isEqualTo(1);
        assertThat(outbox.dropped()).isZero();

        // a second outage is a second story, said once again
        kafka.down = true;
        outbox.offer(event("later"));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.outagesSaid() == 2);
        kafka.down = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.recoveriesSaid() == 2);
        assertThat(kafka.delivered).last().isEqualTo(event("later"));
    }

    @Test
    void aBatchThatFailsIsTriedAgainOneRecordAtATime() throws Exception {
        TopicOutbox outbox = outbox();
        kafka.failBatches.set(1);
        List<Item> items = events(6);

        queueWhileFirstCallIsHeld(outbox, items);

        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.waiting() == 0);
        assertThat(kafka.batchSizes).containsExactly(1, 5, 1, 1, 1, 1, 1);
        assertThat(kafka.delivered).containsExactlyElementsOf(items);
        assertThat(outbox.failedAttempts()).isEqualTo(1);
        assertThat(outbox.published()).isEqualTo(6);
    }

    @Test
    void aRecordKafkaRefusesIsSetAsideAndTheOthersGoOn() throws Exception {
        TopicOutbox outbox = outbox(10_000, new OutboxBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)), Duration.ofSeconds(2));
        kafka.tooLarge = Set.of("e3");
        List<Item> items = events(5);

        queueWhileFirstCallIsHeld(outbox, items);

        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.waiting() == 0);
        assertThat(kafka.delivered).containsExactly(items.get(0), items.get(1), items.get(3), items.get(4));
        assertThat(kafka.batchSizes).as("the batch fails; one at a time finds the record Kafka refuses, with no backoff")
                .containsExactly(1, 4, 1, 1, 1, 1);
        assertThat(outbox.refused()).isEqualTo(1);
        assertThat(outbox.notPublished()).isEqualTo(new Unpublished(0, 1));
        assertThat(outbox.outagesSaid()).as("a refused record is no outage").isZero();
    }

    @Test
    void aFullQueueTakesNoMoreAndSaysSoOnce() {
        TopicOutbox outbox = outbox(3, FAST, Duration.ofSeconds(2));
        kafka.down = true;

        List<Boolean> queued = events(5).stream().map(outbox::offer).toList();

        assertThat(queued).containsExactly(true, true, true, false, false);
        assertThat(outbox.waiting()).isEqualTo(3);
        assertThat(outbox.dropped()).isEqualTo(2);
        assertThat(outbox.fullWarnings()).isEqualTo(1);
        assertThat(outbox.notPublished()).as("what was not queued is still counted as not published")
                .isEqualTo(new Unpublished(0, 5));

        kafka.down = false;
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.waiting() == 0);
        assertThat(kafka.delivered).containsExactlyElementsOf(events(3));
        assertThat(outbox.notPublished()).isEqualTo(new Unpublished(0, 2));
    }

    @Test
    void flushWaitsForKafkaButNotForABackoffThatEndsAfterIt() {
        TopicOutbox outbox = outbox(10_000, new OutboxBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30)),
                Duration.ofSeconds(3));
        events(3).forEach(outbox::offer);
        assertThat(outbox.flush()).as("Kafka up: flushed").isEqualTo(Unpublished.NONE);

        kafka.down = true;
        events(2).forEach(outbox::offer);
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.failedAttempts() == 1);
        long t0 = System.nanoTime();
        Unpublished left = outbox.flush();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(left).isEqualTo(new Unpublished(0, 2));
        assertThat(tookMs).as("the next attempt is 30 s away: no use waiting the 3 s").isLessThan(1_000);
    }

    @Test
    void flushIsBoundedWhileAnAttemptHangs() {
        TopicOutbox outbox = outbox(10_000, FAST, Duration.ofMillis(300));
        CountDownLatch hanging = new CountDownLatch(1);
        kafka.firstCallHeld = hanging;
        outbox.offer(event("e1"));

        long t0 = System.nanoTime();
        Unpublished left = outbox.flush();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        hanging.countDown();

        assertThat(left).isEqualTo(new Unpublished(0, 1));
        assertThat(tookMs).isBetween(250L, 2_000L);
    }

    @Test
    void closeEndsPublishingAndSaysWhatIsLeft() {
        TopicOutbox outbox = outbox();
        kafka.down = true;
        outbox.offer(new Item(Kind.RESULT, "results-topic", "run-1", "{}"));
        outbox.offer(event("e1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.failedAttempts() >= 1);

        Unpublished left = outbox.close();

        assertThat(left).isEqualTo(new Unpublished(1, 1));
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer(event("after"))).as("nothing is queued after close").isFalse();
        assertThat(outbox.notPublished()).isEqualTo(new Unpublished(1, 2));
        assertThat(outbox.onDiskOnly(outbox.notPublished())).isEqualTo(
                "1 result and 2 audit events were not published to Kafka at kafka-1:9092; they are only in results and "
                + Path.of("audit/audit.jsonl"));
        int calls = kafka.calls();
        kafka.down = false;
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> kafka.calls() == calls);
        assertThat(kafka.delivered).isEmpty();
    }

    @Test
    void afterStopRetryingAFailureEndsPublishingButSuccessesGoOn() {
        TopicOutbox outbox = outbox();
        outbox.stopRetrying();
        outbox.offer(event("e1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.published() == 1);

        kafka.down = true;
        outbox.offer(event("e2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.failedAttempts() == 1);
        int calls = kafka.calls();
        kafka.down = false;
        outbox.offer(event("e3"));

        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> kafka.calls() == calls);
        assertThat(outbox.waitingByKind()).isEqualTo(new Unpublished(0, 2));
        assertThat(outbox.outagesSaid()).as("the stop says what is left, not the outage").isZero();
        long t0 = System.nanoTime();
        assertThat(outbox.flush()).isEqualTo(new Unpublished(0, 2));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_000);
    }

    @Test
    void withoutBrokersTheOutboxTakesNothing() {
        TopicOutbox off = new TopicOutbox(kafka, new TopicOutbox.Where(" ", "r", "a", Path.of("results"), Path.of("a.jsonl")),
                new TopicOutbox.Limits(10, 10, FAST, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        off.start();
        started.add(off);

        assertThat(off.isOn()).isFalse();
        assertThat(off.offer(event("e1"))).isFalse();
        off.queueResult("run-1", "{}");
        assertThat(off.waiting()).isZero();
        assertThat(off.dropped()).isZero();
        assertThat(off.flush()).isEqualTo(Unpublished.NONE);
        assertThat(kafka.calls()).isZero();
    }

    @Test
    void resultsAndAuditEventsGoToTheirOwnTopicsKeyedByRunId() {
        TopicOutbox outbox = outbox();

        outbox.queueAuditEvent("run-7", "{\"action\":\"RUN_FINISHED\"}");
        outbox.queueResult("run-7", "{\"runId\":\"run-7\"}");

        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.published() == 2);
        assertThat(kafka.delivered).containsExactly(
                new Item(Kind.AUDIT_EVENT, "audit-topic", "run-7", "{\"action\":\"RUN_FINISHED\"}"),
                new Item(Kind.RESULT, "results-topic", "run-7", "{\"runId\":\"run-7\"}"));
    }
}
