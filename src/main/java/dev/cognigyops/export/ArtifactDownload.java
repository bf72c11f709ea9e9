package dev.cognigyops.export;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.cognigyops.http.CallFailedException;

/** Opens an artifact download as a stream (JDK HttpClient): the body is read by whoever stores it. */
public final class ArtifactDownload {

    /** An open download: read it, then close it. */
    public record Opened(InputStream body, long contentLength, String contentType) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    public ArtifactDownload(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** @param authorization the Authorization header value, or null to send none */
    public Opened open(URI url, String authorization) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("Accept", "application/octet-stream, */*");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        }
        if (response.statusCode() / 100 != 2) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(2048), java.nio.charset.StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
            throw new CallFailedException("download failed", response.statusCode(), headers, body);
        }
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
        String type = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
        return new Opened(response.body(), length, type);
    }
}
