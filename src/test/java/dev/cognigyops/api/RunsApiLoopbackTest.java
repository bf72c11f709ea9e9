package dev.cognigyops.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** With no token configured the runs API answers loopback callers only (docs/contract.md §8). */
class RunsApiLoopbackTest extends AppTestSupport {

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected boolean servesHttp() {
        return true;
    }

    HttpResponse<String> get(String host, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An IPv4 address of an interface of this machine that is up and not loopback. */
    static Optional<InetAddress> nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    return Optional.of(address);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void loopbackCallersAreLetInWithoutATokenAndEveryoneElseIsRefused() throws Exception {
        HttpResponse<String> loopback = get("127.0.0.1", "/api/runs");
        assertThat(loopback.statusCode()).as(loopback.body()).isEqualTo(200);
        assertThat(Json.parse(loopback.body()).path("runs").isArray()).isTrue();
        assertThat(get("127.0.0.1", "/api/openapi.json").statusCode()).isEqualTo(200);

        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address");
        for (String path : new String[] {"/api/runs", "/api/runs/x", "/api/openapi.json"}) {
            HttpResponse<String> refused = get(other.get().getHostAddress(), path);
            assertThat(refused.statusCode()).as(path + " from " + other.get()).isEqualTo(401);
            assertThat(refused.body()).isEmpty();
            assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        }
    }
}
