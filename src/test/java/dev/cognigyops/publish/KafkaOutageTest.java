package dev.cognigyops.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.publish.KafkaOutage.Say;

import static dev.cognigyops.publish.KafkaOutage.Say.BACK;
import static dev.cognigyops.publish.KafkaOutage.Say.NOTHING;
import static dev.cognigyops.publish.KafkaOutage.Say.UNREACHABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** An outage is said once when it begins and once when what waited has gone out; nothing in between. */
class KafkaOutageTest {

    /**
     * Attempts, in order ("F": failed; "P3:5": published 3 with 5 still waiting) → what each says, and
     * the N of "published N that waited" at the end, and whether Kafka is still taken to be down.
     */
    static Stream<Arguments> table() {
        return Stream.of(
                arguments("P1:0", List.of(NOTHING), 0L, false),
                arguments("P500:0 P1:0", List.of(NOTHING, NOTHING), 0L, false),
                arguments("F", List.of(UNREACHABLE), 0L, true),
                arguments("F F F F", List.of(UNREACHABLE, NOTHING, NOTHING, NOTHING), 0L, true),
                arguments("F P1:0", List.of(UNREACHABLE, BACK), 1L, false),
                arguments("F F P1:4 P4:0", List.of(UNREACHABLE, NOTHING, NOTHING, BACK), 5L, false),
                arguments("F P1:4 P2:2", List.of(UNREACHABLE, NOTHING, NOTHING), 3L, true),
                // what arrived after Kafka answered again does not hold the INFO back
                arguments("F P1:4 P2:6 P2:3", List.of(UNREACHABLE, NOTHING, NOTHING, BACK), 5L, false),
                // a failure while the backlog goes out is the same outage: nothing more is said
                arguments("F P1:4 F P1:0", List.of(UNREACHABLE, NOTHING, NOTHING, BACK), 2L, false),
                arguments("F P1:0 F", List.of(UNREACHABLE, BACK, UNREACHABLE), 0L, true),
                arguments("F P1:0 P1:0 F P2:0", List.of(UNREACHABLE, BACK, NOTHING, UNREACHABLE, BACK), 2L, false));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("table")
    void saysAnOutageOnceAndItsEndOnce(String attempts, List<Say> expected, long waited, boolean down) {
        KafkaOutage outage = new KafkaOutage();
        List<Say> said = new ArrayList<>();
        for (String attempt : attempts.split(" ")) {
            if (attempt.equals("F")) {
                said.add(outage.failed());
            } else {
                String[] n = attempt.substring(1).split(":");
                said.add(outage.published(Long.parseLong(n[0]), Long.parseLong(n[1])));
            }
        }
        assertThat(said).isEqualTo(expected);
        assertThat(outage.publishedSinceOutage()).isEqualTo(waited);
        assertThat(outage.isDown()).isEqualTo(down);
    }
}
