package dev.cognigyops.deploy;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** HEAD every webhook at once: 2xx is reachable; anything else, silence past the timeout or no server is not. */
class WebhookProbeTest {

    WireMockServer hooks;
    WebhookProbe probe = new WebhookProbe(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Clock.systemUTC());

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
        assertThat(checks.get(5).problem()).startsWith("unreachable: ");
        // one after the other, the three slow ones alone would take 3 × 600 ms
        assertThat(tookMs).as("the slow webhooks waited for at once").isLessThan(1500);
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
