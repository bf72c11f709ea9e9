package dev.cognigyops.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.PostgresServer;

/**
 * The run store (PostgreSQL) goes away: the instance is no longer ready (503, the body naming run-store as
 * DOWN) but still live — Kubernetes stops sending it work and does not restart it — and it is ready again
 * once the store is back.
 */
class StoreDownHealthTest extends AppTestSupport {

    static PostgresServer postgres;
    static String url;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start();
        url = postgres.createDatabase();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected boolean servesHttp() {
        return true;
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.store.url", url);
        p.setProperty("cognigy.store.user", postgres.user());
        p.setProperty("cognigy.store.password", postgres.password());
        p.setProperty("cognigy.store.connect-timeout-ms", "1000");
        p.setProperty("cognigy.store.retry-ms", "1000");
        p.setProperty("cognigy.health.timeout-ms", "1500");
        return p;
    }

    @Test
    void notReadyWhileTheStoreIsDownLiveThroughout() throws Exception {
        assertThat(status("/observe/health/ready")).isEqualTo(200);

        postgres.stopServer();
        try {
            HttpResponse<String> ready = get("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            JsonNode body = Json.parse(ready.body());
            assertThat(body.path("status").asText()).isEqualTo("DOWN");
            JsonNode store = ObserveAppTest.check(body, "run-store");
            assertThat(store.path("status").asText()).isEqualTo("DOWN");
            assertThat(store.path("message").asText()).startsWith("the run store does not answer");
            assertThat(body.toString()).as("the store's password is never shown").doesNotContain(postgres.password());
            assertThat(ObserveAppTest.check(body, "s3").path("status").asText()).isEqualTo("UP");
            assertThat(status("/observe/health/live")).as("a store outage restarts nothing").isEqualTo(200);
        } finally {
            postgres.startServer();
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> status("/observe/health/ready") == 200);
    }

    private int status(String path) throws Exception {
        return get(path).statusCode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(appUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
