package dev.cognigyops.botdeploy;

import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.runs.Violations;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppSettings;
import dev.cognigyops.testsupport.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** bot-deploy's payload rules (docs/contract.md#operations), one rule at a time, then all at once. */
class BotDeployValidationTest {

    static final BotDeploy DEPLOY = deploy();

    static BotDeploy deploy() {
        return deploy(new Properties());
    }

    static BotDeploy deploy(Properties settings) {
        return new BotDeploy(AppSettings.with(settings), null, null, null);
    }

    static List<String> violations(JsonNode payload) {
        Violations v = new Violations();
        DEPLOY.validate(payload, v);
        return v.list();
    }

    static ObjectNode valid() {
        try {
            return Fixtures.object("botdeploy/payload-valid.json");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid payload with {@code field} set to {@code json}, or removed when json is null. */
    static ObjectNode with(String field, String json) {
        ObjectNode p = valid();
        if (json == null) {
            p.remove(field);
        } else {
            try {
                p.set(field, Json.parse(json));
            } catch (Exception e) {
                throw new IllegalArgumentException(json, e);
            }
        }
        return p;
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                arguments("minimal", valid()),
                arguments("target is the primary", with("targetEnvironmentId", "\"blue\"")),
                arguments("https webhooks on public hosts", with("webhookUrls", "[\"https://hooks.example.com/a?x=1\",\"https://8.8.8.8/b\"]")),
                arguments("empty webhooks and regions", with("webhookUrls", "[]")),
                arguments("sync regions", with("syncRegions", "[\"eu-west-1\",\"us-east-1\"]")),
                arguments("UUID ids", with("botId", "\"3f6c1a52-8d4e-4c1b-9a57-2f0e6b9d4c11\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepts(String name, JsonNode payload) {
        assertThat(violations(payload)).isEmpty();
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("botId missing", with("botId", null), "payload.botId: is required"),
                arguments("nluModelId blank", with("nluModelId", "\" \""), "payload.nluModelId: must not be blank"),
                arguments("botId with a slash", with("botId", "\"a/b\""), "payload.botId: must be 1–128 letters"),
                arguments("target neither", with("targetEnvironmentId", "\"red\""),
                        "payload.targetEnvironmentId: must be the primaryEnvironmentId (blue) or the secondaryEnvironmentId (green)"),
                arguments("primary equals secondary", with("primaryEnvironmentId", "\"green\""),
                        "payload.secondaryEnvironmentId: must differ from primaryEnvironmentId"),
                arguments("secondary missing", with("secondaryEnvironmentId", null), "payload.secondaryEnvironmentId: is required"),
                arguments("flowReferences missing", with("flowReferences", null), "payload.flowReferences: is required"),
                arguments("flowReferences empty", with("flowReferences", "[]"), "payload.flowReferences: must name at least one"),
                arguments("flowReferences not an array", with("flowReferences", "{}"), "payload.flowReferences: must be an array"),
                arguments("flow reference not an object", with("flowReferences", "[\"order\"]"), "payload.flowReferences[0]: must be an object"),
                arguments("flow version missing", with("flowReferences", "[{\"flowId\":\"order\"}]"), "payload.flowReferences[0].version: is required"),
                arguments("flow reference unknown field", with("flowReferences", "[{\"flowId\":\"o\",\"version\":\"1\",\"tag\":\"x\"}]"),
                        "payload.flowReferences[0].tag: is not a known field"),
                arguments("flow twice", with("flowReferences", "[{\"flowId\":\"o\",\"version\":\"1\"},{\"flowId\":\"o\",\"version\":\"2\"}]"),
                        "payload.flowReferences[1].flowId: names flow o a second time"),
                arguments("relative webhook", with("webhookUrls", "[\"/hooks/a\"]"), "payload.webhookUrls[0]: must be an absolute http(s) URL"),
                arguments("ftp webhook", with("webhookUrls", "[\"https://ok.example.com\",\"ftp://x.example.com/a\"]"),
                        "payload.webhookUrls[1]: must be an absolute http(s) URL"),
                arguments("webhook not text", with("webhookUrls", "[42]"), "payload.webhookUrls[0]: must be a non-blank string"),
                arguments("loopback webhook", with("webhookUrls", "[\"https://ok.example.com\",\"https://127.0.0.1:8080/admin\"]"),
                        "payload.webhookUrls[1]: must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): "
                                + "127.0.0.1 is a loopback address"),
                arguments("private http webhook", with("webhookUrls", "[\"http://10.0.0.5:8080/b\"]"),
                        "payload.webhookUrls[0]: must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): http is not allowed"),
                arguments("localhost webhook", with("webhookUrls", "[\"https://localhost:22/\"]"),
                        "payload.webhookUrls[0]: must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): localhost is a loopback name"),
                arguments("webhooks not an array", with("webhookUrls", "\"https://a.example.com\""), "payload.webhookUrls: must be an array"),
                arguments("bad region", with("syncRegions", "[\"EU West\"]"), "payload.syncRegions[0]: must be a region name"),
                arguments("region twice", with("syncRegions", "[\"eu-west-1\",\"us-east-1\",\"eu-west-1\"]"),
                        "payload.syncRegions[2]: names region eu-west-1 a second time"),
                arguments("unknown field", with("environment", "\"prod\""), "payload.environment: is not a known field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void namesTheViolation(String name, JsonNode payload, String expected) {
        assertThat(violations(payload)).anySatisfy(v -> assertThat(v).startsWith(expected));
    }

    @Test
    void theAllowListDecidesWhereDependencyWebhooksMayPoint() {
        Properties p = new Properties();
        p.setProperty("cognigy.webhook.allowed-urls", "http://10.0.0.5:8080/hooks");
        BotDeploy listed = deploy(p);
        Violations v = new Violations();
        listed.validate(with("webhookUrls", "[\"http://10.0.0.5:8080/hooks/a\",\"https://hooks.example.com/a\","
                + "\"http://10.0.0.5:8080/admin\"]"), v);
        assertThat(v.list()).containsExactly(
                "payload.webhookUrls[1]: must start with one of the URL prefixes in cognigy.webhook.allowed-urls",
                "payload.webhookUrls[2]: must start with one of the URL prefixes in cognigy.webhook.allowed-urls");
    }

    @Test
    void regionsFromTheSettingAreEachSyncedOnce() {
        Properties p = new Properties();
        p.setProperty("cognigy.deploy.sync-regions", "eu-west-1, us-east-1,eu-west-1,,");
        assertThat(deploy(p).regions(valid())).containsExactly("eu-west-1", "us-east-1");
        assertThat(deploy(p).regions(with("syncRegions", "[\"ap-southeast-2\"]"))).containsExactly("ap-southeast-2");
        assertThat(deploy(p).regions(with("syncRegions", "[]"))).as("an explicit [] syncs nowhere").isEmpty();
    }

    @Test
    void namesEveryViolationAtOnce() throws Exception {
        List<String> all = violations(Fixtures.object("botdeploy/payload-seven-violations.json"));
        assertThat(all).hasSize(7).anySatisfy(v -> assertThat(v).startsWith("payload.x:"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.botId:"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.nluModelId:"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.targetEnvironmentId:"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.flowReferences[0].flowId:"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.flowReferences[0].version:"))
                .anySatisfy(v -> assertThat(v).startsWith("payload.webhookUrls[0]:"));
    }
}
