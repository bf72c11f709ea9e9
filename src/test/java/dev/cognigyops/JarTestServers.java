package dev.cognigyops;

import java.util.LinkedHashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.testsupport.EmbeddedS3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * What the built jar needs around it in an integration test: WireMock as the Cognigy tenant (with
 * nlu-export's happy path) and S3Proxy with a bucket, and the environment that points the app at
 * them — the way an operator configures it.
 */
public final class JarTestServers implements AutoCloseable {

    public final WireMockServer cognigy;
    public final EmbeddedS3 s3;
    public final String bucket;

    public JarTestServers(String bucket) {
        this.bucket = bucket;
        cognigy = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        cognigy.start();
        cognigy.stubFor(post(urlEqualTo("/oauth/token")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"access_token\":\"jar-token-123\",\"expires_in\":3600}")));
        new ExportStubs(cognigy, 10_000).happyPath();
        s3 = EmbeddedS3.start();
        s3.createBucket(bucket);
    }

    /** The app's environment, with its folders under the working folder it runs in. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("COGNIGY_BASE_URL", cognigy.baseUrl());
        env.put("COGNIGY_AUTH_CLIENT_ID", "jar-client");
        env.put("COGNIGY_AUTH_CLIENT_SECRET", "jar-secret-value-xyz");
        env.put("COGNIGY_S3_BUCKET", bucket);
        env.put("COGNIGY_S3_ENDPOINT_OVERRIDE", s3.endpoint().toString());
        env.put("COGNIGY_S3_PATH_STYLE", "true");
        env.put("COGNIGY_POLL_FIRST_DELAY_MS", "50");
        env.put("COGNIGY_INBOX_POLL_MS", "200");
        env.put("COGNIGY_INBOX_READ_LOCK_CHECK_MS", "300");
        // no shared folder's caching to wait out; a stop waits for the inbox claims' pending releases
        env.put("COGNIGY_INBOX_CLAIM_RELEASE_DELAY_MS", "100");
        env.put("AWS_ACCESS_KEY_ID", EmbeddedS3.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", EmbeddedS3.SECRET_KEY);
        return env;
    }

    @Override
    public void close() {
        cognigy.stop();
        s3.close();
    }
}
