package dev.cognigyops.demo.simulator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathTemplate;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.cognigyops.demo.simulator.Routes.Route;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A stateful, in-process fake of a Cognigy.AI tenant's REST API on a dynamic port.
 *
 * <pre>{@code
 * try (CognigySimulator cognigy = new CognigySimulator("ops-client", "s3cret").start()) {
 *     String baseUrl = cognigy.baseUrl();   // point the client here
 *     ...
 *     assertThat(sha256(downloaded)).isEqualTo(cognigy.expectedSha256(cognigy.exportsStarted().get(0)));
 * }
 * }</pre>
 *
 * <p>Each API area is a {@link SimulatedApi} that keeps its state in Java objects and declares its
 * routes; every route becomes a WireMock stub answered by {@link SimulatorTransformer}. All routes
 * except {@code POST /oauth/token} require a bearer token this simulator issued and that has not
 * expired. Areas now: {@link OAuthApi} and {@link NluExportApi}.
 */
public final class CognigySimulator implements AutoCloseable {

    private final SimulatorTransformer transformer;
    private final WireMockServer server;
    private final OAuthApi oauth;
    private final NluExportApi nlu;

    public CognigySimulator(String clientId, String clientSecret) {
        this(clientId, clientSecret, Clock.systemUTC());
    }

    /** With a clock of your own, e.g. to expire tokens in a test without waiting. */
    public CognigySimulator(String clientId, String clientSecret, Clock clock) {
        this.oauth = new OAuthApi(clientId, clientSecret, clock);
        this.nlu = new NluExportApi(clock);
        this.transformer = new SimulatorTransformer(oauth::isValid);
        this.server = new WireMockServer(wireMockConfig()
                .dynamicPort()
                .extensions(transformer)
                .gzipDisabled(true)               // keep Content-Length exact
                .maxLoggedResponseSize(1024)      // the journal must not buffer whole artifacts
                .maxRequestJournalEntries(1000));
        server.stubFor(any(anyUrl()).atPriority(100)
                .willReturn(aResponse().withTransformers(SimulatorTransformer.NAME)));
        register(oauth);
        register(nlu);
    }

    /** Plugs in another API area; may be called before or after {@link #start()}. */
    public CognigySimulator register(SimulatedApi api) {
        Routes routes = new Routes();
        api.registerRoutes(routes);
        routes.all().forEach(this::install);
        return this;
    }

    private void install(Route route) {
        StubMapping stub = server.stubFor(request(route.method(), urlPathTemplate(route.pathTemplate()))
                .willReturn(aResponse().withTransformers(SimulatorTransformer.NAME)));
        transformer.bind(stub.getId(), route);
    }

    // ---- lifecycle

    public CognigySimulator start() {
        server.start();
        return this;
    }

    public void stop() {
        if (server.isRunning()) {
            server.stop();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public int port() {
        return server.port();
    }

    /** e.g. {@code http://localhost:54321}, without a trailing slash. */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** The underlying server, e.g. for {@code verify(...)} against its request journal. */
    public WireMockServer wireMock() {
        return server;
    }

    // ---- settings

    /** {@code expires_in} of tokens issued from now on; default one hour. */
    public CognigySimulator withTokenTtl(Duration ttl) {
        oauth.tokenTtl(ttl);
        return this;
    }

    /** Reads of an export job that answer PENDING, then RUNNING, before COMPLETED; default 1 and 3. */
    public CognigySimulator withJobStages(int pendingReads, int runningReads) {
        nlu.jobStages(pendingReads, runningReads);
        return this;
    }

    /** Size in bytes of exported artifacts; default 2 MiB. */
    public CognigySimulator withArtifactSize(long bytes) {
        nlu.artifactSize(bytes);
        return this;
    }

    // ---- the areas, and shortcuts into them

    public OAuthApi oauth() {
        return oauth;
    }

    public NluExportApi nlu() {
        return nlu;
    }

    public CognigySimulator addModelVersion(String modelId, String version, String status) {
        nlu.addModelVersion(modelId, version, status);
        return this;
    }

    /** Export ids, in the order the exports were started. */
    public List<String> exportsStarted() {
        return nlu.exportsStarted();
    }

    public byte[] expectedArtifact(String exportId) {
        return nlu.expectedArtifact(exportId);
    }

    /** Lower-case hex SHA-256 of the artifact served for this export. */
    public String expectedSha256(String exportId) {
        return nlu.expectedSha256(exportId);
    }

    public int tokensIssued() {
        return oauth.tokensIssued();
    }
}
