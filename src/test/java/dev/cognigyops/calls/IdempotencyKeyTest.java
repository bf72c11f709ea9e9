package dev.cognigyops.calls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cognigyops.support.Json;

class IdempotencyKeyTest {

    static OutboundCall call(String method, String path, String body, String action) throws Exception {
        return OutboundCall.cognigy(method, path, body == null ? null : Json.parse(body), action, "deployment:d-1");
    }

    @Test
    void aChangingCallIsKeyedByRunStepPathAndBody() throws Exception {
        String key = IdempotencyKey.of("deploy-42", call("POST", "/v1/bots/b-1/deployments", "{\"version\":\"2\"}",
                "DEPLOYMENT_CREATED"));

        assertThat(key).matches("deploy-42:DEPLOYMENT_CREATED@/v1/bots/b-1/deployments#[0-9a-f]{12}");
    }

    @Test
    void theKeyIsTheSameForTheSameCallWhateverTheOrderOfTheBodysFields() throws Exception {
        assertThat(IdempotencyKey.of("r", call("POST", "/v1/sync", "{\"a\":1,\"targetRegion\":\"eu\"}", "SYNC_JOB_STARTED")))
                .isEqualTo(IdempotencyKey.of("r", call("POST", "/v1/sync", "{\"targetRegion\":\"eu\",\"a\":1.0}", "SYNC_JOB_STARTED")));
    }

    @Test
    void twoCallsOfOneRunToOnePathWithDifferentBodiesHaveDifferentKeys() throws Exception {
        assertThat(IdempotencyKey.of("r", call("POST", "/v1/sync", "{\"targetRegion\":\"eu-west-1\"}", "SYNC_JOB_STARTED")))
                .isNotEqualTo(IdempotencyKey.of("r", call("POST", "/v1/sync", "{\"targetRegion\":\"us-east-1\"}", "SYNC_JOB_STARTED")));
    }

    @Test
    void aCallWithoutBodyOrActionIsKeyedByItsMethodAndPath() throws Exception {
        assertThat(IdempotencyKey.of("m-7", call("DELETE", "/v1/training/jobs/j-1", null, null)))
                .isEqualTo("m-7:DELETE@/v1/training/jobs/j-1");
        assertThat(IdempotencyKey.of("m-7", call("delete", "/v1/training/jobs/j-1", null, "")))
                .isEqualTo("m-7:DELETE@/v1/training/jobs/j-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS"})
    void aReadCarriesNoKey(String method) throws Exception {
        assertThat(IdempotencyKey.of("r", call(method, "/v1/deployments/d-1", null, "DEPLOYMENT_STATUS"))).isNull();
    }

    @Test
    void aCallOutsideARunCarriesNoKey() throws Exception {
        assertThat(IdempotencyKey.of(null, call("POST", "/v1/x", "{}", "X"))).isNull();
    }

    @Test
    void aWebhookIsKeyedByItsRunAndActionWhateverItsBodySays() throws Exception {
        OutboundCall first = OutboundCall.webhook("https://hooks.example/x", Json.parse("{\"timestamp\":\"10:00\"}"), "WEBHOOK_SENT", "r");
        OutboundCall again = OutboundCall.webhook("https://hooks.example/x", Json.parse("{\"timestamp\":\"10:05\"}"), "WEBHOOK_SENT", "r");

        assertThat(IdempotencyKey.ofWebhook("export-9", first)).isEqualTo("export-9:WEBHOOK_SENT")
                .isEqualTo(IdempotencyKey.ofWebhook("export-9", again));
        assertThat(IdempotencyKey.ofWebhook(null, first)).isNull();
    }
}
