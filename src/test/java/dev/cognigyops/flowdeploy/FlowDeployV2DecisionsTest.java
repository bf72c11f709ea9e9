package dev.cognigyops.flowdeploy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.RunStatus;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * flow-deploy's decisions on profile cognigy-v2: each profile's payload rules, which chart nodes name another
 * flow, the selection and the missing dependencies, which task a POST whose effect is unknown started, what a
 * resumed run reads back, the manifest's outcome, and which target snapshot makes room for the rollback snapshot.
 */
class FlowDeployV2DecisionsTest {

    static final String SRC = "65a1000000000000000000a1";
    static final String TGT = "65a1000000000000000000b2";

    static List<String> violations(String payload) throws Exception {
        Violations v = new Violations();
        FlowPromotionRequest.validate(Json.parse(payload), v);
        return v.list();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{'sourceProjectId':'a','targetProjectId':'b'}|",
            "{'sourceProjectId':'a','targetProjectId':'b','flowIds':['f1','f2'],'dryRun':true}|",
            "{'targetProjectId':'b'}|payload.sourceProjectId: is required",
            "{'sourceProjectId':'a','targetProjectId':'a'}|payload.targetProjectId: must differ from sourceProjectId (a project's flows are already in it)",
            "{'sourceProjectId':'a','targetProjectId':'b','flowIds':'f1'}|payload.flowIds: must be an array of flow _ids of the source project",
            "{'sourceProjectId':'a','targetProjectId':'b','flowIds':['f1','f1']}|payload.flowIds[1]: repeats f1",
            "{'sourceProjectId':'a','targetProjectId':'b','flowIds':[3]}|payload.flowIds[0]: must be a string",
            "{'sourceProjectId':'a','targetProjectId':'b','dryRun':'yes'}|payload.dryRun: must be true or false",
            "{'sourceProjectId':'a','targetProjectId':'b','targetEnvironmentId':'prod'}|payload.targetEnvironmentId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds environment; on a real tenant flows go from sourceProjectId to targetProjectId",
            "{'sourceProjectId':'a','targetProjectId':'b','x':1}|payload.x: is not a known field (known: dryRun, flowIds, sourceProjectId, targetProjectId)",
            "{'sourceProjectId':'a b','targetProjectId':'b'}|payload.sourceProjectId: must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit"})
    void thePayloadOnCognigyV2(String payload, String violation) throws Exception {
        List<String> found = violations(payload.replace('\'', '"'));
        if (violation == null) {
            assertThat(found).isEmpty();
        } else {
            assertThat(found).containsExactly(violation);
        }
    }

    @Test
    void aSeedsInstanceNamesTheFieldsOfCognigyV2() throws Exception {
        Properties p = new Properties();
        p.setProperty("cognigy.s3.bucket", "b");
        FlowDeploy seeds = new FlowDeploy(dev.cognigyops.testsupport.AppSettings.with(p), new FlowSchema(), null, null, null, null);
        Violations v = new Violations();
        seeds.validate(Json.parse("{\"targetEnvironmentId\":\"prod\",\"sourceProjectId\":\"a\",\"targetProjectId\":\"b\",\"y\":1}"), v);
        assertThat(v.list()).containsExactlyInAnyOrder(
                "payload.sourceProjectId: is a field of profile cognigy-v2 (flows promoted between projects); this instance runs profile seeds (cognigy.api.profile)",
                "payload.targetProjectId: is a field of profile cognigy-v2 (flows promoted between projects); this instance runs profile seeds (cognigy.api.profile)",
                "payload.y: is not a known field (known: dryRun, flowIds, targetEnvironmentId)");
        assertThat(seeds.onCognigyV2()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{'type':'executeFlow','config':{'flowNode':{'flow':'r2','node':'n'}}}]|r2",
            "[{'type':'goTo','config':{'flowNode':{'flow':'r3'}}},{'type':'executeFlow','config':{'flowNode':{'flow':'r2'}}}]|r2 r3",
            "[{'type':'goTo','config':{'flowNode':{'flow':'r2'}}},{'type':'goTo','config':{'flowNode':{'flow':'r2'}}}]|r2",
            "[{'type':'goTo','config':{'flowNode':{'flow':'self'}}}]|",
            "[{'type':'say','config':{'flowNode':{'flow':'r2'}}}]|",
            "[{'type':'executeFlow','config':{}}]|",
            "[{'type':'executeFlow','config':{'flowNode':{'flow':''}}}]|",
            "[]|"})
    void whichChartNodesNameAnotherFlow(String nodes, String references) throws Exception {
        JsonNode chart = Json.parse("{\"_id\":\"c\",\"nodes\":" + nodes.replace('\'', '"') + ",\"relations\":[]}");
        assertThat(ChartReferences.of(chart, "self"))
                .containsExactlyElementsOf(references == null ? List.of() : List.of(references.split(" ")));
    }

    @Test
    void aChartWithoutNodesNamesNoFlow() throws Exception {
        assertThat(ChartReferences.of(Json.parse("{\"_id\":\"c\"}"), "r1")).isEmpty();
        assertThat(ChartReferences.of(null, "r1")).isEmpty();
    }

    static final List<PromotionPlan.SourceFlow> LISTED = List.of(new PromotionPlan.SourceFlow("fA", "rA", "Booking"),
            new PromotionPlan.SourceFlow("fB", "rB", "Payment"), new PromotionPlan.SourceFlow("fC", "rC", "Help"));

    @Test
    void theSelectionIsEveryFlowOrThoseNamedInTheirOrder() {
        assertThat(PromotionPlan.select(LISTED, null, SRC)).isEqualTo(LISTED);
        assertThat(PromotionPlan.select(LISTED, List.of("fC", "fA"), SRC)).extracting(PromotionPlan.SourceFlow::id)
                .containsExactly("fC", "fA");
        assertThatThrownBy(() -> PromotionPlan.select(LISTED, List.of("fA", "fX", "fY"), SRC))
                .isInstanceOfSatisfying(RunFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessage("flowIds not among the 3 flows of source project " + SRC + ": fX, fY; nothing was changed");
        assertThatThrownBy(() -> PromotionPlan.select(List.of(), null, SRC)).hasMessage("source project " + SRC
                + " has no flows; nothing to deploy");
        assertThatThrownBy(() -> PromotionPlan.select(List.of(new PromotionPlan.SourceFlow("fZ", null, "Z")), null, SRC))
                .hasMessage("flows of source project " + SRC + " listed without a referenceId: fZ; nothing was changed");
    }

    static FlowPromotionRun.PromotedFlow flow(String id, String ref, String name, String... refs) {
        return new FlowPromotionRun.PromotedFlow(id, ref, name, "h", List.of(refs), null, FlowPromotionRun.FlowState.PLANNED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // selected flows (id:ref:references…) | the target's referenceIds | missing (count)
            "fA:rA:rB fB:rB|           |0",
            "fA:rA:rB|rB               |0",
            "fA:rA:rB|                 |1",
            "fA:rA:rB:rC fC:rC|        |1",
            "fA:rA:rB:rX|rX            |1",
            "fA:rA:rA|                 |0"})
    void aReferencedFlowMustBeSelectedOrInTheTarget(String selected, String target, int missing) {
        List<FlowPromotionRun.PromotedFlow> flows = new java.util.ArrayList<>();
        for (String f : selected.trim().split(" ")) {
            String[] parts = f.split(":");
            String[] refs = java.util.Arrays.copyOfRange(parts, 2, parts.length);
            flows.add(flow(parts[0], parts[1], parts[0], refs));
        }
        Set<String> inTarget = target == null ? Set.of() : Set.of(target.trim().split(" "));
        assertThat(PromotionPlan.missing(flows, inTarget, LISTED, TGT)).hasSize(missing);
    }

    @Test
    void aMissingDependencyIsNamedWithWhereItWouldComeFrom() {
        assertThat(PromotionPlan.missing(List.of(flow("fA", "rA", "Booking", "rB", "rX")), Set.of(), LISTED, TGT)).containsExactly(
                "flow Booking (fA) executes or jumps to rB (Payment, fB, not selected), which is not in target project " + TGT,
                "flow Booking (fA) executes or jumps to rX (not a flow of the source project), which is not in target project " + TGT);
    }

    static final Instant POSTED = Instant.parse("2026-12-01T10:00:00Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // tasks | expected name | data key | data value | found
            "[{'_id':'t1','name':'createPackage','createdAt':1796119200}]|createPackage|||t1",
            "[{'_id':'t1','name':'createPackage','createdAt':1796119140}]|createPackage|||t1",
            "[{'_id':'t1','name':'createPackage','createdAt':1796119139}]|createPackage|||",
            "[{'_id':'t1','name':'createPackage','createdAt':1796119200000}]|createPackage|||t1",
            "[{'_id':'t1','name':'createPackage','createdAt':'2026-12-01T10:00:05Z'}]|createPackage|||t1",
            "[{'_id':'t1','name':'createPackage','createdAt':'yesterday'}]|createPackage|||",
            "[{'_id':'t1','name':'createSnapshot','createdAt':1796119200}]|createPackage|||",
            "[{'_id':'t1','name':'uploadPackage','createdAt':1796119201},{'_id':'t2','name':'uploadPackage','createdAt':1796119205}]|uploadPackage|||t2",
            "[{'_id':'t1','name':'mergePackage','data':{'packageId':'p9'}},{'_id':'t2','name':'mergePackage','data':{'packageId':'p1'}}]|mergePackage|packageId|p1|t2",
            "[{'_id':'t1','name':'mergePackage','data':{'packageId':'p9'},'createdAt':1796119300}]|mergePackage|packageId|p1|",
            "[{'_id':'t1','name':'restoreSnapshot','data':{'snapshotId':'s1'},'createdAt':1}]|restoreSnapshot|snapshotId|s1|t1",
            "{}|createPackage|||"})
    void aPostWhoseEffectIsUnknownIsFoundAmongTheProjectsTasks(String tasks, String name, String key, String value, String found)
            throws Exception {
        Optional<String> id = TaskReadBack.find(Json.parse(tasks.replace('\'', '"')), new TaskReadBack.Expected(name, key, value), POSTED);
        assertThat(id.orElse(null)).isEqualTo(found);
    }

    static FlowPromotionRun run(FlowPromotionRun.Phase phase) {
        return FlowPromotionRun.started("r1", new FlowPromotionRequest(SRC, TGT, null, false), "b", "m.json", "p.zip")
                .next().phase(phase).build();
    }

    @ParameterizedTest
    @CsvSource({
            "SNAPSHOT_POSTING, true", "PACKAGE_POSTING, true", "UPLOAD_POSTING, true", "MERGE_POSTING, true",
            "RESTORE_POSTING, true", "SNAPSHOT_TASK, false", "MANIFEST_STORED, false", "RESTORE_DUE, false", "MERGED, false",
            // a DELETE is sent again, not read back: a 404 says the snapshot is gone
            "ROTATION_DELETE_DUE, false", "ROTATION_DELETE_TASK, false"})
    void aRunResumedWithAPostUnderWayReadsBackFirst(FlowPromotionRun.Phase phase, boolean readBack) {
        assertThat(run(phase).resumed().uncertain()).isEqualTo(readBack);
    }

    @ParameterizedTest
    @CsvSource({
            "SNAPSHOT_POSTING, createSnapshot, " + TGT, "PACKAGE_POSTING, createPackage, " + SRC,
            "UPLOAD_POSTING, uploadPackage, " + TGT, "MERGE_POSTING, mergePackage, " + TGT, "RESTORE_POSTING, restoreSnapshot, " + TGT})
    void eachPostIsReadBackInTheProjectItWentTo(FlowPromotionRun.Phase phase, String task, String project) {
        FlowPromotionRun run = run(phase);
        assertThat(FlowDeployV2.expected(run).taskName()).isEqualTo(task);
        assertThat(run.pathValues().get("taskProjectId")).isEqualTo(project);
    }

    @ParameterizedTest
    @CsvSource({"SNAPSHOT_TASK, false", "MERGE_TASK, false", "RESTORE_TASK, false", "ROTATION_DELETE_TASK, false",
            "SNAPSHOT_TAKEN, true", "MERGED, true", "SNAPSHOT_ROOM, true"})
    void aTaskIsWaitedForOnlyInItsPhase(FlowPromotionRun.Phase phase, boolean done) {
        assertThat(run(phase).pollDone()).isEqualTo(done);
    }

    /** Ten snapshots: {@code ours} named cognigy-ops-* (created in this order, oldest first), the rest releases older than all. */
    static JsonNode snapshots(int total, String... ours) throws Exception {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < total; i++) {
            boolean mine = i < ours.length;
            items.append(i == 0 ? "" : ",").append("{\"_id\":\"").append(mine ? ours[i] : "rel" + i).append("\",\"name\":\"")
                    .append(mine ? "cognigy-ops-" + ours[i] : "release-" + i).append("\",\"createdAt\":")
                    .append(mine ? 1_700_000_000L + i : 1_600_000_000L + i).append("}");
        }
        return Json.parse("[" + items + "]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // snapshots held | ours, oldest first | endpoints' entrypoints | full | deleted
            "9  | before-old,nlu           |                      | false | ",
            "10 | before-old,nlu           |                      | true  | before-old",
            "10 | before-old,nlu           | before-old           | true  | nlu",
            "10 | before-old,nlu           | before-old,nlu       | true  | ",
            // the run's own rollback snapshot (cognigy-ops-before-r1) is never the one that goes, even when oldest
            "10 | before-r1,before-old     |                      | true  | before-old",
            "10 | before-r1                |                      | true  | ",
            "12 | before-old               |                      | true  | before-old",
            "10 |                          |                      | true  | "})
    void aFullTargetLosesItsOldestSnapshotOfOursNoEndpointUsesNeverTheRunsOwn(int held, String ours, String entrypoints,
                                                                                boolean full, String deleted) throws Exception {
        JsonNode listing = snapshots(held, ours == null ? new String[0] : ours.split(","));
        Set<String> used = entrypoints == null ? Set.of() : Set.of(entrypoints.split(","));
        String own = run(FlowPromotionRun.Phase.MANIFEST_STORED).snapshotName();
        assertThat(own).isEqualTo("cognigy-ops-before-r1");

        dev.cognigyops.nluexport.SnapshotRotation.Verdict verdict = dev.cognigyops.nluexport.SnapshotRotation.decide(
                listing, used, 10, own);

        assertThat(verdict.full()).isEqualTo(full);
        assertThat(verdict.held()).isEqualTo(held);
        assertThat(verdict.delete() == null ? null : verdict.delete().id()).isEqualTo(deleted);
    }

    @Test
    void theSnapshotToDeleteIsInThePathOfTheDelete() {
        FlowPromotionRun.Next n = run(FlowPromotionRun.Phase.ROTATION_DELETE_DUE).next();
        n.rotated = new dev.cognigyops.nluexport.SnapshotRotation.Snapshot("s-old", "cognigy-ops-before-x", "2023-11-14T22:13:20Z");
        assertThat(n.build().pathValues()).containsEntry("rotatedSnapshotId", "s-old").containsEntry("taskProjectId", TGT);
        assertThat(run(FlowPromotionRun.Phase.MANIFEST_STORED).pathValues()).doesNotContainKey("rotatedSnapshotId");
    }

    @ParameterizedTest
    @CsvSource({
            "MANIFEST_STORED, false, false, , PLANNED",
            "VERIFIED, false, false, , DEPLOYED",
            "MANIFEST_STORED, true, false, , DRY_RUN",
            "RESTORED, false, true, , ROLLED_BACK",
            "RESTORE_FAILED, false, true, lost, ROLLBACK_FAILED",
            "NOT_DEPLOYED, false, true, , FAILED",
            "RESTORE_DUE, false, true, , FAILED"})
    void theManifestSaysHowTheRunEnded(FlowPromotionRun.Phase phase, boolean dryRun, boolean failed, String restoreError,
                                       PromotionManifest.Outcome outcome) {
        FlowPromotionRun.Next n = FlowPromotionRun.started("r1", new FlowPromotionRequest(SRC, TGT, null, dryRun), "b", "m", "p")
                .next().phase(phase);
        n.failure = failed ? new FlowPromotionRun.Failure(ErrorCode.JOB_FAILED, RunStatus.FAILED, "merge failed") : null;
        n.restoreError = restoreError;
        assertThat(PromotionManifest.outcome(n.build())).isEqualTo(outcome);
    }
}
