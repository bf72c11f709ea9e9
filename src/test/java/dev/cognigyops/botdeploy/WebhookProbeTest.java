package dev.cognigyops.botdeploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HEAD every webhook at once: 2xx is reachable; anything else, silence past the timeout or no server is
 * not, and no failure without an answer can be told from another (the check is no port scanner).
 */
class WebhookProbeTest {

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    WireMockServer hooks;
    WebhookProbe probe = new WebhookProbe(CLIENT, url -> Optional.empty(), Clock.systemUTC());

    @BeforeEach
    void start() {
        hooks = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        hooks.start();
    }

    @AfterEach
    void stop() {
        hooks.stop();
    }

    @Test
    void tellsEachWebhookApartWithinOneTimeout() throws Exception {
        hooks.stubFor(request("HEAD", urlEqualTo("/ok")).willReturn(aResponse().withStatus(204)));
        hooks.stubFor(request("HEAD", urlEqualTo("/error")).willReturn(aResponse().withStatus(500)));
        hooks.stubFor(request("HEAD", urlEqualTo("/slow1")).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        hooks.stubFor(request("HEAD", urlEqualTo("/slow2")).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        hooks.stubFor(request("HEAD", urlEqualTo("/slow3")).willReturn(aResponse().withStatus(200).withFixedDelay(1500)));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String base = hooks.baseUrl();
        // the JDK client's first request loads its classes and threads; not what is measured here
        assertThat(probe.check(List.of(base + "/ok"), Duration.ofSeconds(10))).allMatch(WebhookProbe.Check::reachable);

        long start = System.nanoTime();
        List<WebhookProbe.Check> checks = probe.check(List.of(base + "/ok", base + "/error", base + "/slow1", base + "/slow2",
                base + "/slow3", "http://localhost:" + closedPort + "/gone"), Duration.ofMillis(600));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(checks).as(checks.toString()).extracting(WebhookProbe.Check::reachable).containsExactly(true, false, false, false, false, false);
        assertThat(checks.get(0).status()).isEqualTo(204);
        assertThat(checks.get(1).problem()).isEqualTo("answered HTTP 500");
        assertThat(checks.get(2).problem()).isEqualTo("no answer within 600 ms");
        assertThat(checks.get(5).problem()).as("a refused port reads as silence").isEqualTo("no answer within 600 ms");
        // one after the other, the three slow ones alone would take 3 × 600 ms
        assertThat(tookMs).as("the slow webhooks waited for at once").isLessThan(1500);
    }

    @Test
    void aRefusedPortASilentServerAResetAndAnUnknownHostLookAlike() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket resetting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // accepts every connection and closes it at once with a reset
            Thread resetter = new Thread(() -> {
                while (!resetting.isClosed()) {
                    try (Socket socket = resetting.accept()) {
                        socket.setSoLinger(true, 0);
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            resetter.setDaemon(true);
            resetter.start();
            // the silent one's connections wait in its backlog: accepted by the system, never answered

            long start = System.nanoTime();
            List<WebhookProbe.Check> checks = probe.check(List.of(
                    "http://127.0.0.1:" + closedPort + "/hook",
                    "http://127.0.0.1:" + silent.getLocalPort() + "/hook",
                    "http://127.0.0.1:" + resetting.getLocalPort() + "/hook",
                    "http://no-such-host.invalid/hook"), Duration.ofMillis(800));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(checks).as(checks.toString()).allSatisfy(c -> {
                assertThat(c.reachable()).isFalse();
                assertThat(c.status()).isZero();
                assertThat(c.problem()).isEqualTo("no answer within 800 ms");
                assertThat(c.latencyMs()).as("each is reported when the timeout is over").isEqualTo(800);
            });
            assertThat(tookMs).as("even the refused port is only reported at the timeout").isGreaterThanOrEqualTo(800);
        }
    }

    @Test
    void aWebhookWhoseHostIsRefusedIsNotAsked() {
        hooks.stubFor(request("HEAD", urlEqualTo("/hook")).willReturn(aResponse().withStatus(204)));
        WebhookProbe guarded = new WebhookProbe(CLIENT,
                url -> url.contains("/hook") ? Optional.of("localhost resolves to 127.0.0.1, a loopback address") : Optional.empty(),
                Clock.systemUTC());

        List<WebhookProbe.Check> checks = guarded.check(List.of(hooks.baseUrl() + "/hook"), Duration.ofSeconds(2));

        assertThat(checks.get(0).reachable()).isFalse();
        assertThat(checks.get(0).problem()).isEqualTo("not asked: localhost resolves to 127.0.0.1, a loopback address");
        hooks.verify(0, com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Test
    void aRedirectIsShownWhereItPointsWithoutItsQuery() {
        java.net.URI from = java.net.URI.create("https://hooks.example.com/a/b");
        assertThat(WebhookProbe.redirectTarget(from, "/login?next=%2Fa")).isEqualTo("https://hooks.example.com/login");
        assertThat(WebhookProbe.redirectTarget(from, "http://other.example.com:8080/c?k=1")).isEqualTo("http://other.example.com:8080/c");
        assertThat(WebhookProbe.redirectTarget(from, "http://bad host/ x")).isEqualTo("(an unparseable Location)");
    }

    @Test
    void showsAUrlWithoutCredentialsOrQuery() {
        assertThat(WebhookProbe.shown("https://user:pw@hooks.example.com:8443/a/b?token=abc")).isEqualTo("https://hooks.example.com:8443/a/b");
    }
}
