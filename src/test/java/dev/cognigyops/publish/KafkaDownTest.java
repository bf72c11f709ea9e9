package dev.cognigyops.publish;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/contract.md#hostile-input-and-failing-dependencies in the service: with Kafka configured but not there, runs finish at their own pace with
 * their result and audit trail in the files; what waits for Kafka is published, in order, once a
 * broker answers on that address; stopping the service is not held by Kafka.
 */
class KafkaDownTest extends AppTestSupport {

    static final String RESULTS = "cognigy.run-results";
    static final String AUDIT = "cognigy.audit";

    /** A port on which nothing listens (yet). */
    int kafkaPort;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        kafkaPort = dev.cognigyops.testsupport.FreePort.pick();
        p.setProperty("cognigy.kafka.brokers", "127.0.0.1:" + kafkaPort);
        p.setProperty("cognigy.kafka.group-id", "cognigy-ops-" + java.util.UUID.randomUUID());
        p.setProperty("cognigy.kafka.poll-timeout-ms", "200");
        // so that the test need not wait out the production backoff once Kafka is back
        p.setProperty("cognigy.kafka.retry.first-delay-ms", "100");
        p.setProperty("cognigy.kafka.retry.max-delay-ms", "500");
        return p;
    }

    @Override
    protected void doPostSetup() {
        new ExportStubs(cognigy, 20_000).happyPath();
    }

    TopicOutbox outbox() {
        return context.getRegistry().lookupByNameAndType("topicOutbox", TopicOutbox.class);
    }

    @Test
    void aRunFinishesAtItsOwnPaceWithItsResultAndAuditTrailInTheFiles() throws Exception {
        long t0 = System.nanoTime();
        JsonNode result = run(ExportStubs.request("while-kafka-is-down", ""));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        // the run's own work takes about a second here; each audit event once waited 60 s for Kafka
        assertThat(tookMs).as("no run waits on Kafka").isLessThan(10_000);
        assertThat(resultFile("while-kafka-is-down")).isEqualTo(result);
        List<String> actions = auditActions("while-kafka-is-down");
        assertThat(actions).startsWith("RUN_STARTED").endsWith("RUN_FINISHED").contains("ARTIFACT_STORED");

        TopicOutbox outbox = outbox();
        await().atMost(Duration.ofSeconds(15)).until(() -> outbox.failedAttempts() >= 2);
        assertThat(outbox.published()).isZero();
        assertThat(outbox.waitingByKind()).as("the result and every audit event wait for Kafka")
                .isEqualTo(new TopicOutbox.Unpublished(1, actions.size()));
        assertThat(outbox.outagesSaid()).as("said once, however many attempts").isEqualTo(1);
    }

    @Test
    void whatWaitedIsPublishedInOrderOnceKafkaIsBack() throws Exception {
        JsonNode result = run(ExportStubs.request("waited-for-kafka", ""));
        List<String> actions = auditActions("waited-for-kafka");
        TopicOutbox outbox = outbox();
        await().atMost(Duration.ofSeconds(15)).until(() -> outbox.failedAttempts() >= 1);

        try (EmbeddedKafka kafka = EmbeddedKafka.startOn(kafkaPort)) {
            kafka.createTopics(RESULTS, AUDIT);

            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.waiting() == 0);

            List<ConsumerRecord<String, String>> results = kafka.readAll(RESULTS, 1, Duration.ofSeconds(10));
            assertThat(results).extracting(ConsumerRecord::key).containsExactly("waited-for-kafka");
            assertThat(Json.parse(results.get(0).value())).isEqualTo(result);
            assertThat(results.get(0).headers().toArray()).as("no internal header reaches the topic")
                    .extracting(Header::key).noneMatch(k -> k.startsWith("kafka.") || k.startsWith("Camel"));
            List<JsonNode> events = kafka.readAll(AUDIT, actions.size(), Duration.ofSeconds(10)).stream()
                    .map(r -> parse(r.value())).toList();
            assertThat(events).extracting(e -> e.path("action").asText())
                    .as("the audit trail as in the file, in order, once").containsExactlyElementsOf(actions);
            assertThat(outbox.published()).isEqualTo(actions.size() + 1L);
            assertThat(outbox.outagesSaid()).isEqualTo(1);
            assertThat(outbox.recoveriesSaid()).isEqualTo(1);

            // and a run now is published as it goes
            run(ExportStubs.request("kafka-is-back", ""));
            await().atMost(Duration.ofSeconds(15)).until(() -> kafka.readAll(RESULTS, 2, Duration.ofMillis(500)).stream()
                    .anyMatch(r -> "kafka-is-back".equals(r.key())));
            await().atMost(Duration.ofSeconds(10)).until(() -> outbox.waiting() == 0);
            context.stop();
        }
    }

    @Test
    void stoppingTheServiceIsNotHeldByKafkaAndSaysWhatIsLeft() throws Exception {
        run(ExportStubs.request("left-at-stop", ""));
        List<String> actions = auditActions("left-at-stop");
        TopicOutbox outbox = outbox();
        await().atMost(Duration.ofSeconds(15)).until(() -> outbox.failedAttempts() >= 1);

        long t0 = System.nanoTime();
        context.stop();
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        // max-block-ms (2 s) for the queue, then at most one attempt under way (2 s) and Camel's own stop
        assertThat(tookMs).as("SIGTERM is not held by Kafka").isLessThan(8_000);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.waitingByKind()).as("left unpublished, and in the files")
                .isEqualTo(new TopicOutbox.Unpublished(1, actions.size()));
        assertThat(resultFile("left-at-stop").path("status").asText()).isEqualTo("SUCCEEDED");
    }

    static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
