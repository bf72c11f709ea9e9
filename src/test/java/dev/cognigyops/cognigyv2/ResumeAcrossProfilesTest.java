package dev.cognigyops.cognigyv2;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A claimed run goes on only on the profile it was started on; an older row (no profile) goes on as before. */
class ResumeAcrossProfilesTest {

    @ParameterizedTest(name = "started on {0}, checkpoint {1}, claimed on {2} → goes on: {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            // a row written before V7: gone on with, whatever this instance speaks
            "NULL       | DEPLOYMENT_CREATED | seeds      | true",
            "NULL       | NULL               | cognigy-v2 | true",
            "''         | POLLING            | cognigy-v2 | true",
            // the same profile
            "seeds      | DEPLOYMENT_CREATED | seeds      | true",
            "cognigy-v2 | PATCHED            | cognigy-v2 | true",
            "cognigy-v2 | NULL               | cognigy-v2 | true",
            // the other profile, both ways, with and without a checkpoint
            "seeds      | DEPLOYMENT_CREATED | cognigy-v2 | false",
            "seeds      | NULL               | cognigy-v2 | false",
            "cognigy-v2 | PATCHED            | seeds      | false",
            // a profile this program does not know (a newer version's): not gone on with either
            "cognigy-v3 | SUBMITTED          | seeds      | false"})
    void goesOnOnlyOnTheProfileItWasStartedOn(String startedOn, String checkpoint, String here, boolean goesOn) {
        assertThat(ResumeAcrossProfiles.refusal("run-1", startedOn, checkpoint, ApiProfile.parse(here)).isEmpty())
                .isEqualTo(goesOn);
    }

    @ParameterizedTest(name = "started on {0} at {1}, claimed on {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "seeds      | DEPLOYMENT_CREATED | cognigy-v2 | run crashed-1 was started on profile seeds and checkpointed at"
                    + " DEPLOYMENT_CREATED; this instance speaks cognigy-v2 (cognigy.api.profile): it cannot go on from that"
                    + " checkpoint. Nothing was sent by this instance; what the run did before its checkpoint stands:"
                    + " DEPLOYMENT_CREATED. Run it again as a new request (a new requestId), or on an instance with"
                    + " cognigy.api.profile=seeds.",
            "cognigy-v2 | NULL               | seeds      | run crashed-1 was started on profile cognigy-v2 and saved no"
                    + " checkpoint; this instance speaks seeds (cognigy.api.profile): it cannot go on with it. Nothing was"
                    + " sent by this instance; whatever the run did before it stopped stands. Run it again as a new request"
                    + " (a new requestId), or on an instance with cognigy.api.profile=cognigy-v2."})
    void theRefusalSaysWhereTheRunIsAndWhatToDo(String startedOn, String checkpoint, String here, String message) {
        assertThat(ResumeAcrossProfiles.refusal("crashed-1", startedOn, checkpoint, ApiProfile.parse(here))).contains(message);
    }
}
