package dev.cognigyops.triggers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.testsupport.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters as sent (docs/contract.md#hostile-input-and-failing-dependencies), through the real trigger on a real broker: a rejected record is
 * copied byte for byte, one too large to copy is named by a small reference record, and no record
 * blocks its partition — not even one that cannot be dead-lettered at all.
 */
class KafkaDeadLetterTest extends AppTestSupport {

    static final String RESULTS = "cognigy.run-results";
    static final String AUDIT = "cognigy.audit";
    static final int MAX_BYTES = 1_048_576;

    /** Each test has its own requests and dead-letter topics and consumer group. */
    String requests;
    String deadLetters;
    String group;

    private static EmbeddedKafka kafka;

    static synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            // every topic is created by the tests, so a deleted one stays away
            kafka = EmbeddedKafka.start(Map.of("auto.create.topics.enable", "false"));
            kafka.createTopics(RESULTS, AUDIT);
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
        String id = UUID.randomUUID().toString().substring(0, 8);
        requests = "run-requests-" + id;
        deadLetters = "run-requests-" + id + ".dlt";
        // a cluster configured for larger messages: the requests topic takes records up to 4 MiB;
        // the dead-letter topic keeps the broker's default (1 MiB)
        kafka().createTopic(requests, Map.of("max.message.bytes", String.valueOf(4 * 1024 * 1024)));
        kafka().createTopics(deadLetters);
        group = "cognigy-ops-" + UUID.randomUUID();
        p.setProperty("cognigy.kafka.brokers", kafka().bootstrapServers());
        p.setProperty("cognigy.kafka.requests-topic", requests);
        p.setProperty("cognigy.kafka.dead-letter-topic", deadLetters);
        p.setProperty("cognigy.kafka.group-id", group);
        p.setProperty("cognigy.kafka.poll-timeout-ms", "200");
        return p;
    }

    @Override
    protected void doPostSetup() {
        new ExportStubs(cognigy, 20_000).happyPath();
    }

    @Test
    void aLargeBinaryRecordIsRejectedOnceAndTheRequestBehindItRuns() throws Exception {
        byte[] binary = notUtf8(700 * 1024, 1);
        long offset = kafka().sendBytes(requests, bytes("k-binary"), binary, Map.of("traceparent", "00-bin-01")).offset();
        kafka().send(requests, "k-1", ExportStubs.request("behind-binary", ""));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(workDir.resolve("results/behind-binary.json")));
        assertThat(resultFile("behind-binary").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> committedOffset() == offset + 2);

        JsonNode started = onlyRunStartedFor(offset);
        assertThat(started.path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(resultFile(started.path("runId").asText()).path("status").asText()).isEqualTo("REJECTED");

        assertThat(deadLetterCount()).as("one dead letter, not one per attempt").isEqualTo(1);
        ConsumerRecord<byte[], byte[]> dead = deadLetterFor(offset);
        assertSameBytes(dead.value(), binary, "under 1 MiB: the original bytes, unchanged");
        assertThat(dead.key()).isEqualTo(bytes("k-binary"));
        assertThat(header(dead, "traceparent")).isEqualTo("00-bin-01");
        assertThat(header(dead, "cognigy-run-id")).isEqualTo(started.path("runId").asText());
    }

    @Test
    void aSmallBinaryRecordIsDeadLetteredByteForByte() throws Exception {
        byte[] binary = notUtf8(1_024, 2);
        byte[] key = notUtf8(16, 3);
        long offset = kafka().sendBytes(requests, key, binary, Map.of("traceparent", "00-small-01")).offset();

        ConsumerRecord<byte[], byte[]> dead = deadLetterFor(offset);
        assertSameBytes(dead.value(), binary, "1,024 bytes in, the same 1,024 bytes out");
        assertThat(dead.key()).as("the key as sent").isEqualTo(key);
        assertThat(header(dead, "traceparent")).as("the sender's own headers are kept").isEqualTo("00-small-01");
        assertThat(header(dead, "cognigy-error-code")).isEqualTo("INVALID_REQUEST");
        assertThat(header(dead, "cognigy-error")).startsWith("request: ");
        assertThat(header(dead, "cognigy-source")).isEqualTo("kafka:" + requests + "/0/" + offset);
        assertThat(header(dead, "cognigy-dead-letter")).isEqualTo("copy");

        await().atMost(Duration.ofSeconds(10)).until(() -> committedOffset() == offset + 1);
        JsonNode started = onlyRunStartedFor(offset);
        assertThat(header(dead, "cognigy-run-id")).isEqualTo(started.path("runId").asText());
        assertThat(resultFile(started.path("runId").asText()).path("status").asText()).isEqualTo("REJECTED");
    }

    @Test
    void aRecordTooLargeToCopyIsDeadLetteredAsAReferenceNamingWhereItIs() throws Exception {
        // larger than cognigy.requests.max-bytes: not copied at all
        byte[] tooLarge = notUtf8(1_200_000, 4);
        long first = kafka().sendBytes(requests, bytes("k-large"), tooLarge, Map.of()).offset();
        // exactly max-bytes: copied, but the copy with its headers is more than the producer sends
        byte[] atTheLimit = notUtf8(MAX_BYTES, 5);
        long second = kafka().sendBytes(requests, bytes("k-limit"), atTheLimit, Map.of()).offset();
        kafka().send(requests, "k-1", ExportStubs.request("behind-large", ""));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(workDir.resolve("results/behind-large.json")));
        assertThat(resultFile("behind-large").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> committedOffset() == second + 2);

        assertThat(deadLetterCount()).isEqualTo(2);
        for (long offset : new long[] {first, second}) {
            ConsumerRecord<byte[], byte[]> reference = deadLetterFor(offset);
            int size = offset == first ? tooLarge.length : atTheLimit.length;
            assertThat(reference.value()).as("a reference carries no value").isNullOrEmpty();
            assertThat(reference.serializedValueSize() + reference.serializedKeySize()).isLessThan(1_024);
            assertThat(header(reference, "cognigy-dead-letter")).isEqualTo("reference");
            assertThat(header(reference, "cognigy-original-topic")).isEqualTo(requests);
            assertThat(header(reference, "cognigy-original-partition")).isEqualTo("0");
            assertThat(header(reference, "cognigy-original-offset")).isEqualTo(String.valueOf(offset));
            assertThat(header(reference, "cognigy-original-size")).isEqualTo(String.valueOf(size));
            assertThat(header(reference, "cognigy-error-code")).isEqualTo("INVALID_REQUEST");
            assertThat(header(reference, "cognigy-error")).isNotBlank();
            JsonNode started = onlyRunStartedFor(offset);
            assertThat(started.path("outcome").asText()).isEqualTo("REJECTED");
            assertThat(header(reference, "cognigy-run-id")).isEqualTo(started.path("runId").asText());
        }
    }

    @Test
    void aRecordThatCannotBeDeadLetteredIsCountedAndSkipped() throws Exception {
        // the dead-letter topic refuses every record, the copy and the reference alike
        refuseEveryRecordOn(deadLetters);
        String bad = "{\"operation\":\"nlu-export\",\"requestId\":\"refused-dead-letter\",\"payload\":{}}";
        long offset = kafka().sendBytes(requests, bytes("k-bad"), bytes(bad), Map.of()).offset();
        kafka().send(requests, "k-1", ExportStubs.request("behind-refused", ""));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(workDir.resolve("results/behind-refused.json")));
        assertThat(resultFile("behind-refused").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> committedOffset() == offset + 2);

        assertThat(resultFile("refused-dead-letter").path("status").asText()).isEqualTo("REJECTED");
        assertThat(onlyRunStartedFor(offset).path("runId").asText()).isEqualTo("refused-dead-letter");
        assertThat(deadLetterCount()).isZero();
        KafkaRequests trigger = context.getRegistry().lookupByNameAndType("kafkaRequests", KafkaRequests.class);
        assertThat(trigger.deadLettersFailed()).as("counted once").isEqualTo(1);
    }

    @Test
    void aMissingDeadLetterTopicHoldsThePartitionNoLongerThanMaxBlockMs() throws Exception {
        // the producer waits for the topic's metadata: Kafka's default is a minute, ours 2 s
        kafka().admin().deleteTopics(List.of(deadLetters)).all().get(10, TimeUnit.SECONDS);
        long offset = kafka().sendBytes(requests, bytes("k-bad"), bytes("not json"), Map.of()).offset();
        kafka().send(requests, "k-1", ExportStubs.request("behind-missing", ""));

        // measured: committed 3.8 s after it was sent (the send gave up after 2 s); unbounded, after 60 s
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOffset() >= offset + 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(workDir.resolve("results/behind-missing.json")));
        KafkaRequests trigger = context.getRegistry().lookupByNameAndType("kafkaRequests", KafkaRequests.class);
        assertThat(trigger.deadLettersFailed()).isEqualTo(1);
        assertThat(onlyRunStartedFor(offset).path("outcome").asText()).isEqualTo("REJECTED");
    }

    /** The one RUN_STARTED audit event of the record at this offset (a record read again would have two). */
    JsonNode onlyRunStartedFor(long offset) throws Exception {
        String source = "kafka:" + requests + "/0/" + offset;
        List<JsonNode> started = auditEvents().stream()
                .filter(e -> "RUN_STARTED".equals(e.path("action").asText()))
                .filter(e -> source.equals(e.path("details").path("source").asText()))
                .toList();
        assertThat(started).as("runs started for " + source).hasSize(1);
        return started.get(0);
    }

    ConsumerRecord<byte[], byte[]> deadLetterFor(long offset) {
        String source = "kafka:" + requests + "/0/" + offset;
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> kafka().readAllBytes(deadLetters, 1, Duration.ofMillis(500)).stream()
                        .filter(r -> source.equals(header(r, "cognigy-source"))).findFirst().orElse(null),
                r -> r != null);
    }

    /** How many records the dead-letter topic holds: its end offset. */
    long deadLetterCount() throws Exception {
        TopicPartition partition = new TopicPartition(deadLetters, 0);
        return kafka().admin().listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                .get(10, TimeUnit.SECONDS).offset();
    }

    /** The consumer group's committed offset on the requests topic, or -1. */
    long committedOffset() throws Exception {
        var offsets = kafka().admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        var committed = offsets.get(new TopicPartition(requests, 0));
        return committed == null ? -1 : committed.offset();
    }

    /** Sets the topic's max.message.bytes to 1 and waits until the broker applies it. */
    static void refuseEveryRecordOn(String topic) throws Exception {
        setTopicConfig(topic, "max.message.bytes", "1");
    }

    /** Sets one topic-level setting and waits until the broker applies it. */
    static void setTopicConfig(String topic, String name, String value) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        kafka().admin().incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry(name, value), AlterConfigOp.OpType.SET)))).all().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> value.equals(kafka().admin().describeConfigs(List.of(resource))
                .all().get(5, TimeUnit.SECONDS).get(resource).get(name).value()));
    }

    /** Random bytes that are not UTF-8 (checked). */
    static byte[] notUtf8(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        bytes[0] = (byte) 0xff; // never valid in UTF-8, so even a short key is binary
        assertThatThrownBy(() -> StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)))
                .isInstanceOf(CharacterCodingException.class);
        return bytes;
    }

    /** Equal byte for byte (without printing a megabyte when they are not). */
    static void assertSameBytes(byte[] actual, byte[] expected, String what) {
        assertThat(actual).as(what).isNotNull();
        assertThat(actual.length).as(what + ": length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as(what + ": first byte that differs").isEqualTo(-1);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
