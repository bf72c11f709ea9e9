package dev.cognigyops.webhooks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.botdeploy.DeployStubs;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/contract.md#hostile-input-and-failing-dependencies with {@code cognigy.webhook.allowed-urls} blank (the default): a request's webhook on a
 * loopback address is REJECTED before any call, for nlu-export as for bot-deploy's dependency webhooks;
 * a host name that passes (its form is fine) but resolves to a loopback address when the call is due is
 * not called: the webhook fails like an unreachable one and the run goes on.
 */
class WebhookWithoutAllowListTest extends AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.webhook.allowed-urls", "");
        p.setProperty("cognigy.deploy.webhook-check-timeout-ms", "1500");
        p.setProperty("cognigy.poll.bot-deploy.first-delay-ms", "50");
        p.setProperty("cognigy.deploy.max-first-wait-seconds", "1");
        return p;
    }

    @Test
    void aLoopbackWebhookIsRejectedBeforeAnyCall() throws Exception {
        int port = URI.create(cognigy.baseUrl()).getPort();
        drop("shutdown.json", ExportStubs.request("loopback-shutdown",
                ",\"webhookUrl\":\"http://127.0.0.1:" + port + "/admin?cmd=shutdown\""));
        drop("localhost.json", ExportStubs.request("loopback-localhost",
                ",\"webhookUrl\":\"https://localhost:" + port + "/admin?cmd=shutdown\""));
        Path failed = inbox().resolve(".failed");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(failed.resolve("shutdown.error.json"))
                && Files.exists(failed.resolve("localhost.error.json")));

        assertThat(Json.MAPPER.readTree(failed.resolve("shutdown.error.json").toFile()).path("violations"))
                .extracting(JsonNode::asText).containsExactly("payload.webhookUrl: must be an https URL on a public host "
                        + "(cognigy.webhook.allowed-urls is blank): http is not allowed");
        JsonNode result = resultFile("loopback-localhost");
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("message").asText()).contains("payload.webhookUrl: must be an https URL on a "
                + "public host (cognigy.webhook.allowed-urls is blank): localhost is a loopback name");
        assertThat(resultFile("loopback-shutdown").path("status").asText()).isEqualTo("REJECTED");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void aLoopbackDependencyWebhookIsRejectedBeforeAnyCall() throws Exception {
        JsonNode result = run(DeployStubs.request("deploy-loopback-hook", ",\"webhookUrls\":[\"https://hooks.example.com/ok\",\""
                + cognigy.baseUrl() + "/hooks/intent-callback\",\"https://[::1]:22/\"]"));

        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("error").path("message").asText())
                .contains("payload.webhookUrls[1]: must be an https URL on a public host (cognigy.webhook.allowed-urls is "
                        + "blank): http is not allowed")
                .contains("payload.webhookUrls[2]: must be an https URL on a public host (cognigy.webhook.allowed-urls is "
                        + "blank): [::1] is a loopback address")
                .doesNotContain("webhookUrls[0]");
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void aWebhookWhoseHostResolvesToLoopbackIsNotSentAndTheRunGoesOn() throws Exception {
        String host = nameOfThisMachine();
        new ExportStubs(cognigy, 10_000).happyPath();
        cognigy.stubFor(post("/hooks/registry").willReturn(aResponse().withStatus(204)));
        int port = URI.create(cognigy.baseUrl()).getPort();

        drop("rebound.json", ExportStubs.request("rebound",
                ",\"webhookUrl\":\"https://" + host + ":" + port + "/hooks/registry?key=abc\""));
        JsonNode result = awaitResult("rebound");

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        JsonNode webhook = result.path("output").path("webhook");
        assertThat(webhook.path("delivered").asBoolean()).isFalse();
        assertThat(webhook.path("attempts").asInt()).as("nothing was sent").isZero();
        assertThat(webhook.path("error").asText())
                .startsWith("POST https://" + host + ":" + port + "/hooks/registry was not sent: " + host + " resolves to ")
                .contains("a loopback address").doesNotContain("key=abc");
        JsonNode failedEvent = auditEvents().stream().filter(e -> e.path("runId").asText().equals("rebound")
                && e.path("action").asText().equals("WEBHOOK_FAILED")).findFirst().orElseThrow();
        assertThat(failedEvent.path("details").path("error").asText()).isEqualTo(webhook.path("error").asText());
        assertThat(auditActions("rebound")).containsSubsequence("ARTIFACT_STORED", "WEBHOOK_FAILED", "EXPORT_COMPLETED",
                "RUN_FINISHED");
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo("/hooks/registry")));
    }

    @Test
    void aDependencyWebhookWhoseHostResolvesToLoopbackIsNotAsked() throws Exception {
        String host = nameOfThisMachine();
        int port = URI.create(cognigy.baseUrl()).getPort();
        DeployStubs stubs = new DeployStubs(cognigy);
        stubs.happyPath();
        stubs.webhook("/hooks/intent-callback", 204);

        JsonNode result = run(DeployStubs.request("deploy-rebound", ",\"webhookUrls\":[\"https://" + host + ":" + port
                + "/hooks/intent-callback\"]"));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("DEPENDENCY_MISSING");
        assertThat(result.path("error").path("message").asText())
                .contains("https://" + host + ":" + port + "/hooks/intent-callback (not asked: " + host + " resolves to ")
                .contains("a loopback address");
        cognigy.verify(exactly(0), new RequestPatternBuilder(RequestMethod.HEAD, urlPathMatching("/hooks/.*")));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(DeployStubs.deploymentsPath(DeployStubs.BOT))));
    }

    /**
     * This machine's own name: it passes validation (a well-formed name) and resolves, without any
     * network, to an address of this machine — loopback on most, else a private one.
     */
    static String nameOfThisMachine() throws Exception {
        String name = InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        assumeTrue(WebhookTargets.of("").check("https://" + name + "/").allowed(), "this machine's name is " + name);
        assumeTrue(Arrays.stream(InetAddress.getAllByName(name)).anyMatch(a -> a.isLoopbackAddress()),
                name + " resolves to no loopback address here");
        return name;
    }

    Path inbox() {
        return workDir.resolve("inbox");
    }

    void drop(String name, String content) throws IOException {
        Path target = inbox().resolve(name);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + name + ".part");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    JsonNode awaitResult(String runId) throws IOException {
        Path file = workDir.resolve("results").resolve(runId + ".json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
        return resultFile(runId);
    }
}
