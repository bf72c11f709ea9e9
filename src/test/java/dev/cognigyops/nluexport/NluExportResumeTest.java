package dev.cognigyops.nluexport;

import com.fasterxml.jackson.databind.JsonNode;



import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;



import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.moreThanOrExactly;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run entered with a saved state goes on from its phase: an export whose job was already started
 * (phase EXPORT_REQUESTED, jobId and exportId recorded) polls that job and stores its artifact, and
 * neither checks the model version nor starts an export again.
 */
class NluExportResumeTest extends AppTestSupport {

    ExportStubs stubs;

    @Override
    protected void doPostSetup() {
        stubs = new ExportStubs(cognigy, 40_000);
        stubs.happyPath();
    }


    @Test
    void anExportWhoseJobWasStartedPollsThatJobAndStartsNoOther() throws Exception {
        NluExportRun saved = new NluExportRun(NluExportRun.Phase.EXPORT_REQUESTED, "resumed-1", "intent-classifier", "1.4.0",
                "ONNX", bucket, null, null, System.currentTimeMillis(), "job-1", "exp-1", null, 0, null, null, null);

        JsonNode result = runFrom(saved, ExportStubs.request("resumed-1", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("exportId").asText()).isEqualTo("exp-1");
        assertThat(s3().getBytes(bucket, ExportStubs.KEY)).isEqualTo(stubs.artifact());
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(ExportStubs.VERSION_PATH)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(ExportStubs.EXPORTS_PATH)));
        cognigy.verify(moreThanOrExactly(1), getRequestedFor(urlEqualTo(ExportStubs.JOB_PATH)));
        cognigy.verify(exactly(1), getRequestedFor(urlEqualTo(ExportStubs.ARTIFACT_PATH)));
    }

    @Test
    void anExportWhoseArtifactWasStoredOnlyFinishes() throws Exception {
        NluExportRun saved = new NluExportRun(NluExportRun.Phase.ARTIFACT_STORED, "resumed-2", "intent-classifier", "1.4.0",
                "ONNX", bucket, null, null, System.currentTimeMillis(), "job-1", "exp-1", "COMPLETED", 100,
                "/api/v1/artifacts/exp-1", new dev.cognigyops.storage.StoredObject(bucket, ExportStubs.KEY, 40_000,
                "ab".repeat(32), 0.5), null);

        JsonNode result = runFrom(saved, ExportStubs.request("resumed-2", ""));

        assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        assertThat(result.path("output").path("sha256").asText()).isEqualTo("ab".repeat(32));
        cognigy.verify(exactly(0), anyRequestedFor(urlPathEqualTo(ExportStubs.JOB_PATH)));
        cognigy.verify(exactly(0), getRequestedFor(urlEqualTo(ExportStubs.ARTIFACT_PATH)));
        cognigy.verify(exactly(0), postRequestedFor(urlEqualTo(ExportStubs.EXPORTS_PATH)));
        assertThat(auditActions("resumed-2")).containsExactly("RUN_STARTED", "EXPORT_COMPLETED", "RUN_FINISHED");
    }
}
