package dev.cognigyops.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;
import dev.cognigyops.trainingmonitor.MonitorStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runs API as a pipeline uses it (docs/contract.md §8), on the whole application with two tokens
 * configured (a rotation: current and next): submit, follow, read, list and page, events; what it refuses.
 */
class RunsApiTest extends AppTestSupport {

    static final String CURRENT = "tok-current-7f3a";
    static final String NEXT = "tok-next-91bc";
    static final String PREVIOUS = "tok-previous-55de";

    private final HttpClient http = HttpClient.newHttpClient();
    /** Every answer the API gave in this test: none may carry a secret. */
    private final List<HttpResponse<String>> answers = new ArrayList<>();
    private MonitorStubs stubs;

    @Override
    protected boolean servesHttp() {
        return true;
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.runs-api.tokens", CURRENT + "," + NEXT);
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "30");
        p.setProperty("cognigy.requests.max-bytes", "4096");
        return p;
    }

    @Override
    protected void doPostSetup() {
        stubs = new MonitorStubs(cognigy);
    }

    HttpResponse<String> call(String method, String path, String authorization, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(appUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        answers.add(answer);
        return answer;
    }

    HttpResponse<String> get(String path) throws Exception {
        return call("GET", path, "Bearer " + CURRENT, null);
    }

    HttpResponse<String> submit(String request) throws Exception {
        return call("POST", "/api/runs", "Bearer " + NEXT, request);
    }

    static JsonNode json(HttpResponse<String> answer) throws Exception {
        assertThat(answer.headers().firstValue("Content-Type")).as(answer.body()).contains("application/json");
        return Json.parse(answer.body());
    }

    void jobAnswers(String jobId, String... states) {
        List<com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder> answers = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            answers.add(okJson(MonitorStubs.status(jobId, states[i], states[i].equals("COMPLETED") ? 100 : 25.0 * (i + 1))));
        }
        stubs.responses(jobId, answers);
    }

    JsonNode awaitEnded(String location) {
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            run[0] = json(get(location));
            return !run[0].path("status").asText().equals("RUNNING");
        });
        return run[0];
    }

    @Test
    void aSubmittedRunIsFollowedToItsResultWithItsEventsAndARepeatOrARejectIsAnsweredAsSuch() throws Exception {
        jobAnswers("job-api", "QUEUED", "RUNNING", "COMPLETED");

        // accepted: 202, its id, where to follow it
        HttpResponse<String> accepted = submit(MonitorStubs.request("api-1", "job-api", ""));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(json(accepted).path("runId").asText()).isEqualTo("api-1");
        assertThat(json(accepted).path("status").asText()).isEqualTo("RUNNING");
        assertThat(accepted.headers().firstValue("Location")).contains("/api/runs/api-1");

        JsonNode run = awaitEnded("/api/runs/api-1");
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("trigger").asText()).isEqualTo("api");
        assertThat(run.path("operation").asText()).isEqualTo("training-monitor");
        assertThat(run.path("requestId").asText()).isEqualTo("api-1");
        assertThat(run.path("source").asText()).isIn("api:127.0.0.1", "api:0:0:0:0:0:0:0:1");
        assertThat(run.path("finishedAt").asText()).isNotEmpty();
        assertThat(run.path("durationMs").asLong()).isEqualTo(Duration.between(Instant.parse(run.path("startedAt").asText()),
                Instant.parse(run.path("finishedAt").asText())).toMillis());
        assertThat(run.path("cancelRequested").asBoolean()).isFalse();
        assertThat(run.path("owner").asText()).isNotEmpty();
        assertThat(run.has("step")).isTrue();
        assertThat(run.has("checkpoints")).isTrue();
        assertThat(run.path("result")).as("the stored result is the results file").isEqualTo(resultFile("api-1"));
        JsonNode progress = run.path("progress");
        assertThat(progress.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(progress.path("percent").asDouble()).isEqualTo(100.0);
        assertThat(progress.path("reads").asInt()).isEqualTo(3);

        // its events, in the order written, from RUN_STARTED to RUN_FINISHED: the audit file's
        List<String> fileActions = auditActions("api-1");
        JsonNode[] events = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            events[0] = json(get("/api/runs/api-1/events")).path("events");
            return events[0].size() == fileActions.size();
        });
        List<String> actions = new ArrayList<>();
        events[0].forEach(e -> actions.add(e.path("action").asText()));
        assertThat(actions).containsExactlyElementsOf(fileActions);
        assertThat(actions.get(0)).isEqualTo("RUN_STARTED");
        assertThat(actions.get(actions.size() - 1)).isEqualTo("RUN_FINISHED");
        assertThat(actions).contains("STATUS_CHECK");
        assertThat(events[0].get(0).path("details").path("trigger").asText()).isEqualTo("api");

        // the same requestId again: its stored result, nothing runs again
        int reads = cognigy.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(MonitorStubs.statusPath("job-api")))).size();
        HttpResponse<String> again = submit(MonitorStubs.request("api-1", "job-api", ""));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again)).isEqualTo(resultFile("api-1"));
        assertThat(cognigy.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(MonitorStubs.statusPath("job-api"))))).hasSize(reads);

        // a request that breaks its rules: 400 with its REJECTED result, kept as any rejected request is
        HttpResponse<String> rejected = submit("{\"operation\":\"training-monitor\",\"requestId\":\"api-bad\","
                + "\"payload\":{\"jobId\":\"job-x\",\"colour\":\"red\"}}");
        assertThat(rejected.statusCode()).isEqualTo(400);
        JsonNode result = json(rejected);
        assertThat(result.path("status").asText()).isEqualTo("REJECTED");
        assertThat(result.path("trigger").asText()).isEqualTo("api");
        assertThat(result.path("error").path("code").asText()).isEqualTo("INVALID_REQUEST");
        List<String> violations = new ArrayList<>();
        result.path("error").path("violations").forEach(v -> violations.add(v.asText()));
        assertThat(violations).anyMatch(v -> v.startsWith("payload.projectId"))
                .anyMatch(v -> v.startsWith("payload.colour"));
        assertThat(resultFile("api-bad")).isEqualTo(result);
        assertThat(auditActions("api-bad")).containsExactly("RUN_STARTED", "RUN_FINISHED");
        // and listed, and shown with its result, though it is no run of the store (its requestId stays free)
        JsonNode shownRejected = json(get("/api/runs/api-bad"));
        assertThat(shownRejected.path("status").asText()).isEqualTo("REJECTED");
        assertThat(shownRejected.path("result")).isEqualTo(result);
        List<String> rejectedListed = new ArrayList<>();
        json(get("/api/runs?status=REJECTED&trigger=api")).path("runs").forEach(r -> rejectedListed.add(r.path("runId").asText()));
        assertThat(rejectedListed).containsExactly("api-bad");

        // not JSON, and too large (cognigy.requests.max-bytes is 4096 here): REJECTED, the violation named
        HttpResponse<String> notJson = submit("{\"operation\": nope");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).path("error").path("violations").get(0).asText()).startsWith("request");
        assertThat(Files.exists(workDir.resolve("results").resolve(json(notJson).path("runId").asText() + ".json"))).isTrue();
        HttpResponse<String> tooLarge = submit("{\"operation\":\"training-monitor\",\"payload\":{\"jobId\":\"" + "x".repeat(5000) + "\"}}");
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(json(tooLarge).path("error").path("violations").get(0).asText()).startsWith("request").contains("4096");

        // far over the limit: the server does not read it (camel.server.max-body-size), no run starts
        HttpResponse<String> huge = submit("{\"operation\":\"training-monitor\",\"requestId\":\"huge\",\"payload\":{\"jobId\":\""
                + "x".repeat(5_000_000) + "\"}}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(workDir.resolve("results").resolve("huge.json")).doesNotExist();

        // an unknown run
        HttpResponse<String> unknown = get("/api/runs/no-such-run");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").asText()).isEqualTo("NOT_FOUND");
        assertThat(json(unknown).path("message").asText()).isEqualTo("no run no-such-run");
        assertThat(get("/api/runs/no-such-run/events").statusCode()).isEqualTo(404);

        // the OpenAPI document, generated from the rest DSL, behind the same token rule
        HttpResponse<String> openapi = get("/api/openapi.json");
        assertThat(openapi.statusCode()).isEqualTo(200);
        JsonNode paths = Json.parse(openapi.body()).path("paths");
        Set<String> listed = new HashSet<>();
        paths.fieldNames().forEachRemaining(listed::add);
        assertThat(listed).contains("/runs", "/runs/{runId}", "/runs/{runId}/events", "/runs/{runId}/cancel");
        assertThat(paths.path("/runs").has("post")).isTrue();
        assertThat(paths.path("/runs").has("get")).isTrue();

        noSecretInAnyAnswer();
    }

    @Test
    void runsAreListedFilteredAndPagedAndABadQueryOrAnyoneWithoutATokenIsRefused() throws Exception {
        int n = 7;
        for (int i = 0; i < n; i++) {
            jobAnswers("job-" + i, i == 3 ? "FAILED" : "COMPLETED");
            assertThat(submit(MonitorStubs.request("list-" + i, "job-" + i, "")).statusCode()).isEqualTo(202);
        }
        for (int i = 0; i < n; i++) {
            awaitEnded("/api/runs/list-" + i);
        }

        // paging through every run, 3 a page: none twice, none missing, newest first
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = json(get("/api/runs?limit=3" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.path("runs").forEach(r -> seen.add(r.path("runId").asText()));
            cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().hasSize(n);
        Set<String> all = new HashSet<>();
        for (int i = 0; i < n; i++) {
            all.add("list-" + i);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(all);
        JsonNode whole = json(get("/api/runs"));
        List<Instant> started = new ArrayList<>();
        whole.path("runs").forEach(r -> started.add(Instant.parse(r.path("startedAt").asText())));
        assertThat(started).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(whole.path("nextCursor").isNull()).isTrue();
        JsonNode one = whole.path("runs").get(0);
        assertThat(one.has("step")).isTrue();
        for (String field : List.of("runId", "requestId", "operation", "trigger", "status", "startedAt", "finishedAt", "durationMs", "owner")) {
            assertThat(one.hasNonNull(field)).as(field).isTrue();
        }

        // each filter
        assertThat(ids(get("/api/runs?status=FAILED"))).containsExactly("list-3");
        assertThat(ids(get("/api/runs?status=SUCCEEDED"))).hasSize(n - 1).doesNotContain("list-3");
        assertThat(ids(get("/api/runs?status=RUNNING"))).isEmpty();
        assertThat(ids(get("/api/runs?operation=training-monitor"))).hasSize(n);
        assertThat(ids(get("/api/runs?operation=nlu-export"))).isEmpty();
        assertThat(ids(get("/api/runs?trigger=api"))).hasSize(n);
        assertThat(ids(get("/api/runs?trigger=kafka"))).isEmpty();
        String sinceLast = whole.path("runs").get(0).path("startedAt").asText();
        assertThat(ids(get("/api/runs?since=" + sinceLast))).containsExactly(whole.path("runs").get(0).path("runId").asText());
        assertThat(ids(get("/api/runs?since=2000-01-01T00:00:00Z&status=SUCCEEDED&trigger=api&operation=training-monitor")))
                .hasSize(n - 1);

        // a bad query: 400 naming each violation
        HttpResponse<String> bad = get("/api/runs?colour=red&status=DONE&limit=501&cursor=not-a-cursor&since=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode error = json(bad);
        assertThat(error.path("error").asText()).isEqualTo("INVALID_REQUEST");
        List<String> violations = new ArrayList<>();
        error.path("violations").forEach(v -> violations.add(v.asText()));
        assertThat(violations).containsExactly(
                "colour: is not a parameter here (operation, status, trigger, since, limit, cursor)",
                "status: 'DONE' is not one of RUNNING, SUCCEEDED, FAILED, CANCELLED, REJECTED",
                "since: 'yesterday' is not an ISO-8601 instant (e.g. 2026-01-31T12:00:00Z)",
                "limit: '501' is not a whole number from 1 to 500",
                "cursor: 'not-a-cursor' is not a cursor of this API (give the nextCursor of the previous page)");
        for (String query : List.of("limit=0", "status=DONE", "since=yesterday", "cursor=zz", "colour=red")) {
            HttpResponse<String> each = get("/api/runs?" + query);
            assertThat(each.statusCode()).as(query).isEqualTo(400);
            assertThat(json(each).path("violations")).as(query).hasSize(1);
        }
        assertThat(get("/api/runs/list-1?x=1").statusCode()).isEqualTo(400);

        // refused: a missing, wrong, malformed or old token; a token in the URL. 401, empty, nothing done
        String request = MonitorStubs.request("sneaky", "job-0", "");
        List<String[]> refusals = List.of(
                new String[] {null, "/api/runs"},
                new String[] {"Bearer wrong-token", "/api/runs"},
                new String[] {"Bearer " + PREVIOUS, "/api/runs"},
                new String[] {"Basic " + java.util.Base64.getEncoder().encodeToString((CURRENT + ":").getBytes()), "/api/runs"},
                new String[] {CURRENT, "/api/runs"},
                new String[] {"Bearer", "/api/runs"},
                new String[] {null, "/api/runs?Authorization=Bearer%20" + CURRENT},
                new String[] {"Bearer " + PREVIOUS, "/api/runs?authorization=Bearer%20" + CURRENT});
        for (String[] refusal : refusals) {
            for (String method : List.of("GET", "POST")) {
                HttpResponse<String> answer = call(method, refusal[1], refusal[0], method.equals("POST") ? request : null);
                String what = method + " " + refusal[1] + " with " + refusal[0];
                assertThat(answer.statusCode()).as(what).isEqualTo(401);
                assertThat(answer.body()).as(what).isEmpty();
                assertThat(answer.headers().firstValue("WWW-Authenticate")).as(what).contains("Bearer");
                assertThat(answer.headers().map().keySet()).as(what)
                        .allMatch(h -> Set.of(":status", "www-authenticate", "content-length").contains(h.toLowerCase()));
            }
            for (String path : List.of("/api/runs/list-1", "/api/runs/list-1/events", "/api/openapi.json")) {
                assertThat(call("GET", path, refusal[0], null).statusCode()).as(path + " with " + refusal[0]).isEqualTo(401);
            }
        }
        assertThat(get("/api/runs/sneaky").statusCode()).as("no run was created").isEqualTo(404);
        assertThat(workDir.resolve("results").resolve("sneaky.json")).doesNotExist();
        assertThat(auditEvents()).noneMatch(e -> e.toString().contains("sneaky"));

        noSecretInAnyAnswer();
    }

    static List<String> ids(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        json(answer).path("runs").forEach(r -> ids.add(r.path("runId").asText()));
        return ids;
    }

    void noSecretInAnyAnswer() {
        assertThat(answers).isNotEmpty();
        for (HttpResponse<String> answer : answers) {
            String whole = answer.headers().map() + " " + answer.body();
            assertThat(whole).doesNotContain(CURRENT).doesNotContain(NEXT).doesNotContain(CLIENT_SECRET).doesNotContain("token-1");
            assertThat(answer.headers().map().keySet()).as("no request header comes back")
                    .noneMatch(h -> h.equalsIgnoreCase("authorization"));
        }
    }
}
