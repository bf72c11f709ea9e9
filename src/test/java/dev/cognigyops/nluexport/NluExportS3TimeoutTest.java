package dev.cognigyops.nluexport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.testsupport.BlackHoleServer;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An S3 endpoint that accepts connections and never answers (docs/contract.md#hostile-input-and-failing-dependencies, "Bounded waits
 * everywhere"): the export ends within {@code cognigy.s3.read-timeout-seconds}, not twice it, as a
 * STORAGE_ERROR that names S3 and the object — not the Cognigy download that fed it.
 */
class NluExportS3TimeoutTest extends AppTestSupport {

    /** 24 MB: more than the loopback socket buffers take. */
    static final int SIZE = 24 * 1024 * 1024;

    BlackHoleServer silentS3;
    /** The whole artifact, its length announced (one streamed PUT, as for most downloads), sent at once. */
    TruncatingServer download;

    @Override
    protected Properties settings() {
        try {
            // reads nothing: once the socket buffers are full the upload's writes stall, which no socket
            // (read) timeout ends; only the bound on the whole call does
            silentS3 = new BlackHoleServer(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            download = new TruncatingServer(new byte[SIZE], SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties p = super.settings();
        p.setProperty("cognigy.s3.endpoint-override", silentS3.endpoint().toString());
        p.setProperty("cognigy.s3.read-timeout-seconds", "2");
        return p;
    }

    @AfterEach
    void stopSilentS3() throws IOException {
        if (silentS3 != null) {
            silentS3.close();
        }
        if (download != null) {
            download.close();
        }
    }

    @Test
    // without the bound the upload's write blocks for good: a separate thread, so that this fails instead of hanging
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anS3ThatNeverAnswersEndsTheExportWithinTheBoundAsAStorageErrorNamingS3() throws Exception {
        ExportStubs stubs = new ExportStubs(cognigy, 0);
        // a first run that ends before S3 warms the token and the HTTP client, so the timing below is S3's
        cognigy.stubFor(get(ExportStubs.VERSION_PATH).willReturn(okJson("{\"status\":\"TRAINING\"}")));
        assertThat(run(ExportStubs.request("warm-up", "")).path("error").path("code").asText()).isEqualTo("PRECONDITION_FAILED");
        stubs.trainedVersion();
        stubs.exportStart();
        cognigy.stubFor(get(ExportStubs.JOB_PATH).willReturn(okJson("{\"status\":\"COMPLETED\",\"progress\":100,"
                + "\"downloadUrl\":\"" + download.url() + "/exp-1.onnx\"}")));

        JsonNode result = run(ExportStubs.request("silent-s3", ""));

        assertThat(result.path("status").asText()).isEqualTo("FAILED");
        assertThat(result.path("error").path("code").asText()).isEqualTo("STORAGE_ERROR");
        assertThat(result.path("error").path("message").asText())
                .startsWith("S3 did not answer within 2 s storing s3://" + bucket + "/" + ExportStubs.KEY)
                .doesNotContain("GET ").doesNotContain(download.url());
        JsonNode stored = auditEvents().stream()
                .filter(e -> e.path("runId").asText().equals("silent-s3") && e.path("action").asText().equals("ARTIFACT_STORED"))
                .findFirst().orElseThrow();
        assertThat(stored.path("outcome").asText()).isEqualTo("FAILURE");
        assertThat(stored.path("details").path("error").asText()).startsWith("S3 did not answer within 2 s");
        // S3 was asked once and waited for, for the bound: no second whole-artifact try, no clean-up call
        assertThat(stored.path("details").path("attempts").asInt()).isEqualTo(1);
        assertThat(silentS3.connections()).isEqualTo(1);
        assertThat(stored.path("details").path("latency_ms").asLong()).as("download and S3, under twice the bound")
                .isBetween(2000L, 3999L);
        assertThat(result.path("durationMs").asLong()).as("the whole run: 2 s x 2 + 1 s for the Cognigy steps")
                .isLessThan(5000L);
    }
}
