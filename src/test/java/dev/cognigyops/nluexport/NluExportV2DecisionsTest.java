package dev.cognigyops.nluexport;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.cognigyv2.Task;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppSettings;
import dev.cognigyops.webhooks.WebhookTargets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** nlu-export's decisions on profile cognigy-v2: payload rules both ways, snapshot names, rotation, tasks. */
class NluExportV2DecisionsTest {

    static final WebhookTargets HOOKS = WebhookTargets.from(AppSettings.with(new Properties()));

    static JsonNode j(String json) {
        try {
            return Json.parse(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    static List<String> v2(String payload, boolean bucketSet) {
        Violations v = new Violations();
        SnapshotExportRequest.validate(j(payload), v, bucketSet, HOOKS);
        return v.list();
    }

    static Stream<Arguments> v2Payloads() {
        return Stream.of(
                arguments("{\"projectId\":\"p1\"}", List.of()),
                arguments("{\"projectId\":\"p1\",\"snapshotName\":\"nightly 2026-11\",\"description\":\"d\",\"rotate\":true,"
                        + "\"s3Key\":\"a/b.csnap\"}", List.of()),
                arguments("{}", List.of("payload.projectId: is required")),
                arguments("{\"projectId\":\"p1\",\"snapshotName\":\"" + "x".repeat(201) + "\"}",
                        List.of("payload.snapshotName: must be at most 200 characters, is 201")),
                arguments("{\"projectId\":\"p1\",\"snapshotName\":\"a*b?c|d\"}",
                        List.of("payload.snapshotName: must not contain '*', '?', '|' (Cognigy refuses any of \\/:*?\"<>|)")),
                arguments("{\"projectId\":\"p1\",\"snapshotName\":\" \"}", List.of("payload.snapshotName: must not be blank")),
                arguments("{\"projectId\":\"p1\",\"rotate\":1}", List.of("payload.rotate: must be true or false")),
                arguments("{\"projectId\":\"p1\",\"description\":\"" + "d".repeat(2001) + "\"}",
                        List.of("payload.description: must be at most 2000 characters")),
                arguments("{\"projectId\":\"p1\",\"format\":\"ONNX\"}", List.of("payload.format: is a field of profile seeds, not "
                        + "of cognigy-v2 (cognigy.api.profile): a snapshot is always a .csnap file")),
                arguments("{\"projectId\":\"p1\",\"s3Key\":\"/abs\"}",
                        List.of("payload.s3Key: must not start with '/', and have no '..' segment or control character")));
    }

    @ParameterizedTest
    @MethodSource("v2Payloads")
    void theProfilesPayloadRules(String payload, List<String> expected) {
        assertThat(v2(payload, true)).containsExactlyElementsOf(expected);
    }

    @Test
    void aBucketIsNeededFromThePayloadOrTheSettings() {
        assertThat(v2("{\"projectId\":\"p1\"}", false))
                .containsExactly("payload.s3Bucket: is required when the setting cognigy.s3.bucket is not set");
        assertThat(v2("{\"projectId\":\"p1\",\"s3Bucket\":\"my-bucket\"}", false)).isEmpty();
    }

    @Test
    void theSeedsPayloadNamesTheFieldsOfProfileCognigyV2() {
        Properties p = new Properties();
        p.setProperty("cognigy.s3.bucket", "artifacts");
        NluExport seeds = new NluExport(AppSettings.with(p), null, null, null, null);
        Violations v = new Violations();
        seeds.validate(j("{\"modelId\":\"m\",\"modelVersion\":\"1.0\",\"projectId\":\"p\",\"rotate\":true}"), v);
        assertThat(v.list()).containsExactlyInAnyOrder(
                "payload.projectId: is a field of profile cognigy-v2 (a snapshot of a Cognigy project); this instance runs "
                        + "profile seeds (cognigy.api.profile), where an export is of an NLU model (modelId, modelVersion)",
                "payload.rotate: is a field of profile cognigy-v2 (a snapshot of a Cognigy project); this instance runs "
                        + "profile seeds (cognigy.api.profile), where an export is of an NLU model (modelId, modelVersion)");
        assertThat(seeds.onCognigyV2()).isTrue();
    }

    static Stream<Arguments> defaultNames() {
        return Stream.of(
                arguments("run-1", "cognigy-ops-run-1"),
                arguments("a:b/c", "cognigy-ops-a-b-c"),
                arguments("r".repeat(300), "cognigy-ops-" + "r".repeat(188)));
    }

    @ParameterizedTest
    @MethodSource("defaultNames")
    void theDefaultNameIsValidWhateverTheRunId(String runId, String expected) {
        assertThat(SnapshotName.defaultFor(runId)).isEqualTo(expected);
        assertThat(SnapshotName.problems(expected)).isEmpty();
    }

    @Test
    void theDefaultKeyIsUnderSnapshotsByProjectAndName() {
        SnapshotExportRequest r = SnapshotExportRequest.from(j("{\"projectId\":\"p1\"}"), "run-9", "b", null);
        assertThat(r.key()).isEqualTo("snapshots/p1/cognigy-ops-run-9.csnap");
        assertThat(r.rotate()).isFalse();
        assertThat(SnapshotExportRequest.from(j("{\"projectId\":\"p1\",\"s3Key\":\"x/y\"}"), "r", "b", null).key())
                .isEqualTo("x/y");
    }

    // ---- rotation

    static String snap(String id, String name, String createdAt) {
        return "{\"_id\":\"" + id + "\",\"name\":\"" + name + "\",\"createdAt\":" + createdAt + "}";
    }

    static JsonNode list(String... items) {
        return j("[" + String.join(",", items) + "]");
    }

    static Stream<Arguments> rotations() {
        String[] nine = new String[9];
        for (int i = 0; i < 9; i++) {
            nine[i] = snap("s" + i, "cognigy-ops-" + i, Long.toString(1_700_000_000L + i));
        }
        String[] ten = java.util.Arrays.copyOf(nine, 10);
        ten[9] = snap("s9", "release", "1600000000");
        String[] mixedTimes = {snap("a", "cognigy-ops-a", "\"2026-01-02T00:00:00Z\""), snap("b", "cognigy-ops-b", "1767225600000"),
                snap("c", "cognigy-ops-c", "null"), snap("d", "x", "1"), snap("e", "x", "1"), snap("f", "x", "1"), snap("g", "x", "1"),
                snap("h", "x", "1"), snap("i", "x", "1"), snap("j", "x", "1")};
        return Stream.of(
                // not full: nothing goes
                arguments(list(nine), Set.of(), false, null),
                // full: the oldest of ours (not the older one that is not ours)
                arguments(list(ten), Set.of(), true, "s0"),
                // full: the oldest of ours is served by an endpoint, the next goes
                arguments(list(ten), Set.of("s0", "s1"), true, "s2"),
                // full: all of ours served: none
                arguments(list(ten), Set.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"), true, null),
                // times as ISO-8601 or milliseconds; one without a time is never chosen: b (2026-01-01) before a (01-02)
                arguments(list(mixedTimes), Set.of(), true, "b"));
    }

    @ParameterizedTest
    @MethodSource("rotations")
    void theOldestOfOursThatNoEndpointUsesGoes(JsonNode snapshots, Set<String> entrypoints, boolean full, String deleted) {
        SnapshotRotation.Verdict verdict = SnapshotRotation.decide(snapshots, entrypoints, 10);
        assertThat(verdict.full()).isEqualTo(full);
        assertThat(verdict.delete() == null ? null : verdict.delete().id()).isEqualTo(deleted);
        assertThat(SnapshotRotation.full(snapshots, 10)).isEqualTo(full);
    }

    @Test
    void entrypointsAndNamesAreReadFromListings() {
        assertThat(SnapshotRotation.entrypoints(j("[{\"entrypoint\":\"s1\"},{\"entrypoint\":null},{}]")))
                .containsExactly("s1");
        assertThat(SnapshotRotation.named(list(snap("a", "n1", "1"), snap("b", "n2", "2")), "n2")).get()
                .extracting(SnapshotRotation.Snapshot::id).isEqualTo("b");
        assertThat(SnapshotRotation.named(list(snap("a", "n1", "1")), "n3")).isEmpty();
    }

    // ---- tasks

    static SnapshotExportRun waiting(SnapshotExportRun.Phase phase, boolean rotate) {
        SnapshotExportRun run = SnapshotExportRun.start(new SnapshotExportRequest("p1", "cognigy-ops-r", "", "b", null, null, rotate),
                "r", 0);
        if (phase == SnapshotExportRun.Phase.DELETE_REQUESTED) {
            run = run.rotating(new SnapshotRotation.Snapshot("old", "cognigy-ops-old", "2026-01-01T00:00:00Z"));
        }
        return run.waitingFor(phase, "t1", null);
    }

    static Task task(String status, String failReason) {
        return Task.from(j("{\"_id\":\"t1\",\"status\":\"" + status + "\",\"currentStep\":1,\"totalStep\":2,\"failReason\":"
                + (failReason == null ? "null" : "\"" + failReason + "\"") + "}"));
    }

    static Stream<Arguments> taskOutcomes() {
        return Stream.of(
                arguments(SnapshotExportRun.Phase.DELETE_REQUESTED, "done", SnapshotExportRun.Phase.CREATE_DUE),
                arguments(SnapshotExportRun.Phase.CREATE_REQUESTED, "done", SnapshotExportRun.Phase.SNAPSHOT_CREATED),
                arguments(SnapshotExportRun.Phase.PACKAGE_REQUESTED, "done", SnapshotExportRun.Phase.PACKAGED),
                arguments(SnapshotExportRun.Phase.CREATE_REQUESTED, "queued", SnapshotExportRun.Phase.CREATE_REQUESTED),
                arguments(SnapshotExportRun.Phase.PACKAGE_REQUESTED, "active", SnapshotExportRun.Phase.PACKAGE_REQUESTED),
                arguments(SnapshotExportRun.Phase.PACKAGE_REQUESTED, "cancelling", SnapshotExportRun.Phase.PACKAGE_REQUESTED));
    }

    @ParameterizedTest
    @MethodSource("taskOutcomes")
    void aTaskWaitsOrGoesOn(SnapshotExportRun.Phase phase, String status, SnapshotExportRun.Phase next) {
        SnapshotExportRun after = SnapshotTasks.after(waiting(phase, false), task(status, null), 10);
        assertThat(after.phase()).isEqualTo(next);
        assertThat(after.pollDone()).isEqualTo(next != phase);
    }

    @Test
    void aTaskInErrorFailsTheRunAndTheLimitIsAPrecondition() {
        assertThatThrownBy(() -> SnapshotTasks.after(waiting(SnapshotExportRun.Phase.PACKAGE_REQUESTED, false),
                task("error", "disk full"), 10))
                .isInstanceOfSatisfying(RunFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.JOB_FAILED))
                .hasMessage("task t1 (packaging snapshot cognigy-ops-r) ended in error: disk full");
        assertThatThrownBy(() -> SnapshotTasks.after(waiting(SnapshotExportRun.Phase.CREATE_REQUESTED, false),
                task("error", "Limit of allowed Snapshots"), 10))
                .isInstanceOfSatisfying(RunFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED))
                .hasMessageContaining("already holds the 10 snapshots Cognigy allows").hasMessageContaining("rotate: true");
        assertThatThrownBy(() -> SnapshotTasks.after(waiting(SnapshotExportRun.Phase.DELETE_REQUESTED, true),
                task("cancelled", null), 10))
                .isInstanceOfSatisfying(RunFailure.class, f -> {
                    assertThat(f.code()).isEqualTo(ErrorCode.JOB_CANCELLED);
                    assertThat(f.status()).isEqualTo(RunStatus.CANCELLED);
                })
                .hasMessage("task t1 (deleting snapshot cognigy-ops-old to make room) was cancelled on Cognigy");
    }

    @Test
    void aResumedRunWithAPostDueReadsBackFirst() {
        SnapshotExportRun run = SnapshotExportRun.start(new SnapshotExportRequest("p1", "n", "", "b", null, null, false), "r", 0);
        assertThat(run.phase()).isEqualTo(SnapshotExportRun.Phase.CREATE_DUE);
        assertThat(run.resumed().phase()).isEqualTo(SnapshotExportRun.Phase.CREATE_UNCERTAIN);
        assertThat(run.found("s1", SnapshotExportRun.Phase.PACKAGE_DUE).resumed().phase())
                .isEqualTo(SnapshotExportRun.Phase.PACKAGE_UNCERTAIN);
        SnapshotExportRun waiting = run.waitingFor(SnapshotExportRun.Phase.CREATE_REQUESTED, "t1", null);
        assertThat(waiting.resumed()).isEqualTo(waiting);
        assertThat(Json.MAPPER.convertValue(Json.MAPPER.valueToTree(waiting), SnapshotExportRun.class)).isEqualTo(waiting);
    }
}
