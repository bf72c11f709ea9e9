package dev.cognigyops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterEach;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.OutputStreamAppender;

import dev.cognigyops.runs.RunDispatch;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.EmbeddedS3;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * Boots the whole application as a user runs it — the real application.properties, routes and
 * beans — against WireMock standing in for Cognigy (and webhooks) and a real S3-compatible server
 * (S3Proxy) in the JVM, all on dynamic ports, with fresh inbox/results/audit folders per test.
 * Retry and poll pacing are shortened so that failure paths finish in seconds.
 */
public abstract class AppTestSupport extends CamelMainTestSupport {

    protected static final String CLIENT_ID = "ops-client";
    protected static final String CLIENT_SECRET = "s3cr3t-Client-Secret-for-tests";
    /** A bucket of this test's own, so no test sees another's objects. */
    protected String bucket;

    private static EmbeddedS3 sharedS3;

    protected WireMockServer cognigy;
    protected Path workDir;
    private final java.io.ByteArrayOutputStream capturedLog = new java.io.ByteArrayOutputStream();
    private OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> logCapture;

    static {
        // the app takes S3 credentials from the AWS default chain, as in production
        System.setProperty("aws.accessKeyId", EmbeddedS3.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", EmbeddedS3.SECRET_KEY);
    }

    protected static synchronized EmbeddedS3 s3() {
        if (sharedS3 == null) {
            sharedS3 = EmbeddedS3.start();
            Runtime.getRuntime().addShutdownHook(new Thread(sharedS3::close));
        }
        return sharedS3;
    }

    @Override
    protected void doPreSetup() throws Exception {
        startCapturingLog();
        workDir = Files.createTempDirectory("cognigy-ops-test");
        cognigy = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        cognigy.start();
        stubToken("token-1", 3600);
        bucket = "exports-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        s3().createBucket(bucket);
        overrides.putAll(settings());
    }

    @AfterEach
    void stopServers() {
        if (cognigy != null) {
            cognigy.stop();
        }
        stopCapturingLog();
    }

    /** Handed to Camel when the test is constructed; filled in doPreSetup, once the servers have ports. */
    private Properties overrides;

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        overrides = new Properties();
        configuration.withUseOverridePropertiesWithPropertiesComponent(overrides);
    }

