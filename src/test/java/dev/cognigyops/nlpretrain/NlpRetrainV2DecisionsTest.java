package dev.cognigyops.nlpretrain;

import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * nlp-retrain's decisions on profile cognigy-v2, table by table: the payload's rules (and the seeds payload
 * naming the v2 fields), the feedback report's findings read as poor intents, the gate, the read-back of
 * the project's tasks after a train POST of unknown effect, the run state's JSON and its f_score_delta.
 */
class NlpRetrainV2DecisionsTest {

    static final String BASE = "\"projectId\":\"p1\",\"flowId\":\"f1\",\"localeId\":\"l1\"";

    static List<String> v2Violations(String payload) throws Exception {
        Violations v = new Violations();
        RetrainV2Request.validate(Json.parse(payload), v);
        return v.list();
    }

    static Stream<Arguments> v2Payloads() {
        String seeds = "is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): ";
        return Stream.of(
                Arguments.of("{" + BASE + "}", List.of()),
                Arguments.of("{" + BASE + ",\"mode\":\"quick\",\"gate\":{\"minFScore\":0,\"maxPoorIntents\":3},\"mlflowExperiment\":\"e\"}", List.of()),
                Arguments.of("{" + BASE + ",\"gate\":{\"minFScore\":1}}", List.of()),
                Arguments.of("{}", List.of("payload.projectId: is required", "payload.flowId: is required", "payload.localeId: is required")),
                Arguments.of("{" + BASE.replace("f1", "f/1") + ",\"mode\":\"fast\"}", List.of(
                        "payload.flowId: must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit",
                        "payload.mode: must be full or quick")),
                Arguments.of("{" + BASE + ",\"gate\":{\"minFScore\":1.2,\"maxPoorIntents\":-1}}", List.of(
                        "payload.gate.minFScore: must be between 0 and 1", "payload.gate.maxPoorIntents: must be between 0 and 100000")),
                Arguments.of("{" + BASE + ",\"gate\":{\"minFScore\":\"high\",\"maxPoorIntents\":0.5}}", List.of(
                        "payload.gate.minFScore: must be a number", "payload.gate.maxPoorIntents: must be a whole number")),
                Arguments.of("{" + BASE + ",\"gate\":3,\"mlflowExperiment\":\"\"}", List.of(
                        "payload.mlflowExperiment: must be 1–250 characters", "payload.gate: must be a JSON object")),
                Arguments.of("{" + BASE + ",\"bogus\":1}", List.of(
                        "payload.bogus: is not a known field (known: flowId, gate, localeId, mlflowExperiment, mode, projectId)")),
                Arguments.of("{" + BASE + ",\"baselineVersionId\":\"v1\",\"computeConstraints\":{}}", List.of(
                        "payload.computeConstraints: " + seeds + "the real API's intent training takes no compute limits (it runs at most 10 minutes)",
                        "payload.baselineVersionId: " + seeds + "the real API has no model versions: fScoreDelta compares with the "
                                + "previous MLflow run of the same flow")),
                Arguments.of("{" + BASE + ",\"gate\":{\"maxBiasScore\":0.1}}", List.of(
                        "payload.gate.maxBiasScore: " + seeds + "the real API reports no bias score")));
    }

