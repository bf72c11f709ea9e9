package dev.cognigyops.nluexport;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redirects, whole app (docs/contract.md#hostile-input-and-failing-dependencies): the tenant's token never goes to another origin, a download
 * redirected to a presigned URL or CDN is followed without it, a webhook never follows. The second
 * WireMock server ({@code cdn}) is another origin: same host, another port.
 */
class NluExportRedirectsTest extends AppTestSupport {

    static final String CDN_PATH = "/blobs/exp-1.onnx";

    ExportStubs stubs;
    WireMockServer cdn;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        // webhooks on loopback are refused unless allowed by prefix
        p.setProperty("cognigy.webhook.allowed-urls", cognigy.baseUrl() + "/hooks/");
        return p;
    }

    @Override
    protected void doPostSetup() {
        stubs = new ExportStubs(cognigy, 200_000);
        cdn = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        cdn.start();
    }

    @AfterEach
    void stopCdn() {
        if (cdn != null) {
            cdn.stop();
        }
    }

    void exportUpToTheDownload() {
        stubs.trainedVersion();
        stubs.exportStart();
        stubs.jobRunningThenCompleted();
    }

    @Test
    void aDownloadRedirectedToAnotherOriginIsFollowedWithoutTheToken() throws Exception {
        exportUpToTheDownload();
        cognigy.stubFor(get(ExportStubs.ARTIFACT_PATH).willReturn(aResponse().withStatus(302)
                .withHeader("Location", cdn.baseUrl() + CDN_PATH + "?X-Amz-Signature=abc123")));
        cdn.stubFor(get(urlPathEqualTo(CDN_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream").withBody(stubs.artifact())));

        JsonNode result = run(ExportStubs.request("presigned", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(s3().getBytes(bucket, ExportStubs.KEY)).isEqualTo(stubs.artifact());
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(ExportStubs.ARTIFACT_PATH))
                .withHeader("Authorization", equalTo("Bearer token-1")));
        cdn.verify(exactly(1), getRequestedFor(urlEqualTo(CDN_PATH + "?X-Amz-Signature=abc123")).withoutHeader("Authorization"));
    }

    @Test
    void aDownloadRedirectedWithinTheTenantsOriginKeepsTheToken() throws Exception {
        exportUpToTheDownload();
        cognigy.stubFor(get(ExportStubs.ARTIFACT_PATH).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "content")));
        cognigy.stubFor(get(ExportStubs.ARTIFACT_PATH.replace("exp-1", "content")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream").withBody(stubs.artifact())));

        JsonNode result = run(ExportStubs.request("same-origin", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(s3().getBytes(bucket, ExportStubs.KEY)).isEqualTo(stubs.artifact());
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo("/api/v1/artifacts/content"))
                .withHeader("Authorization", equalTo("Bearer token-1")));
    }

    @Test
    void onceADownloadHasLeftTheTenantsOriginTheTokenNeverComesBack() throws Exception {
        exportUpToTheDownload();
        cognigy.stubFor(get(ExportStubs.ARTIFACT_PATH).willReturn(aResponse().withStatus(307)
                .withHeader("Location", cdn.baseUrl() + "/hop")));
        cdn.stubFor(get("/hop").willReturn(aResponse().withStatus(301)
                .withHeader("Location", cognigy.baseUrl() + "/mirror/exp-1.onnx")));
        cognigy.stubFor(get("/mirror/exp-1.onnx").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream").withBody(stubs.artifact())));

        JsonNode result = run(ExportStubs.request("round-trip", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cdn.verify(exactly(1), getRequestedFor(urlEqualTo("/hop")).withoutHeader("Authorization"));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo("/mirror/exp-1.onnx")).withoutHeader("Authorization"));
    }

    @Test
    void aDownloadThatRedirectsMoreThanFiveTimesFailsNamingWhereItPointed() throws Exception {
        exportUpToTheDownload();
        cognigy.stubFor(get(urlPathEqualTo(ExportStubs.ARTIFACT_PATH)).willReturn(aResponse().withStatus(302)
                .withHeader("Location", ExportStubs.ARTIFACT_PATH + "?again=1")));

        JsonNode result = run(ExportStubs.request("loop", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("UPSTREAM_REJECTED");
        assertThat(result.path("error").path("message").asText())
                .contains("HTTP 302 redirecting to " + cognigy.baseUrl() + ExportStubs.ARTIFACT_PATH + ", not followed")
                .contains("more than 5 redirects").doesNotContain("again=1");
        cognigy.verify(exactly(6), getRequestedFor(urlPathEqualTo(ExportStubs.ARTIFACT_PATH)));
        assertThat(s3().listKeys(bucket)).noneMatch(k -> k.startsWith("nlu-exports/"));
    }

    @Test
    void aCognigyCallRedirectedToAnotherOriginIsNotFollowed() throws Exception {
        cognigy.stubFor(get(ExportStubs.VERSION_PATH).willReturn(aResponse().withStatus(302)
                .withHeader("Location", cdn.baseUrl() + "/collect?session=xyz")));
        cdn.stubFor(any(urlPathEqualTo("/collect")).willReturn(okJson("{\"status\":\"TRAINED\"}")));

        JsonNode result = run(ExportStubs.request("api-elsewhere", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("message").asText())
                .contains("GET " + ExportStubs.VERSION_PATH + ": HTTP 302 redirecting to " + cdn.baseUrl() + "/collect, not followed")
                .doesNotContain("session");
        cdn.verify(exactly(0), anyRequestedFor(urlPathEqualTo("/collect")));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(ExportStubs.VERSION_PATH)));
    }

    @Test
    void aCognigyCallRedirectedWithinTheTenantsOriginIsFollowedWithTheToken() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(get(ExportStubs.VERSION_PATH).willReturn(aResponse().withStatus(301)
                .withHeader("Location", "/api/v2/nlu/models/intent-classifier/versions/1.4.0")));
        cognigy.stubFor(get("/api/v2/nlu/models/intent-classifier/versions/1.4.0")
                .willReturn(okJson("{\"status\":\"TRAINED\"}")));

        JsonNode result = run(ExportStubs.request("api-moved", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo("/api/v2/nlu/models/intent-classifier/versions/1.4.0"))
                .withHeader("Authorization", equalTo("Bearer token-1")));
    }

    @Test
    void aWebhookThatRedirectsIsNotFollowedAndNotDelivered() throws Exception {
        stubs.happyPath();
        cognigy.stubFor(post("/hooks/moved").willReturn(aResponse().withStatus(302)
                .withHeader("Location", "/internal/admin?session=abc")));
        cognigy.stubFor(any(urlPathEqualTo("/internal/admin")).willReturn(aResponse().withStatus(200)));

        JsonNode result = run(ExportStubs.request("webhook-moved", ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/hooks/moved\""));

        assertThat(result.path("status").asText()).as("a webhook never fails the run").isEqualTo("SUCCEEDED");
        JsonNode webhook = result.path("output").path("webhook");
        assertThat(webhook.path("delivered").asBoolean()).isFalse();
        assertThat(webhook.path("error").asText())
                .contains("HTTP 302 redirecting to " + cognigy.baseUrl() + "/internal/admin, not followed")
                .doesNotContain("session");
        cognigy.verify(exactly(0), anyRequestedFor(urlPathEqualTo("/internal/admin")));
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/hooks/moved")));
        assertThat(auditActions("webhook-moved")).contains("WEBHOOK_FAILED");
    }

    @Test
    void anHttpsTenantGetsTheSameRuleItsCallsGoThroughTheComponentNamedHttps() {
        // with an https cognigy.base-url every call goes through the component "https", which
        // camel.component.http.* does not configure; what the tests above show over http holds there too
        var https = context.getComponent("https", org.apache.camel.component.http.HttpComponent.class);

        assertThat(https.getHttpClientConfigurer()).isInstanceOf(dev.cognigyops.calls.RedirectGuard.class);
        assertThat(https.isFollowRedirects()).isTrue();
        assertThat(https.isAutomaticRetriesDisabled()).isTrue();
        assertThat(https.getResponseTimeout()).as("cognigy.http.response-timeout-ms, 5000 in the tests").isEqualTo(5_000);
    }
}
