package dev.cognigyops.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka 3.9 broker running in KRaft mode inside the test JVM (one combined
 * broker+controller process built with {@code kafka.testkit.KafkaClusterTestKit}), listening on a
 * dynamic {@code localhost} port. No ZooKeeper, no Docker.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics("in", "out");
 *     kafka.send("in", "k", "v");
 *     List<ConsumerRecord<String, String>> got = kafka.readAll("out", 1, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Tuned for tests: 1 partition by default, replication factor 1 for the internal topics,
 * {@code __consumer_offsets} with a single partition and no initial rebalance delay, so a fresh
 * consumer group joins in well under a second. Topic auto-creation stays on (the Kafka default).
 * Start-up takes about 2 s (measured 1.6-1.9 s, first start in a fresh JVM); {@link #close()} takes
 * about 0.3 s, stops the node and deletes its data directories.
 *
 * <p>The broker runs the latest <em>production</em> metadata version of Kafka 3.9.1 (not the
 * testkit's default "latest testing" one), i.e. what a real 3.9 cluster runs.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Admin admin;
    private KafkaProducer<String, String> producer;
    private KafkaProducer<byte[], byte[]> bytesProducer;
    private volatile boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        this.admin = Admin.create(props);
    }

    /** Formats and starts a fresh single-node KRaft cluster and waits until its broker is ready. */
    public static EmbeddedKafka start() {
        return start(0, Map.of());
    }

    /**
     * {@link #start()} with broker settings of the test's own on top of the defaults below, e.g.
     * {@code auto.create.topics.enable=false}.
     */
    public static EmbeddedKafka start(Map<String, String> brokerConfig) {
        return start(0, brokerConfig);
    }

    /**
     * As {@link #start()}, with the client listener on {@code 127.0.0.1:port}: for a test in which the
     * application was pointed at that port before any broker listened there (0: any free port).
     */
    public static EmbeddedKafka startOn(int port) {
        return start(port, Map.of());
    }

    private static EmbeddedKafka start(int port, Map<String, String> brokerConfig) {
        long t0 = System.nanoTime();
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            var builder = new KafkaClusterTestKit.Builder(nodes);
            if (port != 0) {
                // the testkit's own listeners, with the client one on the given port
                builder.setConfigProp("listeners", "EXTERNAL://127.0.0.1:" + port + ",CONTROLLER://localhost:0");
            }
            builder
                    .setConfigProp("num.partitions", "1")
                    .setConfigProp("default.replication.factor", "1")
                    .setConfigProp("min.insync.replicas", "1")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "true")
                    // smaller than the 100 MB default: fewer preallocated bytes per partition
                    .setConfigProp("log.segment.bytes", String.valueOf(16 * 1024 * 1024))
                    .setConfigProp("controlled.shutdown.enable", "false")
                    .setConfigProp("server.max.startup.time.ms", "60000");
            brokerConfig.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster);
            LOG.info("Embedded Kafka (KRaft, combined) ready at {} in {} ms", kafka.bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return kafka;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("Could not start embedded Kafka", e);
        }
    }

    /** {@code host:port} of the broker's client listener (plaintext, no auth). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** An admin client for this broker, owned by the fixture (do not close it). */
    public Admin admin() {
        return admin;
    }

    /** Creates each topic (1 partition, replication factor 1) unless it exists, and waits until all are usable. */
    public void createTopics(String... names) {
        create(Arrays.stream(names).map(n -> new NewTopic(n, 1, (short) 1)).toList());
    }

    /**
     * Creates one topic (1 partition, replication factor 1) with topic-level settings, e.g.
     * {@code max.message.bytes}, unless it exists, and waits until it is usable.
     */
    public void createTopic(String name, Map<String, String> config) {
        create(List.of(new NewTopic(name, 1, (short) 1).configs(config)));
    }

    private void create(List<NewTopic> topics) {
        String[] names = topics.stream().map(NewTopic::name).toArray(String[]::new);
        try {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(15, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            // wait until the metadata (leader) is visible to clients
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Set<String> wanted = Set.of(names);
            while (true) {
                try {
                    var described = admin.describeTopics(wanted).allTopicNames().get(5, TimeUnit.SECONDS);
                    boolean ready = described.values().stream()
                            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                    if (ready) {
                        return;
                    }
                } catch (ExecutionException ignored) {
                    // UnknownTopicOrPartition while metadata propagates
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topics not ready in time: " + wanted);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topics " + Arrays.toString(names), e);
        }
    }

    /** Synchronously produces one record (string key/value; key may be null). */
    public void send(String topic, String key, String value) {
        send(topic, key, value, Map.of());
    }

    /** Synchronously produces one record with the given headers (values encoded as UTF-8). */
    public void send(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(
                new RecordHeader(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8))));
        try {
            producer().send(record).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send to " + topic, e);
        }
    }

    /**
     * Synchronously produces one record of raw bytes (key may be null), with the given headers
     * (values encoded as UTF-8); returns where it was written. The producer takes records up to
     * 8 MiB, so a test can send what a cluster configured for large messages would accept (the
     * topic's {@code max.message.bytes} still applies).
     */
    public RecordMetadata sendBytes(String topic, byte[] key, byte[] value, Map<String, String> headers) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(
                new RecordHeader(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8))));
        try {
            return bytesProducer().send(record).get(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not send to " + topic, e);
        }
    }

    /** {@link #readAll}, with keys and values as the raw bytes on the topic. */
    public List<ConsumerRecord<byte[], byte[]>> readAllBytes(String topic, int atLeast, Duration timeout) {
        return read(topic, atLeast, timeout, ByteArrayDeserializer.class);
    }

    /**
     * Reads {@code topic} from the beginning with a brand-new consumer group (read_committed) until at
     * least {@code atLeast} records have arrived or {@code timeout} has passed, and returns what it
     * got (possibly fewer than asked for, possibly more). Never throws on timeout.
     */
    public List<ConsumerRecord<String, String>> readAll(String topic, int atLeast, Duration timeout) {
        return read(topic, atLeast, timeout, StringDeserializer.class);
    }

    private <T> List<ConsumerRecord<T, T>> read(String topic, int atLeast, Duration timeout,
                                                Class<? extends Deserializer<T>> deserializer) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, deserializer.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, deserializer.getName());
        List<ConsumerRecord<T, T>> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<T, T> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (out.size() < atLeast) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                consumer.poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))))
                        .forEach(out::add);
            }
        }
        return out;
    }

    /** Record values of {@link #readAll}, for terse assertions. */
    public List<String> readValues(String topic, int atLeast, Duration timeout) {
        return readAll(topic, atLeast, timeout).stream().map(ConsumerRecord::value).collect(Collectors.toList());
    }

    /** Client properties (bootstrap.servers) for wiring an app or a Camel component under test. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    private synchronized KafkaProducer<byte[], byte[]> bytesProducer() {
        if (bytesProducer == null) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            bytesProducer = new KafkaProducer<>(props);
        }
        return bytesProducer;
    }

    /** Stops clients and the node, and deletes its data directories. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(2));
            }
            if (bytesProducer != null) {
                bytesProducer.close(Duration.ofSeconds(2));
            }
        }
        admin.close(Duration.ofSeconds(2));
        try {
            cluster.close(); // also deletes the testkit base directory
        } catch (Exception e) {
            LOG.warn("Embedded Kafka did not close cleanly", e);
        }
        LOG.info("Embedded Kafka stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
}
