package dev.cognigyops.nluexport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

import dev.cognigyops.calls.CallFailedException;
import dev.cognigyops.calls.RedirectRule;

/**
 * Opens an artifact download as a stream (JDK HttpClient): the body is read by whoever stores it.
 * Redirects are followed here, by {@link RedirectRule} (kind DOWNLOAD), never by the client: at
 * most {@link RedirectRule#MAX_HOPS}, each a GET, relative locations resolved, and the
 * Authorization header only while the download stays on the origin it was given for — a presigned
 * URL or a CDN on another origin gets no token, and a later hop back does not bring it back.
 */
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

    /**
     * @param http a client that does not follow redirects itself ({@link HttpClient.Redirect#NEVER})
     * @param timeout how long the headers may take to arrive, and then each next bytes of the body
     */
    public ArtifactDownload(HttpClient http, Duration timeout) {
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the download client must not follow redirects itself: "
                    + "the JDK client keeps the Authorization header on a redirect to another origin");
        }
        this.http = http;
        this.timeout = timeout;
    }

    /** @param authorization the Authorization header value for {@code url}'s origin, or null to send none */
    public Opened open(URI url, String authorization) throws IOException {
        URI current = url;
        String token = authorization;
        for (int hop = 1; ; hop++) {
            Answer response = send(current, token);
            int status = response.status();
            if (status / 100 == 2) {
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1L);
                String type = response.headers().firstValue("Content-Type").orElse("application/octet-stream");
                return new Opened(response.body(), length, type);
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (!RedirectRule.isRedirect(status) || location == null) {
                throw failed("download failed", response, location == null ? null : RedirectRule.shown(current.toString(), location));
            }
            URI next;
            try {
                next = current.resolve(location.trim());
            } catch (IllegalArgumentException e) {
                throw failed("the download was redirected to a Location that is no URL", response, "(an unparseable Location)");
            }
            RedirectRule.Decision decision = RedirectRule.decide(RedirectRule.Kind.DOWNLOAD, token != null, current, next, hop);
            if (!decision.follow()) {
                throw failed(decision.reason(), response, RedirectRule.shown(current.toString(), location));
            }
            response.body().close();
            token = decision.withToken() ? token : null;
            current = next;
        }
    }

    /** An answer's status and headers, and its body read with the idle timeout ({@link DownloadBody}). */
    private record Answer(int status, java.net.http.HttpHeaders headers, InputStream body) {
    }

    private Answer send(URI url, String authorization) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).GET()
                .header("Accept", "application/octet-stream, */*");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofPublisher());
            InputStream body = DownloadBody.of(response.body(), timeout);
            return new Answer(response.statusCode(), response.headers(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + RedirectRule.shown(null, url.toString()), e);
        }
    }

    /** The answer as a failure: its status, headers (Location resolved and shown without query) and the start of its body. */
    private static CallFailedException failed(String message, Answer response, String shownLocation)
            throws IOException {
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(2048), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
        if (shownLocation != null) {
            headers.keySet().removeIf(k -> k.equalsIgnoreCase("Location"));
            headers.put("Location", shownLocation);
        }
        return new CallFailedException(message, response.status(), headers, body);
    }
}
