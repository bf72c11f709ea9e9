package dev.cognigyops.auth;

import dev.cognigyops.testsupport.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cognigyops.calls.CallFailedException;
import dev.cognigyops.support.Secrets;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OAuth2 client credentials (docs/contract.md#calls-out) against a real HTTP token endpoint, on a clock the test moves. */
class TokenProviderTest {

    static final String PATH = "/oauth/token";
    static final String CLIENT_ID = "cognigy-ops";
    static final String CLIENT_SECRET = "client-secret-7f3a9c1e";
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    static WireMockServer server;
    static HttpClient http;

    final MutableClock clock = new MutableClock(T0);

    @BeforeAll
    static void start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    URI tokenUrl() {
        return URI.create(server.baseUrl() + PATH);
    }

    TokenProvider provider(TokenProvider.ClientAuthentication authentication) {
        return new TokenProvider(http, tokenUrl(), CLIENT_ID, CLIENT_SECRET, authentication, Duration.ofSeconds(5), clock);
    }

    /** A token answer with a new random access token each time. */
    static ResponseDefinitionBuilder tokenAnswer(String expiresIn) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"at-{{randomValue length=24 type='ALPHANUMERIC'}}\",\"token_type\":\"Bearer\""
                        + (expiresIn == null ? "" : ",\"expires_in\":" + expiresIn) + "}")
                .withTransformers("response-template");
    }

    void stubTokens(String expiresIn) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(tokenAnswer(expiresIn)));
    }

    int fetches() {
        return server.findAll(postRequestedFor(urlEqualTo(PATH))).size();
    }

    @Test
    void postSendsTheClientCredentialsAsFormFields() {
        stubTokens("3600");

        String token = provider(TokenProvider.ClientAuthentication.POST).token(Set.of("nlu:models:export", "jobs:read"));

        assertThat(token).startsWith("at-").hasSize(27);
        server.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .withHeader("Accept", equalTo("application/json"))
                .withoutHeader("Authorization")
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("client_id", equalTo(CLIENT_ID))
                .withFormParam("client_secret", equalTo(CLIENT_SECRET))
                .withFormParam("scope", equalTo("jobs:read nlu:models:export")));
    }

    @Test
    void postEncodesSpecialCharactersInTheForm() {
        stubTokens("3600");
        String secret = "p@ss w/rd&x=1+2%";

        new TokenProvider(http, tokenUrl(), "id&1", secret, TokenProvider.ClientAuthentication.POST,
                Duration.ofSeconds(5), clock).token(Set.of("a"));

        server.verify(postRequestedFor(urlEqualTo(PATH))
                .withFormParam("client_id", equalTo("id&1"))
                .withFormParam("client_secret", equalTo(secret)));
        Secrets.forget(secret);
    }

    @Test
    void basicSendsTheCredentialsInTheAuthorizationHeaderOnly() {
        stubTokens("3600");
        String id = "ops client:1";
        String secret = "s3c:r&t/p@ss ü";
        String pair = URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String expected = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));

        new TokenProvider(http, tokenUrl(), id, secret, TokenProvider.ClientAuthentication.BASIC,
                Duration.ofSeconds(5), clock).token(Set.of("jobs:read"));

        server.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo(expected))
                .withFormParam("grant_type", equalTo("client_credentials"))
                .withFormParam("scope", equalTo("jobs:read"))
                .withoutFormParam("client_id")
                .withoutFormParam("client_secret")
                .withRequestBody(notContaining("client_secret"))
                .withRequestBody(notContaining(URLEncoder.encode(secret, StandardCharsets.UTF_8)))
                .withRequestBody(notContaining("s3c")));
        Secrets.forget(secret);
    }

    @Test
    void theScopeIsTheSortedSpaceJoinedSet() {
        stubTokens("3600");
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);

        tokens.token(List.of("zeta:write", "alpha:read", "mid:x", "alpha:read"));

        server.verify(postRequestedFor(urlEqualTo(PATH)).withFormParam("scope", equalTo("alpha:read mid:x zeta:write")));
    }

    @Test
    void noScopesSendsNoScopeParameter() {
        stubTokens("3600");

        provider(TokenProvider.ClientAuthentication.POST).token(Set.of());

        server.verify(postRequestedFor(urlEqualTo(PATH)).withoutFormParam("scope")
                .withFormParam("grant_type", equalTo("client_credentials")));
    }

    @Test
    void cachesOneTokenPerScopeSet() {
        stubTokens("3600");
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);

        String ab = tokens.token(List.of("a", "b"));
        String ba = tokens.token(List.of("b", "a"));
        String abAgain = tokens.token(Set.of("a", "b"));
        String c = tokens.token(Set.of("c"));
        String cAgain = tokens.token(Set.of("c"));

        assertThat(ba).isEqualTo(ab);
        assertThat(abAgain).isEqualTo(ab);
        assertThat(c).isNotEqualTo(ab).isEqualTo(cAgain);
        assertThat(fetches()).isEqualTo(2);
        server.verify(exactly(1), postRequestedFor(urlEqualTo(PATH)).withFormParam("scope", equalTo("a b")));
        server.verify(exactly(1), postRequestedFor(urlEqualTo(PATH)).withFormParam("scope", equalTo("c")));
    }

    @Test
    void renewsSixtySecondsBeforeExpiry() {
        stubTokens("300");
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);
        String first = tokens.token(Set.of("a"));

        clock.set(T0.plusSeconds(300 - 61));
        assertThat(tokens.token(Set.of("a"))).isEqualTo(first);
        assertThat(fetches()).isEqualTo(1);

        clock.set(T0.plusSeconds(300 - 59));
        String second = tokens.token(Set.of("a"));
        assertThat(second).isNotEqualTo(first);
        assertThat(fetches()).isEqualTo(2);

        clock.set(T0.plusSeconds(300 - 59 + 200));
        assertThat(tokens.token(Set.of("a"))).isEqualTo(second);
        assertThat(fetches()).isEqualTo(2);
    }

    @Test
    void expiresInAbsentMeansAnHour() {
        stubTokens(null);
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);
        String first = tokens.token(Set.of("a"));

        clock.set(T0.plusSeconds(3600 - 61));
        assertThat(tokens.token(Set.of("a"))).isEqualTo(first);
        assertThat(fetches()).isEqualTo(1);

        clock.set(T0.plusSeconds(3600 - 59));
        assertThat(tokens.token(Set.of("a"))).isNotEqualTo(first);
        assertThat(fetches()).isEqualTo(2);
    }

    @Test
    void invalidatingTheRefusedTokenForcesANewFetch() {
        stubTokens("3600");
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);
        String stale = tokens.token(Set.of("a", "b"));

        tokens.invalidate(List.of("b", "a"), stale);
        String fresh = tokens.token(Set.of("a", "b"));

        assertThat(fresh).isNotEqualTo(stale);
        assertThat(fetches()).isEqualTo(2);
    }

    @Test
    void invalidatingAnotherTokenKeepsTheCachedOne() {
        stubTokens("3600");
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);
        String stale = tokens.token(Set.of("a"));
        tokens.invalidate(Set.of("a"), stale);
        String current = tokens.token(Set.of("a"));

        // a second caller that also saw the stale token refuses it late: the newer token stays
        tokens.invalidate(Set.of("a"), stale);
        tokens.invalidate(Set.of("other"), current);

        assertThat(tokens.token(Set.of("a"))).isEqualTo(current);
        assertThat(fetches()).isEqualTo(2);
    }

    @ParameterizedTest(name = "token endpoint answers {0}")
    @ValueSource(ints = {400, 401})
    void refusedCredentialsAreA401(int status) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"bad secret\"}")));

        CallFailedException failure = catchThrowableOfType(CallFailedException.class,
                () -> provider(TokenProvider.ClientAuthentication.POST).token(Set.of("a")));

        assertThat(failure).isNotNull();
        assertThat(failure.status()).isEqualTo(401);
        assertThat(failure.responseBody()).contains("invalid_client");
        assertThat(failure.getMessage()).doesNotContain(CLIENT_SECRET);
    }

    @Test
    void aServerErrorKeepsItsStatusAndHeaders() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "9")));

        CallFailedException failure = catchThrowableOfType(CallFailedException.class,
                () -> provider(TokenProvider.ClientAuthentication.POST).token(Set.of("a")));

        assertThat(failure.status()).isEqualTo(503);
        assertThat(failure.headers()).containsEntry("retry-after", "9");
    }

    @Test
    // before the bound, the token request waited for this body for good: fail instead of hanging
    @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anAnswerWhoseBodyStallsFailsWithinTheTimeoutNotWhenTheBodyEnds() throws Exception {
        // headers and the first bytes of the body at once, then nothing, the connection kept open
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (java.net.ServerSocket stalling = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (java.net.Socket client = stalling.accept()) {
                    client.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                            + "{\"access_token\":").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                    done.await();
                } catch (IOException | InterruptedException e) {
                    // the test is over
                }
            });
            server.setDaemon(true);
            server.start();
            URI url = URI.create("http://127.0.0.1:" + stalling.getLocalPort() + PATH);
            TokenProvider tokens = new TokenProvider(http, url, CLIENT_ID, CLIENT_SECRET,
                    TokenProvider.ClientAuthentication.POST, Duration.ofMillis(500), clock);
            long started = System.nanoTime();

            java.io.UncheckedIOException failure = catchThrowableOfType(java.io.UncheckedIOException.class, () -> tokens.token(Set.of("a")));

            assertThat(failure).hasMessage("token request to " + url + " failed: HttpTimeoutException no whole answer within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(3000));
        } finally {
            done.countDown();
        }
    }

    @Test
    void aFailedFetchIsNotCached() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503)));
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);
        catchThrowableOfType(CallFailedException.class, () -> tokens.token(Set.of("a")));

        server.resetAll();
        stubTokens("3600");

        assertThat(tokens.token(Set.of("a"))).startsWith("at-");
    }

    @Test
    void anAnswerWithoutAccessTokenIsAnUpstreamError() {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"token_type\":\"Bearer\"}")));

        CallFailedException failure = catchThrowableOfType(CallFailedException.class,
                () -> provider(TokenProvider.ClientAuthentication.POST).token(Set.of("a")));

        assertThat(failure.status()).isEqualTo(502);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {301, 302, 307, 308})
    void aTokenEndpointThatRedirectsIsNotFollowedTheCredentialsGoNowhereElse(int status) {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Location", "/elsewhere/token?tenant=x")));
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/elsewhere/token")).willReturn(tokenAnswer("3600")));

        CallFailedException failure = catchThrowableOfType(CallFailedException.class,
                () -> provider(TokenProvider.ClientAuthentication.BASIC).token(Set.of("a")));

        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.getMessage()).contains("client credentials never follow a redirect").contains("cognigy.auth.token-url");
        assertThat(failure.headers()).containsEntry("Location", server.baseUrl() + "/elsewhere/token");
        server.verify(exactly(0), com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/elsewhere/token")));
    }

    @Test
    void aClientThatFollowsRedirectsByItselfIsRefused() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

        IllegalArgumentException refused = catchThrowableOfType(IllegalArgumentException.class,
                () -> new TokenProvider(following, tokenUrl(), CLIENT_ID, CLIENT_SECRET,
                        TokenProvider.ClientAuthentication.POST, Duration.ofSeconds(5), clock));

        assertThat(refused).hasMessageContaining("must not follow redirects");
    }

    @Test
    void missingCredentialsFailWithoutCallingTheEndpoint() {
        stubTokens("3600");
        TokenProvider tokens = new TokenProvider(http, tokenUrl(), "", null, TokenProvider.ClientAuthentication.POST,
                Duration.ofSeconds(5), clock);

        CallFailedException failure = catchThrowableOfType(CallFailedException.class, () -> tokens.token(Set.of("a")));

        assertThat(failure.status()).isEqualTo(401);
        assertThat(failure.getMessage()).contains("cognigy.auth.client-id");
        assertThat(fetches()).isZero();
    }

    @Test
    void concurrentCallersShareOneFetch() throws Exception {
        server.stubFor(post(urlEqualTo(PATH)).willReturn(tokenAnswer("3600").withFixedDelay(300)));
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.POST);
        int callers = 20;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return tokens.token(Set.of("jobs:read", "nlu:models:export"));
                }));
            }
            go.countDown();
            List<String> got = new ArrayList<>();
            for (Future<String> answer : answers) {
                got.add(answer.get(10, TimeUnit.SECONDS));
            }

            assertThat(got).hasSize(callers).containsOnly(got.get(0));
            assertThat(fetches()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void issuedTokensAndTheClientSecretAreRedactedAfterwards() {
        stubTokens("3600");
        TokenProvider tokens = provider(TokenProvider.ClientAuthentication.BASIC);
        String token = tokens.token(Set.of("a"));
        String other = tokens.token(Set.of("b"));

        assertThat(Secrets.redact("calling with " + token + " and " + other)).isEqualTo("calling with **** and ****");
        assertThat(Secrets.redact("{\"secret\":\"" + CLIENT_SECRET + "\"}")).isEqualTo("{\"secret\":\"****\"}");
    }
}
