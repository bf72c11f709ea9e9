package dev.cognigyops.runs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Run requests (docs/contract.md#run-requests) into runs: envelope rules, run ids, and "the same requestId never starts a second run". */
class RunRequestsTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"), ZoneOffset.UTC);

    /** An operation whose payload needs a text field {@code name}. */
    static final Operation GREET = new Operation() {
        @Override
        public String name() {
            return "greet";
        }

        @Override
        public void validate(JsonNode payload, Violations v) {
            v.rejectUnknownFields(payload, "payload.", Set.of("name"));
            v.requireText(payload, "name", "payload.name", Pattern.compile("[a-z]+"), "must be lower-case letters");
        }
    };

    static final Operation WAVE = new Operation() {
        @Override
        public String name() {
            return "wave";
        }

        @Override
        public void validate(JsonNode payload, Violations v) {
        }
    };

    @TempDir
    Path results;

    RunLedger ledger;
    RunRequests requests;

    @BeforeEach
    void setUp() {
        ledger = new RunLedger(results);
        requests = new RunRequests(List.of(WAVE, GREET), ledger, CLOCK);
    }

    RunContext open(String text) {
        return requests.open(text, Trigger.FILE, "inbox/x.json", null);
    }

    void storeResult(String runId, RunStatus status) throws IOException {
        Files.writeString(results.resolve(runId + ".json"),
                "{\"runId\":\"" + runId + "\",\"status\":\"" + status + "\"}", StandardCharsets.UTF_8);
    }

    @Test
    void onProfileCognigyV2AnOperationNotBuiltForItIsRejectedNamingWhatIs() {
        Operation onBoth = new Operation() {
            @Override
            public String name() {
                return "greet";
            }

            @Override
            public void validate(JsonNode payload, Violations v) {
            }

            @Override
            public boolean onCognigyV2() {
                return true;
            }

            @Override
            public void validateOnCognigyV2(JsonNode payload, Violations v) {
            }
        };
        var v2 = new RunRequests(List.of(WAVE, onBoth), ledger, CLOCK, dev.cognigyops.cognigyv2.ApiProfile.COGNIGY_V2);

        RunContext refused = v2.open("{\"operation\":\"wave\",\"payload\":{}}", Trigger.FILE, "inbox/x.json", null);
        RunContext built = v2.open("{\"operation\":\"greet\",\"payload\":{}}", Trigger.FILE, "inbox/y.json", null);

        assertThat(refused.isRejected()).isTrue();
        assertThat(refused.errorMessage()).isEqualTo("operation: operation wave is not available on profile cognigy-v2 yet "
                + "(cognigy.api.profile); available there: greet");
        assertThat(built.isAccepted()).isTrue();
    }

    @Test
    void acceptsAValidEnvelope() {
        RunContext run = requests.open("{\"operation\":\"greet\",\"requestId\":\"req-1\",\"payload\":{\"name\":\"ada\"}}",
                Trigger.KAFKA, "topic/0/17", null);

        assertThat(run.admission()).isEqualTo(RunContext.Admission.ACCEPTED);
        assertThat(run.violations()).isEmpty();
        assertThat(run.runId()).isEqualTo("req-1");
        assertThat(run.requestId()).isEqualTo("req-1");
        assertThat(run.operation()).isEqualTo("greet");
        assertThat(run.trigger()).isEqualTo(Trigger.KAFKA);
        assertThat(run.source()).isEqualTo("topic/0/17");
        assertThat(run.startedAt()).isEqualTo(CLOCK.instant());
        assertThat(run.payloadText("name", null)).isEqualTo("ada");
        assertThat(run.status()).isNull();
        assertThat(ledger.isRunning("req-1")).isTrue();
    }

    @Test
    void withoutARequestIdTheRunGetsANewSortableId() {
        RunContext first = open("{\"operation\":\"wave\",\"payload\":{}}");
        RunContext second = open("{\"operation\":\"wave\",\"payload\":{}}");

        assertThat(first.isAccepted()).isTrue();
        assertThat(first.requestId()).isNull();
        assertThat(first.runId()).matches("20250301T100000Z-[0-9a-f]{8}");
        assertThat(second.runId()).isNotEqualTo(first.runId());
        assertThat(second.isAccepted()).isTrue();
        assertThat(ledger.isRunning(first.runId())).as("claimed while it runs").isTrue();
        assertThat(ledger.isRunning(second.runId())).isTrue();
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("not JSON", "{\"operation\": \"greet\",\n  \"payload\": {oops}}",
                        List.of("request: is not valid JSON", "line 2", "column")),
                arguments("two requests in one text", "{\"operation\":\"wave\",\"requestId\":\"a\",\"payload\":{}}\n"
                        + "{\"operation\":\"wave\",\"requestId\":\"b\",\"payload\":{}}", List.of("request: is not valid JSON", "line 2")),
                arguments("text after the request", "{\"operation\":\"wave\",\"payload\":{}} trailing", List.of("request: is not valid JSON")),
                arguments("empty", "", List.of("request: is empty; expected a JSON object")),
                arguments("blank", "  \n ", List.of("request: is empty; expected a JSON object")),
                arguments("array", "[{\"operation\":\"greet\"}]", List.of("request: must be a JSON object")),
                arguments("a JSON string", "\"greet\"", List.of("request: must be a JSON object")),
                arguments("missing operation", "{\"payload\":{}}", List.of("operation: is required (one of: greet, wave)")),
                arguments("unknown operation", "{\"operation\":\"dance\",\"payload\":{}}",
                        List.of("operation: unknown operation 'dance' (one of: greet, wave)")),
                arguments("operation not a string", "{\"operation\":42,\"payload\":{}}",
                        List.of("operation: unknown operation '42' (one of: greet, wave)")),
                arguments("missing payload", "{\"operation\":\"wave\"}", List.of("payload: is required")),
                arguments("null payload", "{\"operation\":\"wave\",\"payload\":null}", List.of("payload: is required")),
                arguments("payload an array", "{\"operation\":\"wave\",\"payload\":[]}", List.of("payload: must be a JSON object")),
                arguments("payload a string", "{\"operation\":\"wave\",\"payload\":\"hi\"}", List.of("payload: must be a JSON object")),
                arguments("requestId a number", "{\"operation\":\"wave\",\"requestId\":7,\"payload\":{}}",
                        List.of("requestId: must be a non-blank string")),
                arguments("requestId blank", "{\"operation\":\"wave\",\"requestId\":\"  \",\"payload\":{}}",
                        List.of("requestId: must be a non-blank string")),
                arguments("requestId too long", "{\"operation\":\"wave\",\"requestId\":\"" + "r".repeat(201) + "\",\"payload\":{}}",
                        List.of("requestId: must be at most 200 characters")),
                arguments("unknown envelope field", "{\"operation\":\"wave\",\"payload\":{},\"priority\":\"high\"}",
                        List.of("priority: is not a known field (known: operation, payload, requestId)")),
                arguments("payload breaks the operation's rules", "{\"operation\":\"greet\",\"payload\":{\"name\":\"ADA\"}}",
                        List.of("payload.name: must be lower-case letters")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsNamingTheViolation(String name, String text, List<String> expected) {
        RunContext run = open(text);

        assertThat(run.admission()).isEqualTo(RunContext.Admission.REJECTED);
        assertThat(run.status()).isEqualTo(RunStatus.REJECTED);
        assertThat(run.errorCode()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(run.violations()).hasSize(1);
        expected.forEach(part -> assertThat(run.violations().get(0)).contains(part));
        assertThat(run.errorMessage()).isEqualTo(run.violations().get(0));
        assertThat(run.runId()).isNotBlank();
    }

    @Test
    void aRequestOfExactly200CharactersIsAccepted() {
        String id = "r".repeat(200);

        RunContext run = open("{\"operation\":\"wave\",\"requestId\":\"" + id + "\",\"payload\":{}}");

        assertThat(run.isAccepted()).isTrue();
        assertThat(run.requestId()).isEqualTo(id);
    }

    @Test
    void listsEveryViolationAtOnce() {
        RunContext run = open("{\"operation\":\"greet\",\"requestId\":\"\",\"payload\":{\"name\":7,\"age\":3},\"extra\":1,\"more\":2}");

        assertThat(run.isRejected()).isTrue();
        assertThat(run.violations()).containsExactlyInAnyOrder(
                "requestId: must be a non-blank string",
                "extra: is not a known field (known: operation, payload, requestId)",
                "more: is not a known field (known: operation, payload, requestId)",
                "payload.age: is not a known field (known: name)",
                "payload.name: must be a string");
        assertThat(run.errorMessage().split(" \\| ")).hasSize(5);
    }

    @Test
    void listsEnvelopeViolationsTogether() {
        RunContext run = open("{\"operation\":\"dance\",\"requestId\":[1],\"payload\":[],\"x\":null}");

        assertThat(run.violations()).hasSize(4)
                .anySatisfy(v -> assertThat(v).startsWith("requestId:"))
                .anySatisfy(v -> assertThat(v).startsWith("operation: unknown operation 'dance'"))
                .anySatisfy(v -> assertThat(v).isEqualTo("payload: must be a JSON object"))
                .anySatisfy(v -> assertThat(v).startsWith("x: is not a known field"));
    }

    @Test
    void aBarePayloadTakesTheOperationFromTheHint() {
        RunContext run = requests.open("{\"name\":\"ada\"}", Trigger.FILE, "inbox/greet/a.json", "greet");

        assertThat(run.isAccepted()).isTrue();
        assertThat(run.operation()).isEqualTo("greet");
        assertThat(run.payloadText("name", null)).isEqualTo("ada");
        assertThat(run.requestId()).isNull();
    }

    @Test
    void aBarePayloadIsValidatedAgainstTheHintedOperation() {
        RunContext run = requests.open("{\"nom\":\"ada\"}", Trigger.FILE, "inbox/greet/a.json", "greet");

        assertThat(run.isRejected()).isTrue();
        assertThat(run.violations()).containsExactlyInAnyOrder(
                "payload.nom: is not a known field (known: name)", "payload.name: is required");
    }

    @Test
    void anUnknownHintIsAnUnknownOperation() {
        RunContext run = requests.open("{}", Trigger.FILE, "inbox/dance/a.json", "dance");

        assertThat(run.isRejected()).isTrue();
        assertThat(run.violations()).containsExactly("operation: unknown operation 'dance' (one of: greet, wave)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"req-1", "2025.03.01_build-77", "A", "a..b",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void aSafeRequestIdIsTheRunId(String requestId) {
        assertThat(RunIds.fromRequestId(requestId)).isEqualTo(requestId);
        assertThat(open("{\"operation\":\"wave\",\"requestId\":\"" + requestId + "\",\"payload\":{}}").runId())
                .isEqualTo(requestId);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a/b", "../../etc/passwd", "build #7", ".hidden", "..", "ü-umlaut", "a\\b", "x:y",
            "a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p",
            "y"})
    void anUnsafeRequestIdIsSanitisedWithAHash(String requestId) {
        String unsafe = requestId.equals("y") ? "y".repeat(101) : requestId;

        String runId = RunIds.fromRequestId(unsafe);

        assertThat(runId).matches("[A-Za-z0-9._-]+-[0-9a-f]{8}").doesNotStartWith(".").doesNotContain("/", "\\");
        assertThat(runId.length()).isLessThanOrEqualTo(89);
        assertThat(runId).isNotEqualTo(unsafe);
        assertThat(RunIds.fromRequestId(unsafe)).as("stable").isEqualTo(runId);
    }

    @Test
    void differentUnsafeRequestIdsNeverShareARunId() {
        List<String> ids = List.of("a/b", "a:b", "a b", "a?b", "a\\b", "a_b ", "a*b", "a/b/", "ä/b");

        assertThat(ids.stream().map(RunIds::fromRequestId)).doesNotHaveDuplicates();
        // same cleaned prefix, different hashes
        assertThat(RunIds.fromRequestId("a/b")).startsWith("a_b-");
        assertThat(RunIds.fromRequestId("a:b")).startsWith("a_b-");
        // long ids that only differ after the 80 kept characters
        String prefix = "p/".repeat(60);
        assertThat(RunIds.fromRequestId(prefix + "1")).isNotEqualTo(RunIds.fromRequestId(prefix + "2"));
    }

    @Test
    void theRunIdOfAnUnsafeRequestIdIsUsedForItsResult() {
        RunContext run = open("{\"operation\":\"wave\",\"requestId\":\"deploy/7\",\"payload\":{}}");

        assertThat(run.requestId()).isEqualTo("deploy/7");
        assertThat(run.runId()).isEqualTo(RunIds.fromRequestId("deploy/7")).startsWith("deploy_7-");
        assertThat(ledger.resultFile(run.runId()).getParent()).isEqualTo(results);
    }

    @ParameterizedTest(name = "after {0}")
    @ValueSource(strings = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void aRequestIdThatHasRunIsADuplicate(RunStatus stored) throws IOException {
        storeResult("req-9", stored);

        RunContext run = open("{\"operation\":\"wave\",\"requestId\":\"req-9\",\"payload\":{}}");

        assertThat(run.admission()).isEqualTo(RunContext.Admission.DUPLICATE);
        assertThat(run.isDuplicate()).isTrue();
        assertThat(run.runId()).isEqualTo("req-9");
        assertThat(ledger.isRunning("req-9")).isFalse();
    }

    @Test
    void aDuplicateIsRecognisedEvenWhenTheNewRequestIsInvalid() throws IOException {
        storeResult("req-9", RunStatus.SUCCEEDED);

        RunContext run = open("{\"operation\":\"greet\",\"requestId\":\"req-9\",\"payload\":{\"name\":\"ADA\"}}");

        assertThat(run.isDuplicate()).isTrue();
    }

    @Test
    void aRequestIdThatWasRejectedRunsAgain() throws IOException {
        storeResult("req-9", RunStatus.REJECTED);

        RunContext run = open("{\"operation\":\"wave\",\"requestId\":\"req-9\",\"payload\":{}}");

        assertThat(run.isAccepted()).isTrue();
        assertThat(ledger.isRunning("req-9")).isTrue();
    }

    @Test
    void anUnsafeRequestIdThatHasRunIsADuplicate() throws IOException {
        storeResult(RunIds.fromRequestId("deploy/7"), RunStatus.SUCCEEDED);

        assertThat(open("{\"operation\":\"wave\",\"requestId\":\"deploy/7\",\"payload\":{}}").isDuplicate()).isTrue();
        assertThat(open("{\"operation\":\"wave\",\"requestId\":\"deploy:7\",\"payload\":{}}").isAccepted()).isTrue();
    }

    @Test
    void aRequestIdInFlightIsADuplicateUntilReleased() {
        String text = "{\"operation\":\"wave\",\"requestId\":\"req-5\",\"payload\":{}}";
        RunContext first = open(text);

        RunContext second = open(text);

        assertThat(first.isAccepted()).isTrue();
        assertThat(second.isDuplicate()).isTrue();
        assertThat(ledger.isRunning("req-5")).isTrue();

        ledger.release("req-5");
        assertThat(open(text).isAccepted()).isTrue();
    }

    @Test
    void aRunThatFinishedAndWasReleasedIsStillADuplicate() throws IOException {
        String text = "{\"operation\":\"wave\",\"requestId\":\"req-6\",\"payload\":{}}";
        assertThat(open(text).isAccepted()).isTrue();
        storeResult("req-6", RunStatus.SUCCEEDED);
        ledger.release("req-6");

        assertThat(open(text).isDuplicate()).isTrue();
    }

    @Test
    void aCorruptResultFileDoesNotCountAsRun() throws IOException {
        Files.writeString(results.resolve("req-8.json"), "{not json");

        assertThat(ledger.storedResult("req-8")).isNull();
        assertThat(open("{\"operation\":\"wave\",\"requestId\":\"req-8\",\"payload\":{}}").isAccepted()).isTrue();
    }

    @Test
    void theLedgerClaimsOncePerRunId() {
        assertThat(ledger.claim("r1")).isTrue();
        assertThat(ledger.claim("r1")).isFalse();
        assertThat(ledger.claim("r2")).isTrue();
        ledger.release("r1");
        assertThat(ledger.isRunning("r1")).isFalse();
        assertThat(ledger.claim("r1")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void checkReportsTheSameViolations(String name, String text, List<String> expected) {
        List<String> checked = requests.check(text, null);

        assertThat(checked).isEqualTo(open(text).violations());
    }

    @Test
    void checkListsEveryViolationWithoutClaimingTheRequestId() {
        String bad = "{\"operation\":\"greet\",\"requestId\":\"req-3\",\"payload\":{\"name\":\"ADA\",\"x\":1},\"y\":2}";
        String good = "{\"operation\":\"greet\",\"requestId\":\"req-3\",\"payload\":{\"name\":\"ada\"}}";

        assertThat(requests.check(bad, null)).containsExactlyInAnyOrder(
                "y: is not a known field (known: operation, payload, requestId)",
                "payload.x: is not a known field (known: name)",
                "payload.name: must be lower-case letters");
        assertThat(requests.check(good, null)).isEmpty();
        assertThat(requests.check(good, null)).isEmpty();
        assertThat(ledger.isRunning("req-3")).isFalse();
        assertThat(open(good).isAccepted()).isTrue();
    }

    @Test
    void checkUsesTheOperationHintForABarePayload() {
        assertThat(requests.check("{\"name\":\"ada\"}", "greet")).isEmpty();
        assertThat(requests.check("{\"name\":\"ADA\"}", "greet")).containsExactly("payload.name: must be lower-case letters");
    }

    @Test
    void checkDoesNotReportADuplicateAsAViolation() throws IOException {
        storeResult("req-4", RunStatus.SUCCEEDED);

        assertThat(requests.check("{\"operation\":\"wave\",\"requestId\":\"req-4\",\"payload\":{}}", null)).isEmpty();
    }
}