    @ParameterizedTest
    @MethodSource("v2Payloads")
    void theV2PayloadNamesEveryViolation(String payload, List<String> expected) throws Exception {
        assertThat(v2Violations(payload)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theV2PayloadsDefaults() throws Exception {
        RetrainV2Request asked = RetrainV2Request.from(Json.parse("{" + BASE + "}"));
        assertThat(asked).isEqualTo(new RetrainV2Request("p1", "f1", "l1", "full", new RetrainV2Request.Gate(0.8, 0), null));
    }

    @Test
    void theSeedsPayloadNamesTheV2Fields() throws Exception {
        JsonNode payload = Json.parse(RetrainStubs.payload(",\"flowId\":\"f1\",\"mode\":\"full\""));
        ((com.fasterxml.jackson.databind.node.ObjectNode) payload).putObject("gate").put("minFScore", 0.8).put("tolerance", 0.05);
        Violations v = new Violations();
        RetrainPayloadRules.check(payload, v);
        String v2 = "is a field of profile cognigy-v2 (intent training of a Cognigy flow); this instance runs profile seeds "
                + "(cognigy.api.profile), where a model is retrained by modelId";
        assertThat(v.list()).containsExactlyInAnyOrder("payload.flowId: " + v2, "payload.mode: " + v2, "payload.gate.minFScore: " + v2);
    }

    // ---- the feedback report

    static JsonNode flows(String report) throws Exception {
        return Json.parse("[{\"_id\":\"f0\",\"feedbackReport\":null},{\"_id\":\"f1\",\"referenceId\":\"r1\",\"name\":\"Main\","
                + "\"feedbackReport\":" + report + "}]");
    }

    static Stream<Arguments> findings() {
        return Stream.of(
                Arguments.of("[]", List.of()),
                Arguments.of("[{\"type\":\"poorIntentAccuracy\",\"intentId\":\"i1\",\"intentName\":\"refund\",\"accuracy\":0.4}]",
                        List.of(new FeedbackReport.PoorIntent("i1", "refund", 0.4))),
                Arguments.of("[{\"type\":\"tooFewExampleSentences\",\"intentName\":\"greeting\"},{\"kind\":\"LOW_ACCURACY\",\"intent\":"
                        + "{\"_id\":\"i2\",\"name\":\"cancel\"},\"score\":0.3}]", List.of(new FeedbackReport.PoorIntent("i2", "cancel", 0.3))),
                Arguments.of("[{\"category\":\"intent-poor\",\"intent\":\"book\"},{\"type\":\"poorSentence\"},\"text\",{\"severity\":\"warning\"}]",
                        List.of(new FeedbackReport.PoorIntent(null, "book", null))),
                Arguments.of("{\"poorIntents\":[{\"name\":\"faq\",\"accuracy\":0.5}],\"otherFindings\":[{\"name\":\"x\"}]}",
                        List.of(new FeedbackReport.PoorIntent(null, "faq", 0.5))));
    }

    @ParameterizedTest
    @MethodSource("findings")
    void poorIntentsAreReadFromTheFindings(String findings, List<FeedbackReport.PoorIntent> expected) throws Exception {
        FeedbackReport report = FeedbackReport.ofFlow(flows("{\"findings\":" + findings + ",\"info\":{\"fScore\":0.9}}"), "f1", "p1");
        assertThat(report.poorIntents()).containsExactlyElementsOf(expected);
        assertThat(report.findings()).isEqualTo(Json.parse(findings));
    }

    @Test
    void theReportIsTheFlowsByIdOrReferenceIdAndItsFScoreAFraction() throws Exception {
        assertThat(FeedbackReport.ofFlow(flows("{\"info\":{\"fScore\":0.87}}"), "r1", "p1").fScore()).isEqualTo(0.87);
        assertThat(FeedbackReport.ofFlow(flows("{\"info\":{\"fScore\":87.5}}"), "f1", "p1").fScore()).as("a percentage").isEqualTo(0.875);
        assertThat(FeedbackReport.ofFlow(flows("{\"info\":{\"fScore\":1}}"), "f1", "p1").fScore()).isEqualTo(1.0);
        assertThat(FeedbackReport.ofFlow(flows("{\"info\":{\"fScore\":0.5}}"), "f1", "p1").flowName()).isEqualTo("Main");
    }

    static Stream<Arguments> unreadableReports() {
        return Stream.of(
                Arguments.of("f9", "{\"info\":{\"fScore\":0.9}}", ErrorCode.NOT_FOUND, "flow f9 is not among the 2 flows of project p1"),
                Arguments.of("f0", "{\"info\":{\"fScore\":0.9}}", ErrorCode.UPSTREAM_ERROR, "flow f0 has no feedbackReport after its intent training"),
                Arguments.of("f1", "{\"findings\":[]}", ErrorCode.UPSTREAM_ERROR, "flow f1 (Main): its feedbackReport has no numeric info.fScore"),
                Arguments.of("f1", "{\"info\":{\"fScore\":\"n/a\"}}", ErrorCode.UPSTREAM_ERROR,
                        "flow f1 (Main): its feedbackReport has no numeric info.fScore (was \"n/a\")"));
    }

    @ParameterizedTest
    @MethodSource("unreadableReports")
    void aReportThatCannotBeReadFailsTheRunNamingTheFlow(String flowId, String report, ErrorCode code, String message) {
        assertThatThrownBy(() -> FeedbackReport.ofFlow(flows(report), flowId, "p1")).isInstanceOfSatisfying(RunFailure.class, f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.getMessage()).isEqualTo(message);
        });
    }

