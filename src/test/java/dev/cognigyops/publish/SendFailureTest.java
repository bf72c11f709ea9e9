package dev.cognigyops.publish;

import java.net.ConnectException;
import java.util.stream.Stream;

import org.apache.camel.CamelExchangeException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Kafka away is retried until it is back; a record Kafka refuses for what it is is set aside. */
class SendFailureTest {

    static Stream<Arguments> table() {
        return Stream.of(
                arguments(new TimeoutException("Topic cognigy.audit not present in metadata after 2000 ms."), false),
                arguments(new TimeoutException("Expiring 3 record(s) for cognigy.audit-0: 5001 ms has passed"), false),
                arguments(new NetworkException("disconnected"), false),
                arguments(new NotLeaderOrFollowerException("moved"), false),
                // an operator can grant the ACL; until then the records wait
                arguments(new TopicAuthorizationException("not authorized"), false),
                arguments(new IllegalStateException("producer closed"), false),
                arguments(new CamelExchangeException("no consumers", null, new ConnectException("refused")), false),
                arguments(new RecordTooLargeException("The message is 2000123 bytes when serialized"), true),
                arguments(new RecordBatchTooLargeException("batch too large"), true),
                arguments(new InvalidRecordException("invalid"), true),
                arguments(new CamelExchangeException("failed", null, new RecordTooLargeException("too large")), true),
                arguments(new RuntimeException(new RuntimeException(new RecordTooLargeException("deep"))), true));
    }

    @ParameterizedTest(name = "{0} → permanent {1}")
    @MethodSource("table")
    void decidesWhetherARecordCanEverBePublished(Exception failure, boolean permanent) {
        assertThat(SendFailure.isPermanent(failure)).isEqualTo(permanent);
    }
}
