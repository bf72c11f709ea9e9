package dev.cognigyops.webhooks;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.support.Json;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/contract.md#hostile-input-and-failing-dependencies with {@code cognigy.webhook.allowed-urls} set: a request dropped into the inbox whose webhook
 * no prefix covers is REJECTED before any call; one that a prefix covers runs and its webhook is delivered.
 */
class WebhookAllowListTest extends AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.webhook.allowed-urls", cognigy.baseUrl() + "/hooks/allowed");
        return p;
    }

    @Test
    void aWebhookNoPrefixCoversIsRejectedBeforeAnyCall() throws Exception {
        int port = URI.create(cognigy.baseUrl()).getPort();
        // the same server, outside the listed path; and inside it, but the host spelled otherwise
        drop("shutdown.json", ExportStubs.request("hook-shutdown",
                ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/admin?cmd=shutdown\""));
        drop("other-spelling.json", ExportStubs.request("hook-other-spelling",
                ",\"webhookUrl\":\"http://127.0.0.1:" + port + "/hooks/allowed/registry\""));
        Path failed = inbox().resolve(".failed");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(failed.resolve("shutdown.error.json"))
                && Files.exists(failed.resolve("other-spelling.error.json")));

        for (String runId : new String[] {"hook-shutdown", "hook-other-spelling"}) {
            JsonNode result = resultFile(runId);
            assertThat(result.path("status").asText()).isEqualTo("REJECTED");
            assertThat(result.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
            assertThat(result.path("error").path("message").asText())
                    .contains("payload.webhookUrl: must start with one of the URL prefixes in cognigy.webhook.allowed-urls");
            assertThat(auditActions(runId)).containsExactly("RUN_STARTED", "RUN_FINISHED");
        }
        assertThat(Json.MAPPER.readTree(failed.resolve("shutdown.error.json").toFile()).path("violations"))
                .extracting(JsonNode::asText)
                .containsExactly("payload.webhookUrl: must start with one of the URL prefixes in cognigy.webhook.allowed-urls");
        assertThat(failed.resolve("shutdown.json")).as("the request is kept").exists();
        cognigy.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    @Test
    void aWebhookAPrefixCoversIsDelivered() throws Exception {
        new ExportStubs(cognigy, 10_000).happyPath();
        cognigy.stubFor(post("/hooks/allowed/registry").willReturn(aResponse().withStatus(204)));

        drop("covered.json", ExportStubs.request("hook-covered",
                ",\"webhookUrl\":\"" + cognigy.baseUrl() + "/hooks/allowed/registry\""));
        JsonNode result = awaitResult("hook-covered");

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("webhook").path("delivered").asBoolean()).isTrue();
        cognigy.verify(exactly(1), postRequestedFor(urlEqualTo("/hooks/allowed/registry"))
                .withRequestBody(matchingJsonPath("$.event", equalTo("nlu_model_export_completed"))));
        assertThat(auditActions("hook-covered")).contains("WEBHOOK_SENT").doesNotContain("WEBHOOK_FAILED");
    }

    Path inbox() {
        return workDir.resolve("inbox");
    }

    /** Writes a file the way a careful sender does: a hidden temporary name, then a rename. */
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
