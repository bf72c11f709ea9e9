package dev.cognigyops.demo.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Clock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's retraining and MLflow areas behave as the demo relies on. */
class NlpRetrainApiTest {

    static final String JOBS = "/api/v2/ai/nlp/training/jobs";
    static final String BODY = "{\"modelId\":\"" + NlpRetrainApi.DEMO_MODEL_ID + "\",\"computeConstraints\":{\"maxGpuMemory\":16384}}";
    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http = HttpClient.newHttpClient();
    CognigySimulator sim;
    NlpRetrainApi retrain;
    String token;

    @BeforeEach
    void start() throws Exception {
        retrain = new NlpRetrainApi(Clock.systemUTC());
        sim = new CognigySimulator("c", "s").start().register(retrain).register(new MlflowApi());
        HttpResponse<String> t = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString("grant_type=client_credentials&client_id=c&client_secret=s")).build(),
                BodyHandlers.ofString());
        token = JSON.readTree(t.body()).get("access_token").asText();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void trainsANewVersionOncePerRequestIdAndServesItsMetrics() throws Exception {
        assertThat(send("POST", JOBS, BODY, null).statusCode()).as("no X-Request-Id").isEqualTo(400);
        JsonNode job = JSON.readTree(send("POST", JOBS, BODY, "r-1").body());
        JsonNode again = JSON.readTree(send("POST", JOBS, BODY, "r-1").body());
        JsonNode other = JSON.readTree(send("POST", JOBS, BODY, "r-2").body());
        assertThat(job.get("status").asText()).isEqualTo("queued");
        assertThat(again.get("jobId")).isEqualTo(job.get("jobId"));
        assertThat(other.get("jobId")).isNotEqualTo(job.get("jobId"));

        String path = JOBS + "/" + job.get("jobId").asText();
        assertThat(status(path)).isEqualTo("queued");
        assertThat(status(path)).isEqualTo("running");
        assertThat(status(path)).isEqualTo("running");
        assertThat(status(path)).isEqualTo("completed");

        String metrics = "/api/v2/ai/nlp/models/" + NlpRetrainApi.DEMO_MODEL_ID + "/versions/";
        assertThat(JSON.readTree(send("GET", metrics + job.get("modelVersionId").asText() + "/metrics", null, null).body())
                .get("f1Score").asDouble()).isEqualTo(0.931);
        assertThat(JSON.readTree(send("GET", metrics + NlpRetrainApi.BASELINE_VERSION + "/metrics", null, null).body())
                .get("f1Score").asDouble()).isEqualTo(0.89);
        assertThat(send("GET", metrics + "v0/metrics", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void refusesAGpuRequestOverTheQuotaWithADetail() throws Exception {
        HttpResponse<String> refused = send("POST", JOBS, BODY.replace("16384", "65536"), "r-3");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(refused.body()).get("detail").asText()).contains("exceeds the tenant quota");
    }

    @Test
    void mlflowCreatesAnExperimentOnceAndTracksARun() throws Exception {
        String api = "/api/2.0/mlflow/";
        assertThat(send("GET", api + "experiments/get-by-name?experiment_name=x%20y", null, null).statusCode()).isEqualTo(404);
        String id = JSON.readTree(send("POST", api + "experiments/create", "{\"name\":\"x y\"}", null).body()).get("experiment_id").asText();
        assertThat(send("POST", api + "experiments/create", "{\"name\":\"x y\"}", null).statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(send("GET", api + "experiments/get-by-name?experiment_name=x%20y", null, null).body())
                .at("/experiment/experiment_id").asText()).isEqualTo(id);
        String run = JSON.readTree(send("POST", api + "runs/create", "{\"experiment_id\":\"" + id + "\"}", null).body())
                .at("/run/info/run_id").asText();
        assertThat(send("POST", api + "runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":[]}", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", api + "runs/update", "{\"run_id\":\"" + run + "\",\"status\":\"FINISHED\"}", null).statusCode()).isEqualTo(200);
        assertThat(send("POST", api + "runs/update", "{\"run_id\":\"nope\",\"status\":\"FINISHED\"}", null).statusCode()).isEqualTo(404);
    }

    private String status(String path) throws Exception {
        return JSON.readTree(send("GET", path, null, null).body()).get("status").asText();
    }

    private HttpResponse<String> send(String method, String path, String body, String requestId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }
}
