package dev.cognigyops.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.calls.ErrorClassifier.RunError;
import dev.cognigyops.store.RunStore.CancelAnswer;
import dev.cognigyops.support.Json;

/** The cancel's decisions, table by table: where it is delivered, how a cancelled run ends, what the verb answers. */
class CancelDecisionsTest {

    static Stream<Arguments> steps() {
        return Stream.of(
                Arguments.of("read-deployment-status", "kamelet:cognigy-call?action=DEPLOYMENT_STATUS&method=GET", CancelPoints.Role.DELIVERS),
                Arguments.of("patch-endpoint-to-snapshot", "kamelet:cognigy-call", CancelPoints.Role.DELIVERS),
                Arguments.of(null, "kamelet:cognigy-call?method=GET", CancelPoints.Role.DELIVERS),
                Arguments.of("read-listing-page", "direct:cognigy-call", CancelPoints.Role.DELIVERS),
                // the call inside the kamelet and MLflow's calls are not where a run is stopped
                Arguments.of(null, "direct:cognigy-call", CancelPoints.Role.NONE),
                Arguments.of("record-in-mlflow", "direct:nlp-retrain-record-mlflow", CancelPoints.Role.NONE),
                Arguments.of("notify-monitor-webhook", "kamelet:webhook-call?action=WEBHOOK_SENT", CancelPoints.Role.NONE),
                Arguments.of("kamelet-cognigy-callish", "kamelet:cognigy-callback", CancelPoints.Role.NONE),
                Arguments.of("keep-deployment", null, CancelPoints.Role.NONE),
                // undo steps: nothing is delivered inside them
                Arguments.of("unless-rolled-back", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("until-rollback-settled", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("when-rolling-back", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("when-restoring", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("when-cancel-requested", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("until-cancel-settled", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("cancel-job-with-run", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("when-gate-failed-and-rollback-version-given", null, CancelPoints.Role.HOLDS_OFF),
                Arguments.of("when-mlflow-configured", null, CancelPoints.Role.HOLDS_OFF));
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @MethodSource("steps")
    void whereACancelIsDelivered(String stepId, String uri, CancelPoints.Role role) {
        assertThat(CancelPoints.of(stepId, uri)).isEqualTo(role);
    }

    static final String CANCEL = "run r was cancelled through the runs API (asked at T of instance a#1)";

    static Stream<Arguments> endings() {
        RunError timeout = new RunError(RunStatus.FAILED, ErrorCode.TIMEOUT, "deployment dep-1 not finished");
        RunError cancelledRollback = new RunError(RunStatus.FAILED, ErrorCode.CANCELLED_BY_USER, CANCEL + "; rolled back");
        RunError jobCancelled = new RunError(RunStatus.CANCELLED, ErrorCode.JOB_CANCELLED, "job cancelled by its policy");
        return Stream.of(
                // no cancel delivered: the run ends as it ended
                Arguments.of(null, null, null),
                Arguments.of(null, timeout, timeout),
                Arguments.of(null, jobCancelled, jobCancelled),
                // delivered: CANCELLED_BY_USER whatever the operation said after it
                Arguments.of(CANCEL, null, new RunError(RunStatus.CANCELLED, ErrorCode.CANCELLED_BY_USER, CANCEL)),
                Arguments.of(CANCEL, cancelledRollback, new RunError(RunStatus.CANCELLED, ErrorCode.CANCELLED_BY_USER, CANCEL + "; rolled back")),
                Arguments.of(CANCEL, timeout, new RunError(RunStatus.CANCELLED, ErrorCode.CANCELLED_BY_USER,
                        CANCEL + "; then: deployment dep-1 not finished")),
                Arguments.of(CANCEL, jobCancelled, new RunError(RunStatus.CANCELLED, ErrorCode.CANCELLED_BY_USER,
                        CANCEL + "; then: job cancelled by its policy")));
    }

    @ParameterizedTest
    @MethodSource("endings")
    void howACancelledRunEnds(String cancel, RunError error, RunError expected) {
        assertThat(CancelledRun.ending(cancel, error)).isEqualTo(expected);
    }

    static Stream<Arguments> replies() {
        return Stream.of(
                Arguments.of(new CancelAnswer.Requested(true, "bot-deploy", "a#1"), 202, "{\"runId\":\"r-1\",\"cancelRequested\":true}"),
                Arguments.of(new CancelAnswer.Requested(false, "bot-deploy", "b#1"), 202, "{\"runId\":\"r-1\",\"cancelRequested\":true}"),
                Arguments.of(new CancelAnswer.Ended("SUCCEEDED"), 409, "{\"error\":\"CONFLICT\",\"message\":\"run r-1 has ended: SUCCEEDED\"}"),
                Arguments.of(new CancelAnswer.Ended("CANCELLED"), 409, "{\"error\":\"CONFLICT\",\"message\":\"run r-1 has ended: CANCELLED\"}"),
                Arguments.of(new CancelAnswer.NotFound(), 404, "{\"error\":\"NOT_FOUND\",\"message\":\"no run r-1\"}"));
    }

    @ParameterizedTest
    @MethodSource("replies")
    void whatTheVerbAnswers(CancelAnswer answer, int status, String body) throws Exception {
        CancelReply reply = CancelReply.of("r-1", answer);
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.body()).isEqualTo(Json.parse(body));
    }

    static Stream<Arguments> cancelJobs() {
        return Stream.of(Arguments.of(null, Boolean.FALSE), Arguments.of("", Boolean.FALSE), Arguments.of("false", Boolean.FALSE),
                Arguments.of("true", Boolean.TRUE), Arguments.of("TRUE", Boolean.TRUE), Arguments.of("yes", null),
                Arguments.of("1", null));
    }

    @ParameterizedTest
    @MethodSource("cancelJobs")
    void cancelJobIsTrueOrFalse(String given, Boolean expected) throws Exception {
        assertThat(CancelReply.cancelJob(given)).isEqualTo(expected);
        if (expected == null) {
            CancelReply bad = CancelReply.badCancelJob(given);
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo(Json.parse("{\"error\":\"INVALID_REQUEST\",\"violations\":[\"cancelJob: '"
                    + given + "' is not true or false\"]}"));
        }
    }
}
