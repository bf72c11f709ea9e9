package dev.cognigyops.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The dependency webhooks' health check (SPEC §4, {@code HEAD {webhookUrl}}): every URL is asked
 * at once, without a token, and each answer must be 2xx within the timeout. The client given
 * should not follow redirects: a webhook that redirects does not itself answer 2xx, and is
 * reported with where it redirects to. The whole check takes
 * at most about one timeout however many webhooks there are (the calling route waits that long).
 */
public final class WebhookProbe {

    /** The answer of one webhook. {@code status} is 0 when none came. */
    public record Check(String url, boolean reachable, int status, String problem, long latencyMs) {
    }

    private final HttpClient http;
    private final Clock clock;

    public WebhookProbe(HttpClient http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    /** Checks every URL concurrently; the result is in the order given. */
    public List<Check> check(List<String> urls, Duration timeout) {
        List<CompletableFuture<Check>> checks = urls.stream().map(url -> head(url, timeout)).toList();
        return checks.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<Check> head(String url, Duration timeout) {
        Instant start = clock.instant();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    // a health check needs no HTTP/2 upgrade
                    .version(HttpClient.Version.HTTP_1_1).timeout(timeout).build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Check(url, false, 0, "not a usable URL", 0));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    long ms = Duration.between(start, clock.instant()).toMillis();
                    if (failure != null) {
                        return new Check(url, false, 0, describe(failure, timeout), ms);
                    }
                    int status = response.statusCode();
                    boolean ok = status >= 200 && status < 300;
                    String redirect = response.headers().firstValue("Location")
                            .map(to -> ", redirects to " + redirectTarget(request.uri(), to)).orElse("");
                    return new Check(url, ok, status, ok ? null : "answered HTTP " + status + (status / 100 == 3 ? redirect : ""), ms);
                })
                // the request timeout does not bound connecting; this bounds everything
                .completeOnTimeout(new Check(url, false, 0, "no answer within " + timeout.toMillis() + " ms",
                        timeout.toMillis()), timeout.toMillis() + 250, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static String describe(Throwable failure, Duration timeout) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        String message = cause.getMessage();
        return "unreachable: " + cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
    }

    /** Where a redirect points, shown like a webhook URL; a Location that is no URI is said so. */
    static String redirectTarget(URI from, String location) {
        try {
            return shown(from.resolve(location).toString());
        } catch (IllegalArgumentException e) {
            return "(an unparseable Location)";
        }
    }

    /** How a webhook URL is shown in messages and audit events: no user info, no query string. */
    public static String shown(String url) {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                    + (u.getRawPath() == null ? "" : u.getRawPath());
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }
}
