package dev.cognigyops.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.cognigyops.calls.CallFailedException;
import dev.cognigyops.calls.RedirectRule;
import dev.cognigyops.support.Json;
import dev.cognigyops.support.Secrets;

/**
 * OAuth2 client-credentials tokens (docs/contract.md#calls-out): one cached token per scope set, renewed
 * {@link #RENEW_BEFORE} before it expires ({@code expires_in}, 3600 s when absent), fetched once
 * even when many runs ask at the same moment. The client authenticates with form fields
 * ({@code post}) or HTTP Basic ({@code basic}); the token endpoint's redirects are never followed
 * (the client must be built with {@link HttpClient.Redirect#NEVER}), a 3xx is reported with where
 * it points. Every secret it handles is registered with {@link Secrets} so it can never be written out.
 *
 * <p>camel-http's own {@code oauth2*} options fetch and cache tokens too (form or Basic), but their
 * cache is static and cannot drop a token the API has refused (the 401 rule of docs/contract.md#calls-out), a refusal
 * by the token endpoint reaches the caller without its status (so no clear UNAUTHORIZED), and they
 * do not cover the artifact download made outside camel-http. This class does those, for every call.
 */
public final class TokenProvider {

    public static final Duration RENEW_BEFORE = Duration.ofSeconds(60);
    private static final long DEFAULT_EXPIRES_IN = 3600;

    public enum ClientAuthentication { POST, BASIC }

    private record Token(String value, Instant renewAt) {
    }

    private final HttpClient http;
    private final URI tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final ClientAuthentication authentication;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Token> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public TokenProvider(HttpClient http, URI tokenUrl, String clientId, String clientSecret,
                         ClientAuthentication authentication, Duration timeout, Clock clock) {
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the token client must not follow redirects: the client secret "
                    + "(form field or Basic header) would go wherever the token endpoint points");
        }
        this.http = http;
        this.tokenUrl = tokenUrl;
        this.clientId = clientId == null ? "" : clientId;
        this.clientSecret = clientSecret == null ? "" : clientSecret;
        this.authentication = authentication;
        this.timeout = timeout;
        this.clock = clock;
        Secrets.register(this.clientSecret);
    }

    /** A valid access token for these scopes. */
    public String token(Collection<String> scopes) {
        String key = String.join(" ", new TreeSet<>(scopes));
        Token cached = cache.get(key);
        if (cached != null && clock.instant().isBefore(cached.renewAt())) {
            return cached.value();
        }
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            cached = cache.get(key);
            if (cached != null && clock.instant().isBefore(cached.renewAt())) {
                return cached.value();
            }
            Token fresh = fetch(key);
            cache.put(key, fresh);
            return fresh.value();
        }
    }

    /** Forgets the token for these scopes if it is still the one the API refused. */
    public void invalidate(Collection<String> scopes, String refused) {
        String key = String.join(" ", new TreeSet<>(scopes));
        cache.computeIfPresent(key, (k, t) -> refused == null || t.value().equals(refused) ? null : t);
    }

    private Token fetch(String scope) {
        if (clientId.isBlank() || clientSecret.isBlank()) {
            throw new CallFailedException("no client credentials: set cognigy.auth.client-id and "
                    + "cognigy.auth.client-secret (COGNIGY_AUTH_CLIENT_ID, COGNIGY_AUTH_CLIENT_SECRET)", 401, null, null);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (!scope.isEmpty()) {
            form.put("scope", scope);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(tokenUrl)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (authentication == ClientAuthentication.BASIC) {
            String pair = urlEncode(clientId) + ":" + urlEncode(clientSecret);
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", clientId);
            form.put("client_secret", clientSecret);
        }
        Instant requestedAt = clock.instant();
        HttpResponse<String> response;
        // the whole answer within the timeout: the client's own timeout ends at the headers, and a body
        // that stalls after them would hold every run waiting for this token
        var sending = http.sendAsync(request.POST(HttpRequest.BodyPublishers.ofString(formBody(form))).build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            response = sending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sending.cancel(true);
            throw requestFailed(new HttpTimeoutException("no whole answer within " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            throw requestFailed(e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while requesting a token", e);
        }
        if (response.statusCode() / 100 == 3) {
            // the client credentials go to the configured URL only: a redirect is reported, never followed
            throw new CallFailedException("the token endpoint " + RedirectRule.shown(null, tokenUrl.toString())
                    + " redirects; client credentials never follow a redirect: set cognigy.auth.token-url to the "
                    + "address it names", response.statusCode(), redirectHeaders(response), null);
        }
        if (response.statusCode() / 100 != 2) {
            int status = response.statusCode() == 400 ? 401 : response.statusCode();
            throw new CallFailedException("token endpoint " + tokenUrl + " refused the client credentials",
                    status, flatten(response), response.body());
        }
        try {
            JsonNode body = Json.parse(response.body());
            String token = Json.text(body, "access_token");
            if (token == null || token.isBlank()) {
                throw new CallFailedException("token endpoint answered without an access_token", 502, null, null);
            }
            Secrets.register(token);
            long expiresIn = body.hasNonNull("expires_in") ? body.get("expires_in").asLong(DEFAULT_EXPIRES_IN) : DEFAULT_EXPIRES_IN;
            Instant renewAt = requestedAt.plusSeconds(expiresIn).minus(RENEW_BEFORE);
            return new Token(token, renewAt);
        } catch (IOException e) {
            throw new CallFailedException("token endpoint answered with something that is not JSON", 502, null, null);
        }
    }

    /** The Location, resolved against the token URL and shown without query, for the failure message. */
    private Map<String, String> redirectHeaders(HttpResponse<?> response) {
        return response.headers().firstValue("Location")
                .map(l -> Map.of("Location", RedirectRule.shown(tokenUrl.toString(), l))).orElse(Map.of());
    }

    private static Map<String, String> flatten(HttpResponse<?> response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k, String.join(",", v)));
        return headers;
    }

    private UncheckedIOException requestFailed(IOException e) {
        return new UncheckedIOException("token request to " + tokenUrl + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    private static String formBody(Map<String, String> form) {
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(urlEncode(k)).append('=').append(urlEncode(v));
        });
        return sb.toString();
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