    /** The settings every test runs with; subclasses add or change some. */
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("cognigy.base-url", cognigy.baseUrl());
        p.setProperty("cognigy.auth.client-id", CLIENT_ID);
        p.setProperty("cognigy.auth.client-secret", CLIENT_SECRET);
        p.setProperty("cognigy.inbox.dir", workDir.resolve("inbox").toString());
        p.setProperty("cognigy.results.dir", workDir.resolve("results").toString());
        p.setProperty("cognigy.audit.file", workDir.resolve("audit/audit.jsonl").toString());
        p.setProperty("cognigy.spool.dir", workDir.resolve("spool").toString());
        p.setProperty("cognigy.data.dir", workDir.resolve("data").toString());
        // the inbox claims' release waits out a shared folder's caching (30 s); a test's folder has none,
        // and a stop waits for releases still pending
        p.setProperty("cognigy.inbox.claim-release-delay-ms", "100");
        p.setProperty("cognigy.inbox.poll-ms", "100");
        p.setProperty("cognigy.inbox.read-lock-check-ms", "200");
        p.setProperty("cognigy.s3.bucket", bucket);
        p.setProperty("cognigy.s3.endpoint-override", s3().endpoint().toString());
        p.setProperty("cognigy.s3.path-style", "true");
        p.setProperty("cognigy.retry.first-delay-ms", "50");
        p.setProperty("cognigy.retry.max-delay-ms", "200");
        p.setProperty("cognigy.retry.jitter", "0");
        p.setProperty("cognigy.retry.max-attempts", "4");
        p.setProperty("cognigy.retry.deadline-seconds", "20");
        // the tests' webhooks live on WireMock (loopback): allowed here explicitly, the default stays strict
        p.setProperty("cognigy.webhook.allowed-urls", cognigy.baseUrl());
        p.setProperty("cognigy.webhook.retry.first-delay-ms", "50");
        p.setProperty("cognigy.webhook.retry.max-attempts", "3");
        p.setProperty("cognigy.poll.first-delay-ms", "50");
        p.setProperty("cognigy.poll.max-delay-ms", "100");
        p.setProperty("cognigy.poll.max-attempts", "20");
        p.setProperty("cognigy.poll.deadline-seconds", "20");
        p.setProperty("cognigy.kafka.brokers", "");
        p.setProperty("camel.component.http.response-timeout", "5000");
        p.setProperty("cognigy.http.response-timeout-ms", "5000");
        // the HTTP server (probes, metrics, runs API, page) only where a test asks for it, on a port of its own
        boolean serve = servesHttp();
        p.setProperty("camel.server.enabled", String.valueOf(serve));
        p.setProperty("camel.management.enabled", String.valueOf(serve));
        // the Prometheus registry and Camel's per-route meters with the server only (their cost at every boot)
        p.setProperty("camel.metrics.enabled", String.valueOf(serve));
        if (serve) {
            httpPort = dev.cognigyops.testsupport.FreePort.pick();
            p.setProperty("camel.server.port", String.valueOf(httpPort));
        }
        return p;
    }

    /** The port of the app's HTTP server, when {@link #servesHttp()}. */
    protected int httpPort;

    /** Whether this test's app serves HTTP (probes, metrics, runs API, page); off unless a test turns it on. */
    protected boolean servesHttp() {
        return false;
    }

    /** http://localhost:{port} of the app's HTTP server. */
    protected String appUrl() {
        return "http://localhost:" + httpPort;
    }


    protected void stubToken(String token, long expiresIn) {
        cognigy.stubFor(post(urlEqualTo("/oauth/token"))
                .withFormParam("client_secret", equalTo(CLIENT_SECRET))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}")));
    }

    /** Runs one request through the dispatch as the command line does; returns the result. */
    protected JsonNode run(String request) throws IOException {
        return runFrom(null, request);
    }

    /**
     * Runs one request that goes on from a saved run state (its operation's state record, written
     * as JSON and read back as a resumed run would be), or from the start when it is null.
     */
    protected JsonNode runFrom(Object savedState, String request) throws IOException {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(RunDispatch.TRIGGER, "cli");
        exchange.setProperty(RunDispatch.SOURCE, "test");
        if (savedState != null) {
            exchange.setProperty(RunDispatch.RESUME_STATE, Json.MAPPER.readTree(Json.write(savedState)));
        }
        exchange.getMessage().setBody(request);
        Exchange done = template.send("direct:run-request", exchange);
        if (done.getException() != null) {
            throw new AssertionError("the dispatch itself failed", done.getException());
        }
        String body = done.getMessage().getBody(String.class);
        return body == null ? null : Json.parse(body);
    }

    protected JsonNode resultFile(String runId) throws IOException {
        return Json.MAPPER.readTree(workDir.resolve("results").resolve(runId + ".json").toFile());
    }

    protected List<JsonNode> auditEvents() throws IOException {
        Path file = workDir.resolve("audit/audit.jsonl");
        List<JsonNode> events = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                events.add(Json.parse(line));
            }
        }
        return events;
    }

    protected List<String> auditActions(String runId) throws IOException {
        List<String> actions = new ArrayList<>();
        for (JsonNode e : auditEvents()) {
            if (runId.equals(e.path("runId").asText())) {
                actions.add(e.path("action").asText());
            }
        }
        return actions;
    }

    /** Everything the application logged during this test. */
    protected String capturedLog() {
        return capturedLog.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    protected static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    private void startCapturingLog() {
        LoggerContext lc = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(lc);
        // the application's own converters: what reaches this appender is what reaches the console
        lc.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, ruleRegistry(lc));
        encoder.setPattern("%level %logger - %msg%n%safeEx");
        encoder.start();
        logCapture = new OutputStreamAppender<>();
        logCapture.setContext(lc);
        logCapture.setEncoder(encoder);
        logCapture.setOutputStream(capturedLog);
        logCapture.start();
        Logger root = lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logCapture);
        lc.getLogger("dev.cognigyops").setLevel(ch.qos.logback.classic.Level.DEBUG);
        lc.getLogger("org.apache.camel").setLevel(ch.qos.logback.classic.Level.DEBUG);
        lc.getLogger("org.apache.hc.client5.http.headers").setLevel(ch.qos.logback.classic.Level.DEBUG);
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, String> ruleRegistry(LoggerContext lc) {
        Object existing = lc.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY);
        java.util.Map<String, String> rules = existing instanceof java.util.Map<?, ?> m
                ? (java.util.Map<String, String>) m : new java.util.HashMap<>();
        rules.put("msg", dev.cognigyops.support.RedactingMessageConverter.class.getName());
        rules.put("safeEx", dev.cognigyops.support.RedactingThrowableConverter.class.getName());
        return rules;
    }

    private void stopCapturingLog() {
        if (logCapture != null) {
            LoggerContext lc = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            lc.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logCapture);
            lc.getLogger("dev.cognigyops").setLevel(ch.qos.logback.classic.Level.INFO);
            lc.getLogger("org.apache.camel").setLevel(ch.qos.logback.classic.Level.INFO);
            lc.getLogger("org.apache.hc.client5.http.headers").setLevel(null);
            logCapture.stop();
        }
    }

    protected static void deleteQuietly(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
