package dev.cognigyops.nluexport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.cognigyops.AppTestSupport;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A download that stalls after its first bytes (the connection open, nothing more coming) is given
 * up after {@code cognigy.http.response-timeout-ms} without a byte and downloaded again: the export
 * ends SUCCEEDED with the whole artifact instead of hanging its run for ever.
 */
class NluExportStalledDownloadTest extends AppTestSupport {

    static final byte[] ARTIFACT = new byte[2 * 1024 * 1024];

    static {
        new Random(11).nextBytes(ARTIFACT);
    }

    TruncatingServer download;

    @Override
    protected Properties settings() {
        try {
            download = TruncatingServer.stallingFirst(ARTIFACT, 100_000, 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties p = super.settings();
        p.setProperty("cognigy.http.response-timeout-ms", "500");
        return p;
    }

    @AfterEach
    void stopDownloadServer() throws IOException {
        if (download != null) {
            download.close();
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStalledDownloadIsGivenUpAndDownloadedAgain() throws Exception {
        ExportStubs stubs = new ExportStubs(cognigy, 0);
        stubs.trainedVersion();
        stubs.exportStart();
        cognigy.stubFor(get(ExportStubs.JOB_PATH).willReturn(okJson("{\"status\":\"COMPLETED\",\"progress\":100,"
                + "\"downloadUrl\":\"" + download.url() + "/exp-1.onnx\"}")));

        JsonNode result = run(ExportStubs.request("stalled-download", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(download.requests()).as("the stalled transfer, then a whole one").isEqualTo(2);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ARTIFACT));
        assertThat(result.path("output").path("sha256").asText()).isEqualTo(sha256);
        assertThat(s3().getBytes(bucket, ExportStubs.KEY)).isEqualTo(ARTIFACT);
        JsonNode stored = auditEvents().stream()
                .filter(e -> e.path("runId").asText().equals("stalled-download") && e.path("action").asText().equals("ARTIFACT_STORED"))
                .findFirst().orElseThrow();
        assertThat(stored.path("details").path("attempts").asInt()).isEqualTo(2);
    }
}
