package dev.cognigyops.botdeploy;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cognigyops.botdeploy.EndpointPatch.Served;
import dev.cognigyops.botdeploy.EndpointSwitchRun.Phase;
import dev.cognigyops.runs.ErrorCode;
import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.webhooks.WebhookTargets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * bot-deploy's decisions on profile cognigy-v2: each profile's payload rules, the PATCH body, the snapshot
 * and flow checks, and the run's way from the endpoint's read through the switch to a rollback.
 */
class BotDeployV2DecisionsTest {

    static final WebhookTargets HOOKS = WebhookTargets.of("https://hooks.example.com/");
    static final String VALID = "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\"}";

    static List<String> v2Violations(String payload) throws Exception {
        Violations v = new Violations();
        EndpointSwitchRequest.validate(Json.parse(payload), v, HOOKS);
        return v.list();
    }

    // ---- the payload, both profiles

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\"}|",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"flowReferenceId\":\"f-1\",\"localeId\":\"l-1\",\"webhookUrls\":[\"https://hooks.example.com/a\"]}|",
            "{\"endpointId\":\"e1\",\"snapshotId\":\"s2\"}|payload.projectId: is required",
            "{\"projectId\":\"p1\",\"snapshotId\":\"s2\"}|payload.endpointId: is required",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\"}|payload.snapshotId: is required",
            "{\"projectId\":\"p 1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\"}|payload.projectId: must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"flowReferenceId\":7}|payload.flowReferenceId: must be a string",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"webhookUrls\":\"https://hooks.example.com/a\"}|payload.webhookUrls: must be an array of strings",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"webhookUrls\":[\"\"]}|payload.webhookUrls[0]: must be a non-blank string",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"webhookUrls\":[\"https://hooks.example.com/a\",\"https://hooks.example.com/a\"]}|payload.webhookUrls[1]: names https://hooks.example.com/a a second time",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"color\":\"blue\"}|payload.color: is not a known field (known: endpointId, flowReferenceId, localeId, projectId, snapshotId, webhookUrls)",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"syncRegions\":[\"eu-west-1\"]}|payload.syncRegions: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): seeds regions; a real tenant has no sync jobs",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"primaryEnvironmentId\":\"blue\"}|payload.primaryEnvironmentId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): seeds blue-green environments; a real tenant has none: rollback is the endpoint's previous snapshot",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"secondaryEnvironmentId\":\"green\"}|payload.secondaryEnvironmentId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): seeds blue-green environments; a real tenant has none: rollback is the endpoint's previous snapshot",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"botId\":\"b\"}|payload.botId: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): a seeds bot; on a real tenant the endpoint (endpointId) is what is switched",
            "{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"flowReferences\":[]}|payload.flowReferences: is a field of profile seeds, not of cognigy-v2 (cognigy.api.profile): seeds flow versions; on a real tenant the snapshot holds the flows: name one with flowReferenceId",
    })
    void aCognigyV2PayloadHasOneRuleAtATime(String payload, String violation) throws Exception {
        if (violation == null) {
            assertThat(v2Violations(payload)).isEmpty();
        } else {
            assertThat(v2Violations(payload)).containsExactly(violation);
        }
    }

    @Test
    void aWebhookTheTargetsDoNotAllowIsNamed() throws Exception {
        assertThat(v2Violations("{\"projectId\":\"p1\",\"endpointId\":\"e1\",\"snapshotId\":\"s2\",\"webhookUrls\":[\"https://elsewhere.example.org/x\"]}"))
                .singleElement().asString().startsWith("payload.webhookUrls[0]: ");
    }

    @Test
    void everySeedsFieldIsNamedAtOnce() throws Exception {
        assertThat(v2Violations("{\"botId\":\"b\",\"targetEnvironmentId\":\"t\",\"nluModelId\":\"m\",\"flowReferences\":[],"
                + "\"primaryEnvironmentId\":\"p\",\"secondaryEnvironmentId\":\"s\",\"syncRegions\":[]}"))
                .extracting(s -> s.substring(0, s.indexOf(':'))).containsExactlyInAnyOrder("payload.botId",
                        "payload.targetEnvironmentId", "payload.nluModelId", "payload.flowReferences", "payload.primaryEnvironmentId",
                        "payload.secondaryEnvironmentId", "payload.syncRegions", "payload.projectId", "payload.endpointId",
                        "payload.snapshotId");
    }

    @Test
    void aSeedsInstanceNamesTheFieldsOfCognigyV2() throws Exception {
        JsonNode payload = BotDeployValidationTest.valid().put("endpointId", "e1").put("snapshotId", "s2").put("other", 1);
        List<String> violations = BotDeployValidationTest.violations(payload);
        assertThat(violations).containsExactlyInAnyOrder(
                "payload.endpointId: is a field of profile cognigy-v2 (an endpoint switched to a snapshot); this instance runs "
                        + "profile seeds (cognigy.api.profile), where a bot is deployed to an environment",
                "payload.snapshotId: is a field of profile cognigy-v2 (an endpoint switched to a snapshot); this instance runs "
                        + "profile seeds (cognigy.api.profile), where a bot is deployed to an environment",
                "payload.other: is not a known field (known: botId, flowReferences, nluModelId, primaryEnvironmentId, "
                        + "secondaryEnvironmentId, syncRegions, targetEnvironmentId, webhookUrls)");
        assertThat(BotDeployValidationTest.violations(BotDeployValidationTest.valid())).isEmpty();
    }

    @Test
    void thePayloadWithoutFlowOrLocaleKeepsThoseTheEndpointServes() throws Exception {
        EndpointSwitchRequest r = EndpointSwitchRequest.from(Json.parse(VALID));
        assertThat(r).isEqualTo(new EndpointSwitchRequest("p1", "e1", "s2", null, null, List.of()));
        EndpointSwitchRun run = EndpointSwitchRun.start(r, 0).endpointRead(new Served("s1", "f-main", "l-en"));
        assertThat(run.previous()).isEqualTo(new Served("s1", "f-main", "l-en"));
        assertThat(run.target()).isEqualTo(new Served("s2", "f-main", "l-en"));
    }

    // ---- the PATCH body and what an endpoint serves

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"entrypoint\":\"s1\",\"flowId\":\"f\",\"localeId\":\"l\",\"name\":\"Webchat\"}|s1|f|l",
            "{\"entrypoint\":\"s1\",\"flowId\":\"f\"}|s1|f|",
            "{\"entrypoint\":\"s1\",\"flowId\":\"f\",\"localeId\":null}|s1|f|",
            "{\"entrypoint\":\"\",\"flowId\":7}|||",
            "{}|||"})
    void whatAnEndpointServes(String endpoint, String entrypoint, String flow, String locale) throws Exception {
        assertThat(EndpointPatch.served(Json.parse(endpoint))).isEqualTo(new Served(entrypoint, flow, locale));
    }

    @Test
    void theBodyNamesAllThreeFieldsAndALocaleTheEndpointDidNotHaveAsNull() {
        assertThat(Json.write(EndpointPatch.body(new Served("s2", "f", "l")))).isEqualTo("{\"entrypoint\":\"s2\",\"flowId\":\"f\",\"localeId\":\"l\"}");
        assertThat(Json.write(EndpointPatch.body(new Served("s1", "f", null)))).isEqualTo("{\"entrypoint\":\"s1\",\"flowId\":\"f\",\"localeId\":null}");
    }

    @ParameterizedTest
    @CsvSource({"s2, f, l, true", "s1, f, l, false", "s2, g, l, false", "s2, f, m, false", "s2, f, , false"})
    void anEndpointShowsTheTargetWhenAllThreeAgree(String entrypoint, String flow, String locale, boolean shows) {
        assertThat(EndpointPatch.shows(new Served(entrypoint, flow, locale), new Served("s2", "f", "l"))).isEqualTo(shows);
        assertThat(EndpointPatch.shows(null, new Served("s2", "f", "l"))).isFalse();
    }

    // ---- the snapshot and its flows

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{\"_id\":\"s1\"},{\"_id\":\"s2\"}]|s2|true",
            "[{\"_id\":\"s1\"}]|s2|false",
            "[]|s2|false",
            "[{\"name\":\"s2\"}]|s2|false"})
    void theSnapshotMustBeAmongTheProjects(String listing, String snapshotId, boolean listed) throws Exception {
        assertThat(SnapshotContents.listsSnapshot(Json.parse(listing), snapshotId)).isEqualTo(listed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[{\"_id\":\"x1\",\"referenceId\":\"f-main\"},{\"_id\":\"x2\",\"referenceId\":\"f-faq\"}]|f-faq|true",
            "[{\"_id\":\"f-main\",\"referenceId\":\"r-1\"}]|f-main|false",
            "[]|f-main|false",
            "[{\"_id\":\"x1\",\"referenceId\":\"f-main\"}]||false"})
    void theFlowMustBeAmongTheSnapshotsByReferenceId(String listing, String flow, boolean held) throws Exception {
        assertThat(SnapshotContents.holdsFlow(Json.parse(listing), flow)).isEqualTo(held);
    }

    // ---- the run

    static EndpointSwitchRun read(String flowReferenceId) {
        return EndpointSwitchRun.start(new EndpointSwitchRequest("p1", "e1", "s2", flowReferenceId, null, List.of()), 0)
                .endpointRead(new Served("s1", "f-main", "l-en"));
    }

    static EndpointSwitchRun patchSent() {
        return read("f-faq").at(Phase.FLOW_CHECKED).checked().switchSending();
    }

    @Test
    void anEndpointWithoutEntrypointOrFlowCannotBeSwitched() {
        EndpointSwitchRun start = EndpointSwitchRun.start(new EndpointSwitchRequest("p1", "e1", "s2", null, null, List.of()), 0);
        assertThatThrownBy(() -> start.endpointRead(new Served(null, "f", "l"))).isInstanceOf(RunFailure.class)
                .hasMessageContaining("without an entrypoint");
        assertThatThrownBy(() -> start.endpointRead(new Served("s1", null, "l"))).isInstanceOf(RunFailure.class)
                .hasMessage("endpoint e1 serves no flow now: name the flow it is to serve with payload.flowReferenceId; nothing was patched")
                .extracting(e -> ((RunFailure) e).code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
    }

    @Test
    void anEndpointThatAlreadyServesTheTargetIsNotPatched() {
        EndpointSwitchRun run = EndpointSwitchRun.start(new EndpointSwitchRequest("p1", "e1", "s1", null, null, List.of()), 0)
                .endpointRead(new Served("s1", "f-main", "l-en"));
        assertThat(run.checked().phase()).isEqualTo(Phase.VERIFIED);
        assertThat(read(null).checked().phase()).isEqualTo(Phase.WEBHOOKS_CHECKED);
    }

    @ParameterizedTest
    @CsvSource({
            // phase at the failure, rolled back?
            "STARTED, false", "ENDPOINT_READ, false", "FLOW_CHECKED, false", "WEBHOOKS_CHECKED, false",
            "SWITCH_UNCERTAIN, true", "SWITCHED, true", "VERIFIED, true"})
    void aFailureIsRolledBackOnlyWhenAPatchMayHaveApplied(Phase at, boolean rolledBack) {
        EndpointSwitchRun failed = read(null).at(at).failed(ErrorCode.UPSTREAM_ERROR, "boom");
        assertThat(failed.phase()).isEqualTo(rolledBack ? Phase.ROLLBACK_DUE : Phase.FAILED);
        assertThat(failed.rollbackTriggered()).isEqualTo(rolledBack);
        assertThat(failed.failureMessage()).isEqualTo("boom");
    }

    @Test
    void aReadBackThatDoesNotShowTheTargetRollsBackToExactlyThePrevious() {
        EndpointSwitchRun run = patchSent().switched();
        EndpointSwitchRun ok = run.verified(new Served("s2", "f-faq", "l-en"));
        assertThat(ok.phase()).isEqualTo(Phase.VERIFIED);
        assertThat(ok.rollbackTriggered()).isFalse();

        EndpointSwitchRun wrong = run.verified(new Served("s1", "f-main", "l-en"));
        assertThat(wrong.phase()).isEqualTo(Phase.ROLLBACK_DUE);
        assertThat(wrong.rollbackTriggered()).isTrue();
        assertThat(wrong.failureMessage()).isEqualTo("endpoint e1 was patched to serve entrypoint s2, flow f-faq, locale l-en, "
                + "but it was read back serving entrypoint s1, flow f-main, locale l-en");
        assertThat(Json.write(EndpointPatch.body(wrong.previous()))).isEqualTo("{\"entrypoint\":\"s1\",\"flowId\":\"f-main\",\"localeId\":\"l-en\"}");
        assertThat(wrong.rollbackSending().rolledBack().current()).isEqualTo(new Served("s1", "f-main", "l-en"));
    }

    @Test
    void anUncertainSwitchIsReadBackThenGoneOnWithOrSentAgainWithinItsBound() {
        EndpointSwitchRun uncertain = patchSent().at(Phase.SWITCH_UNCERTAIN);
        assertThat(uncertain.switchReadBack(new Served("s2", "f-faq", "l-en"), 3).phase()).as("applied").isEqualTo(Phase.VERIFIED);
        EndpointSwitchRun again = uncertain.switchReadBack(new Served("s1", "f-main", "l-en"), 3);
        assertThat(again.phase()).as("not applied: PATCH again").isEqualTo(Phase.WEBHOOKS_CHECKED);
        EndpointSwitchRun third = again.switchSending().switchSending().at(Phase.SWITCH_UNCERTAIN);
        assertThatThrownBy(() -> third.switchReadBack(new Served("s1", "f-main", "l-en"), 3)).isInstanceOf(RunFailure.class)
                .hasMessage("endpoint e1: 3 PATCH(es) to serve entrypoint s2, flow f-faq, locale l-en failed with their effect unknown, "
                        + "and it still serves entrypoint s1, flow f-main, locale l-en");
    }

    @Test
    void anUncertainRollbackIsReadBackThenSettledOrGivenUp() {
        EndpointSwitchRun due = patchSent().switched().failed(ErrorCode.TIMEOUT, "read-back timed out").rollbackSending()
                .at(Phase.ROLLBACK_UNCERTAIN);
        assertThat(due.rollbackReadBack(new Served("s1", "f-main", "l-en"), 2).phase()).isEqualTo(Phase.ROLLED_BACK);
        assertThat(due.rollbackReadBack(new Served("s2", "f-faq", "l-en"), 2).phase()).isEqualTo(Phase.ROLLBACK_DUE);
        EndpointSwitchRun gaveUp = due.rollbackSending().rollbackReadBack(new Served("s2", "f-faq", "l-en"), 2);
        assertThat(gaveUp.phase()).isEqualTo(Phase.ROLLBACK_FAILED);
        assertThat(gaveUp.rollbackError()).startsWith("2 rollback PATCH(es) failed with their effect unknown");
    }

    @ParameterizedTest
    @CsvSource({
            // saved phase, switch PATCHes sent, rollback PATCHes sent, phase gone on from
            "WEBHOOKS_CHECKED, 0, 0, WEBHOOKS_CHECKED",
            "WEBHOOKS_CHECKED, 1, 0, SWITCH_UNCERTAIN",
            "SWITCHED, 1, 0, SWITCHED",
            "ROLLBACK_DUE, 1, 0, ROLLBACK_DUE",
            "ROLLBACK_DUE, 1, 1, ROLLBACK_UNCERTAIN",
            "FLOW_CHECKED, 0, 0, FLOW_CHECKED"})
    void aResumedRunReadsBackBeforeItSendsAPatchItMayHaveSent(Phase saved, int switches, int rollbacks, Phase resumed) throws Exception {
        EndpointSwitchRun run = read(null);
        for (int i = 0; i < switches; i++) {
            run = run.switchSending();
        }
        for (int i = 0; i < rollbacks; i++) {
            run = run.rollbackSending();
        }
        run = run.at(saved);
        EndpointSwitchRun restored = Json.MAPPER.readValue(Json.write(run), EndpointSwitchRun.class);
        assertThat(restored).isEqualTo(run);
        assertThat(restored.resumed().phase()).isEqualTo(resumed);
    }
}
