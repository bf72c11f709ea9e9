package dev.cognigyops.botdeploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The dependency webhooks' health check (docs/contract.md#calls-out, {@code HEAD {webhookUrl}}): every URL is asked
 * at once, without a token, and each answer must be 2xx within the timeout. The client given
 * should not follow redirects: a webhook that redirects does not itself answer 2xx, and is
 * reported with where it redirects to. The whole check takes
 * at most about one timeout however many webhooks there are (the calling route waits that long).
 * <p>
 * The check is no port scanner (docs/contract.md#hostile-input-and-failing-dependencies): a URL whose host now resolves to an address a request may
 * not reach is not asked at all ({@code addressCheck}, see {@code WebhookGuard}); and a webhook that
 * gives no answer — connection refused or reset, unknown host, silence — is reported in the same words
 * and only when the timeout is over, so neither the message nor the time it took tells them apart.
 * Only an answer says more: its HTTP status.
 */
public final class WebhookProbe {

    /** The answer of one webhook. {@code status} is 0 when none came. */
    public record Check(String url, boolean reachable, int status, String problem, long latencyMs) {
    }

    /** Resolving a webhook's host may block on DNS: not on the caller's threads, nor on the common pool's. */
    private static final Executor ADDRESS_CHECKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "webhook-address-check");
        t.setDaemon(true);
        return t;
    });

    private final HttpClient http;
    private final Function<String, Optional<String>> addressCheck;
    private final Clock clock;

    /**
     * @param addressCheck why a URL must not be called now (its host resolves to a non-public address), or empty
     */
    public WebhookProbe(HttpClient http, Function<String, Optional<String>> addressCheck, Clock clock) {
        this.http = http;
        this.addressCheck = addressCheck;
        this.clock = clock;
    }

    /** Checks every URL concurrently; the result is in the order given. */
    public List<Check> check(List<String> urls, Duration timeout) {
        List<CompletableFuture<Check>> checks = urls.stream().map(url -> head(url, timeout)).toList();
        return checks.stream().map(CompletableFuture::join).toList();
    }

    /** What is said of a webhook that gave no answer, however it failed. */
    static String noAnswer(Duration timeout) {
        return "no answer within " + timeout.toMillis() + " ms";
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
        CompletableFuture<Check> result = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> addressCheck.apply(url), ADDRESS_CHECKS).thenAccept(refusal -> {
            if (refusal.isPresent()) {
                result.complete(new Check(url, false, 0, "not asked: " + refusal.get(),
                        Duration.between(start, clock.instant()).toMillis()));
                return;
            }
            // a failure completes nothing: it is reported as silence when the timeout is over
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                long ms = Duration.between(start, clock.instant()).toMillis();
                int status = response.statusCode();
                boolean ok = status >= 200 && status < 300;
                String redirect = response.headers().firstValue("Location")
                        .map(to -> ", redirects to " + redirectTarget(request.uri(), to)).orElse("");
                result.complete(new Check(url, ok, status, ok ? null
                        : "answered HTTP " + status + (status / 100 == 3 ? redirect : ""), ms));
            });
        });
        return result.completeOnTimeout(new Check(url, false, 0, noAnswer(timeout), timeout.toMillis()),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
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
