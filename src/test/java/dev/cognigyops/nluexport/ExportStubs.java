package dev.cognigyops.nluexport;

import java.util.Map;
import java.util.Random;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.cognigyops.testsupport.Fixtures;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

/** Cognigy's side of an nlu-export, as WireMock stubs: model intent-classifier 1.4.0, job job-1, export exp-1. */
public final class ExportStubs {

    public static final String VERSION_PATH = "/api/v1/nlu/models/intent-classifier/versions/1.4.0";
    public static final String EXPORTS_PATH = "/api/v1/nlu/models/intent-classifier/exports";
    public static final String JOB_PATH = "/api/v1/jobs/job-1";
    public static final String ARTIFACT_PATH = "/api/v1/artifacts/exp-1";
    public static final String KEY = "nlu-exports/intent-classifier/1.4.0/exp-1.onnx";

    private final WireMockServer cognigy;
    private final byte[] artifact;

    public ExportStubs(WireMockServer cognigy, int artifactSize) {
        this.cognigy = cognigy;
        this.artifact = new byte[artifactSize];
        new Random(42).nextBytes(artifact);
    }

    public byte[] artifact() {
        return artifact;
    }

    /** A run request for the stubbed model (fixture nluexport/request.json); {@code extraPayload} starts with a comma. */
    public static String request(String requestId, String extraPayload) {
        return Fixtures.runRequest(Fixtures.object("nluexport/request.json"), requestId, extraPayload);
    }

    public void trainedVersion() {
        cognigy.stubFor(get(VERSION_PATH).willReturn(okJson(Fixtures.json("nluexport/model-version-trained.json"))));
    }

    public void exportStart() {
        cognigy.stubFor(post(EXPORTS_PATH).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(Fixtures.json("nluexport/export-started.json"))));
    }

    /**
     * PENDING, RUNNING 60 %, then COMPLETED with a relative downloadUrl, on successive reads. WireMock reads
     * a scenario's state once per stub, so a read racing another's state change can match none of the three
     * (a 404, which ends an export as NOT_FOUND); with runs polling at once, that read is RUNNING instead.
     */
    public void jobRunningThenCompleted() {
        cognigy.stubFor(get(JOB_PATH).atPriority(10).willReturn(okJson(Fixtures.json("nluexport/job-running.json"))));
        cognigy.stubFor(get(JOB_PATH).inScenario("job").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(Fixtures.json("nluexport/job-pending.json"))).willSetStateTo("running"));
        cognigy.stubFor(get(JOB_PATH).inScenario("job").whenScenarioStateIs("running")
                .willReturn(okJson(Fixtures.json("nluexport/job-running.json"))).willSetStateTo("done"));
        cognigy.stubFor(get(JOB_PATH).inScenario("job").whenScenarioStateIs("done")
                .willReturn(okJson(Fixtures.json("nluexport/job-completed.json", Map.of("downloadUrl", ARTIFACT_PATH)))));
    }

    public void artifactDownload() {
        cognigy.stubFor(get(ARTIFACT_PATH).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/octet-stream").withBody(artifact)));
    }

    public void happyPath() {
        trainedVersion();
        exportStart();
        jobRunningThenCompleted();
        artifactDownload();
    }
}