    // ---- the gate

    static Stream<Arguments> gates() {
        List<FeedbackReport.PoorIntent> two = List.of(new FeedbackReport.PoorIntent("i1", "refund", 0.4),
                new FeedbackReport.PoorIntent("i2", null, null));
        return Stream.of(
                Arguments.of(0.8, List.of(), 0.8, 0L, List.of()),
                Arguments.of(0.79, List.of(), 0.8, 0L, List.of("fScore 0.79 is below minFScore 0.8")),
                Arguments.of(0.95, two, 0.8, 2L, List.of()),
                Arguments.of(0.95, two, 0.8, 1L, List.of("poorIntents 2 is above maxPoorIntents 1 (refund, i2)")),
                Arguments.of(0.5, two, 0.9, 0L, List.of("fScore 0.5 is below minFScore 0.9", "poorIntents 2 is above maxPoorIntents 0 (refund, i2)")));
    }

    @ParameterizedTest
    @MethodSource("gates")
    void theGateNamesEachFailedCriterionWithValueAndThreshold(double fScore, List<FeedbackReport.PoorIntent> poor, double minFScore,
                                                              long maxPoor, List<String> failures) {
        QualityGate.Verdict verdict = QualityGate.judgeFeedback(new FeedbackReport("f1", "Main", fScore, Json.MAPPER.createArrayNode(), poor),
                minFScore, maxPoor);
        assertThat(verdict.failures()).containsExactlyElementsOf(failures);
        assertThat(verdict.passed()).isEqualTo(failures.isEmpty());
    }

    // ---- the read-back

    static final long POSTING = java.time.Instant.parse("2026-11-21T07:00:00Z").toEpochMilli();

    static String task(String id, String name, String flowId, String localeId, String createdAt) {
        return "{\"_id\":\"" + id + "\",\"name\":\"" + name + "\",\"data\":{" + (flowId == null ? "" : "\"flowId\":\"" + flowId + "\"")
                + (localeId == null ? "" : (flowId == null ? "" : ",") + "\"localeId\":\"" + localeId + "\"") + "}"
                + (createdAt == null ? "" : ",\"createdAt\":" + createdAt) + "}";
    }

    static Stream<Arguments> readBacks() {
        String now = "\"2026-11-21T07:00:01.000Z\"";
        String skewed = "\"2026-11-21T06:59:45.000Z\"";
        String old = "\"2026-11-21T06:50:00.000Z\"";
        return Stream.of(
                Arguments.of("[]", TrainingTaskReadBack.Verdict.NOT_STARTED, null),
                Arguments.of("[" + task("t1", "trainIntents", "f1", "l1", now) + "]", TrainingTaskReadBack.Verdict.STARTED, "t1"),
                Arguments.of("[" + task("t1", "trainIntents", "f1", null, skewed) + "]", TrainingTaskReadBack.Verdict.STARTED, "t1"),
                Arguments.of("[" + task("t1", "trainIntents", "f1", "l1", String.valueOf(POSTING + 5)) + "]", TrainingTaskReadBack.Verdict.STARTED, "t1"),
                Arguments.of("[" + task("t0", "trainIntents", "f1", "l1", old) + "," + task("t2", "trainIntents", "f2", "l1", now) + ","
                        + task("t3", "trainIntents", "f1", "l2", now) + "," + task("t4", "createSnapshot", null, null, now) + "]",
                        TrainingTaskReadBack.Verdict.NOT_STARTED, null),
                Arguments.of("[" + task("t5", "trainIntents", null, null, now) + "]", TrainingTaskReadBack.Verdict.UNCLEAR, null),
                Arguments.of("[" + task("t6", "trainIntents", "f1", "l1", null) + "]", TrainingTaskReadBack.Verdict.UNCLEAR, null),
                Arguments.of("[" + task("t5", "trainIntents", null, null, now) + "," + task("t7", "trainIntents", "f1", "l1", now) + "]",
                        TrainingTaskReadBack.Verdict.STARTED, "t7"),
                Arguments.of("[" + task("t8", "trainIntents", "f1", "l1", skewed) + "," + task("t9", "trainIntents", "f1", "l1", now) + "]",
                        TrainingTaskReadBack.Verdict.STARTED, "t9"));
    }

