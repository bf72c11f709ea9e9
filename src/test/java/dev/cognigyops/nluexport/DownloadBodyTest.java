package dev.cognigyops.nluexport;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A download whose body stalls after its headers is failed after the idle timeout, not waited for
 * for ever: the JDK client's own timeout ends at the headers.
 */
class DownloadBodyTest {

    static final byte[] ARTIFACT = new byte[3 * 1024 * 1024];

    static {
        new Random(7).nextBytes(ARTIFACT);
    }

    final ArtifactDownload download = new ArtifactDownload(
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build(), Duration.ofMillis(300));

    @Test
    void aBodyThatStallsFailsAfterTheIdleTimeoutNamingTheWait() throws Exception {
        try (var server = TruncatingServer.stallingFirst(ARTIFACT, 64 * 1024, 1)) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (ArtifactDownload.Opened opened = download.open(URI.create(server.url() + "/a.onnx"), null)) {
                    assertThat(opened.contentLength()).isEqualTo(ARTIFACT.length);
                    long started = System.nanoTime();
                    assertThatThrownBy(() -> opened.body().readAllBytes())
                            .isInstanceOf(HttpTimeoutException.class)
                            .hasMessage("no byte of the download arrived for 300 ms");
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                }
            });
        }
    }

    @Test
    void aBodyThatFlowsIsReadWholeAndExact() throws Exception {
        try (var server = TruncatingServer.stallingFirst(ARTIFACT, 0, 1)) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try (var stalled = download.open(URI.create(server.url() + "/a.onnx"), null)) {
                    assertThatThrownBy(() -> stalled.body().readAllBytes()).isInstanceOf(HttpTimeoutException.class);
                }
                try (var whole = download.open(URI.create(server.url() + "/a.onnx"), null);
                     InputStream body = whole.body()) {
                    assertThat(body.readAllBytes()).isEqualTo(ARTIFACT);
                    assertThat(body.read()).as("the end stays the end").isEqualTo(-1);
                }
            });
            assertThat(server.requests()).isEqualTo(2);
        }
    }
}
