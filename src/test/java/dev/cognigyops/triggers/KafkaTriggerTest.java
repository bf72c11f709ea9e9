package dev.cognigyops.triggers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.EmbeddedKafka;

import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Requests from a real Kafka broker (KRaft, in the JVM): results and audit events read back from their topics. */
class KafkaTriggerTest extends AppTestSupport {

    /** Each test sends on a requests topic of its own, so no test runs another's requests. */
    String requests;
    String group;
    static final String RESULTS = "cognigy.run-results";
    static final String AUDIT = "cognigy.audit";
    static final String DLT = "cognigy.run-requests.dlt";

    private static EmbeddedKafka kafka;

    static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start();
            kafka.createTopics(RESULTS, AUDIT, DLT);
        }
        return kafka;
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        requests = "run-requests-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        kafka().createTopics(requests);
        p.setProperty("cognigy.kafka.brokers", kafka().bootstrapServers());
        p.setProperty("cognigy.kafka.requests-topic", requests);
        group = "cognigy-ops-" + java.util.UUID.randomUUID();
        p.setProperty("cognigy.kafka.group-id", group);
        p.setProperty("cognigy.kafka.poll-timeout-ms", "200");
        return p;
    }

    @Override
    protected void doPostSetup() {
        new ExportStubs(cognigy, 20_000).happyPath();
    }

    static JsonNode json(ConsumerRecord<String, String> record) {
        try {
            return Json.parse(record.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRequestFromKafkaRunsAndItsResultAndAuditTrailArePublished() throws Exception {
        kafka().send(requests, "k-1", ExportStubs.request("from-kafka", ""), Map.of("traceparent", "00-abc-01"));

        await().atMost(Duration.ofSeconds(30)).until(() -> kafka().readAll(RESULTS, 1, Duration.ofMillis(500)).stream()
                .anyMatch(r -> "from-kafka".equals(r.key())));
        ConsumerRecord<String, String> record = kafka().readAll(RESULTS, 1, Duration.ofSeconds(5)).stream()
                .filter(r -> "from-kafka".equals(r.key())).findFirst().orElseThrow();
        JsonNode result = json(record);
        assertThat(result.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(result.path("trigger").asText()).isEqualTo("kafka");
        assertThat(result).isEqualTo(resultFile("from-kafka"));
        assertThat(record.headers().toArray()).as("no internal or auth header leaks onto the topic")
                .extracting(Header::key).noneMatch(k -> k.equalsIgnoreCase("Authorization") || k.startsWith("Camel"));

        List<JsonNode> audit = kafka().readAll(AUDIT, 5, Duration.ofSeconds(10)).stream()
                .filter(r -> "from-kafka".equals(r.key())).map(KafkaTriggerTest::json).toList();
        assertThat(audit).extracting(e -> e.path("action").asText())
                .startsWith("RUN_STARTED").endsWith("RUN_FINISHED").contains("ARTIFACT_STORED", "EXPORT_COMPLETED");
        assertThat(audit.get(0).path("details").path("source").asText()).startsWith("kafka:" + requests + "/");
        // accepted into the run store (not a spool folder), where it ends with its result
        var stored = context.getRegistry().lookupByNameAndType("durableRuns", dev.cognigyops.store.DurableRuns.class)
                .find("from-kafka").orElseThrow();
        assertThat(stored.trigger()).isEqualTo("kafka");
        assertThat(stored.status()).isEqualTo("SUCCEEDED");
        assertThat(Files.list(workDir.resolve("spool")).toList()).as("nothing is spooled any more").isEmpty();
        assertThat(committedOffset()).as("the record's offset is committed once its run is in the store").isEqualTo(1L);
    }

    @Test
    void anInvalidRecordIsRejectedAndCopiedToTheDeadLetterTopicWithItsError() throws Exception {
        String bad = "{\"operation\":\"nlu-export\",\"requestId\":\"bad-from-kafka\",\"payload\":{\"modelId\":\"x\"}}";
        kafka().send(requests, "k-bad", bad, Map.of("traceparent", "00-def-01"));

        await().atMost(Duration.ofSeconds(30)).until(() -> kafka().readAll(DLT, 1, Duration.ofMillis(500)).stream()
                .anyMatch(r -> bad.equals(r.value())));
        ConsumerRecord<String, String> dead = kafka().readAll(DLT, 1, Duration.ofSeconds(5)).stream()
                .filter(r -> bad.equals(r.value())).findFirst().orElseThrow();
        assertThat(dead.value()).as("the record is kept as sent").isEqualTo(bad);
        assertThat(dead.key()).isEqualTo("k-bad");
        assertThat(header(dead, "cognigy-error-code")).isEqualTo("INVALID_REQUEST");
        assertThat(header(dead, "cognigy-error")).contains("payload.modelVersion: is required");
        assertThat(header(dead, "traceparent")).as("the sender's own headers are kept").isEqualTo("00-def-01");

        await().atMost(Duration.ofSeconds(10)).until(() -> kafka().readAll(RESULTS, 1, Duration.ofMillis(500)).stream()
                .anyMatch(r -> "bad-from-kafka".equals(r.key())));
        JsonNode result = json(kafka().readAll(RESULTS, 1, Duration.ofSeconds(5)).stream()
                .filter(r -> "bad-from-kafka".equals(r.key())).findFirst().orElseThrow());
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/oauth/token")));
        await().atMost(Duration.ofSeconds(10)).until(() -> committedOffset() == 1L);
    }

    /** The consumer group's committed offset on the requests topic, or -1. */
    long committedOffset() throws Exception {
        var offsets = kafka().admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        var committed = offsets.get(new org.apache.kafka.common.TopicPartition(requests, 0));
        return committed == null ? -1 : committed.offset();
    }

    @Test
    void anInvalidRecordReusingARequestIdThatRanIsStillDeadLetteredAndCommitted() throws Exception {
        kafka().send(requests, "k-1", ExportStubs.request("ran-once", ""));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(workDir.resolve("results/ran-once.json")));

        String bad = "{\"operation\":\"nlu-export\",\"requestId\":\"ran-once\",\"payload\":{\"colour\":\"red\"}}";
        kafka().send(requests, "k-again", bad);

        await().atMost(Duration.ofSeconds(30)).until(() -> kafka().readAll(DLT, 1, Duration.ofMillis(500)).stream()
                .anyMatch(r -> bad.equals(r.value())));
        await().atMost(Duration.ofSeconds(10)).until(() -> committedOffset() == 2L);
        assertThat(resultFile("ran-once").path("status").asText()).as("the stored result is untouched").isEqualTo("SUCCEEDED");
    }

    static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