    @ParameterizedTest
    @MethodSource("readBacks")
    void theProjectsTasksSayWhetherTheTrainingStarted(String tasks, TrainingTaskReadBack.Verdict verdict, String taskId) throws Exception {
        TrainingTaskReadBack.Found found = TrainingTaskReadBack.search(Json.parse(tasks), "f1", "l1", POSTING, 30_000);
        assertThat(found.verdict()).isEqualTo(verdict);
        assertThat(found.taskId()).isEqualTo(taskId);
        if (verdict == TrainingTaskReadBack.Verdict.UNCLEAR) {
            assertThat(found.reason()).isNotBlank();
        }
    }

    // ---- the state

    @Test
    void theRunStateIsWrittenAndReadBackEqualAndItsDeltaIsExact() throws Exception {
        RetrainV2Run run = RetrainV2Run.start("r1", RetrainV2Request.from(Json.parse("{" + BASE + "}")), 1000, "exp")
                .posting(2000).training("t1", 662_000)
                .taskSeen(RetrainV2Run.Phase.TASK_DONE, new RetrainV2Run.TaskSeen("done", "trainIntents", 3, 3, null), 1.5)
                .withReport(FeedbackReport.ofFlow(flows("{\"findings\":[{\"type\":\"poorIntentAccuracy\",\"intentName\":\"refund\"}],"
                        + "\"info\":{\"fScore\":0.91}}"), "f1", "p1"))
                .withVerdict(new QualityGate.Verdict(false, List.of("x")))
                .withPreviousMlflowRun("prev", 0.88);

        assertThat(Json.MAPPER.readValue(Json.write(run), RetrainV2Run.class)).isEqualTo(run);
        assertThat(run.fScoreDelta()).isEqualTo(0.03);
        assertThat(run.mlflowMetrics()).containsExactly(java.util.Map.entry("f_score", 0.91), java.util.Map.entry("poor_intents", 1.0),
                java.util.Map.entry("training_latency_seconds", 1.5), java.util.Map.entry("f_score_delta", 0.03));
        assertThat(run.withPreviousMlflowRun(null, null).fScoreDelta()).as("no previous run, no delta").isNull();
        assertThat(run.comparesWithPreviousMlflowRun()).as("looked up once").isFalse();
        assertThat(run.pathValues()).containsEntry("taskId", "t1").containsEntry("projectId", "p1").containsEntry("flowId", "f1");
    }

    @Test
    void aRunResumedWithItsTrainPostAboutToBeSentReadsBackFirst() throws Exception {
        RetrainV2Run posting = RetrainV2Run.start("r1", RetrainV2Request.from(Json.parse("{" + BASE + "}")), 1000, "exp").posting(2000);
        assertThat(posting.resumed().phase()).isEqualTo(RetrainV2Run.Phase.TRAIN_UNCERTAIN);
        assertThat(posting.training("t1", 5000).resumed().phase()).isEqualTo(RetrainV2Run.Phase.TRAINING);
    }

    @Test
    void theLatestRunWithTheMetricIsTakenFromASearch() throws Exception {
        JsonNode answer = Json.parse("{\"runs\":[{\"info\":{\"run_id\":\"a\"},\"data\":{\"metrics\":[{\"key\":\"poor_intents\",\"value\":1}]}},"
                + "{\"info\":{\"run_uuid\":\"b\"},\"data\":{\"metrics\":[{\"key\":\"f_score\",\"value\":0.7}]}}]}");
        assertThat(MlflowTracking.latestMetric(answer, "f_score")).isEqualTo(new MlflowTracking.Metric("b", 0.7));
        assertThat(MlflowTracking.latestMetric(Json.parse("{}"), "f_score")).isNull();
    }
}
