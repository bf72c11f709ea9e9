package dev.cognigyops.page;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.Browser;
import dev.cognigyops.trainingmonitor.MonitorStubs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at / in a real browser (headless Chromium through chromedriver) against the whole app with a
 * token configured: the runs, their filters, a run's steps, events and result, a running training-monitor's
 * chart (one point per status read, following the job), the cancel button, and the token asked for once.
 */
class PageBrowserTest extends AppTestSupport {

    static final String TOKEN = "page-test-token-5b1f0c";
    static final Duration WAIT = Duration.ofSeconds(30);

    MonitorStubs stubs;
    Browser browser;

    @Override
    protected boolean servesHttp() {
        return true;
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.runs-api.tokens", TOKEN);
        return p;
    }

    @Override
    protected void doPostSetup() {
        stubs = new MonitorStubs(cognigy);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** The page's files from the jar, each with its content type and cache headers; no other path, and no token needed. */
    void servesThePagesFilesAndNothingElse() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        record Expect(String path, int status, String type) {
        }
        for (Expect e : List.of(new Expect("/", 200, "text/html; charset=utf-8"),
                new Expect("/page/page.js", 200, "text/javascript; charset=utf-8"),
                new Expect("/page/chart.js", 200, "text/javascript; charset=utf-8"),
                new Expect("/page/page.css", 200, "text/css; charset=utf-8"),
                new Expect("/page/README.md", 404, "text/plain; charset=utf-8"),
                new Expect("/page/..%2Fapplication.properties", 404, "text/plain; charset=utf-8"),
                new Expect("/page/%2E%2E%2F%2E%2E%2Fapplication.properties", 404, "text/plain; charset=utf-8"),
                new Expect("/page/logback.xml", 404, "text/plain; charset=utf-8"))) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(appUrl() + e.path()))
                    .header("Cookie", "echo=me").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(e.path()).isEqualTo(e.status());
            assertThat(response.headers().firstValue("Content-Type")).as(e.path()).hasValue(e.type());
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(e.path()).hasValue("nosniff");
            assertThat(response.headers().firstValue("Cookie")).as("no request header comes back").isEmpty();
            if (e.status() == 200) {
                assertThat(response.headers().firstValue("Cache-Control")).as(e.path()).hasValue("no-cache");
                assertThat(response.headers().firstValue("Content-Security-Policy")).as(e.path()).hasValue(PageAssets.CSP);
                String etag = response.headers().firstValue("ETag").orElseThrow();
                var again = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(appUrl() + e.path()))
                        .header("If-None-Match", etag).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(again.statusCode()).as(e.path() + " unchanged").isEqualTo(304);
                assertThat(again.body()).isEmpty();
            }
        }
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(appUrl() + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body()).contains("<title>cognigy-ops");
    }

    @Test
    void showsFiltersAndOpensRunsAndFollowsAndCancelsAMonitorAskingForTheTokenOnce() throws Exception {
        // finished runs of several operations, through the dispatch (trigger cli)
        stubs.responses("job-done", List.of(
                okStatus("job-done", "RUNNING", 30, "loss", 0.9, 1), okStatus("job-done", "RUNNING", 60, "loss", 0.5, 2),
                okStatus("job-done", "COMPLETED", 100, "loss", 0.2, 3)));
        stubs.responses("job-bad", List.of(okStatus("job-bad", "FAILED", 35, "loss", 1.2, 1)));
        assertThat(run(monitorRequest("monitor-done", "job-done", 1)).path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run(monitorRequest("monitor-failed", "job-bad", 1)).path("status").asText()).isEqualTo("FAILED");
        cognigy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(dev.cognigyops.nluexport.ExportStubs.VERSION_PATH)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"status\":\"TRAINING\"}")));
        assertThat(run(dev.cognigyops.nluexport.ExportStubs.request("export-untrained", "")).path("status").asText()).isEqualTo("FAILED");
        // and one that runs on: a job that stays RUNNING, its progress and metrics moving at every read (2 s apart)
        stubs.responses("job-live", IntStream.range(0, 200).mapToObj(i -> aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody(statusWithMetrics("job-live", "RUNNING", Math.min(99, i * 3), 1.0 / (i + 1), 0.5 + i * 0.004, i))).toList());
        cognigy.stubFor(delete(urlEqualTo("/api/v2/projects/" + MonitorStubs.PROJECT + "/ai/train/job-live"))
                .willReturn(aResponse().withStatus(204)));
        drop("live.json", monitorRequest("monitor-live", "job-live", 2));

        servesThePagesFilesAndNothingElse();

        browser = Browser.start();
        ChromeDriver page = browser.driver();

        // the first API call is refused: the page asks for the token, once
        page.get(appUrl() + "/");
        WebElement dialog = browser.waiting(WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("token-dialog")));
        dialog.findElement(By.id("token-input")).sendKeys(TOKEN);
        dialog.findElement(By.id("token-submit")).click();
        List<String> all = List.of("monitor-live", "export-untrained", "monitor-failed", "monitor-done");
        waitForRows(page, all);
        assertThat(page.findElement(By.tagName("body")).getAttribute("data-token-asks")).isEqualTo("1");
        assertThat(rowText(page, "monitor-failed")).contains("FAILED", "training-monitor", "cli");
        assertThat(rowText(page, "monitor-live")).contains("RUNNING", "training-monitor", "file");
        assertThat(rowText(page, "export-untrained")).contains("FAILED", "nlu-export", "cli");
        assertThat((String) page.executeScript("return sessionStorage.getItem('cognigy-ops.runs-api.token')")).isEqualTo(TOKEN);
        assertThat((Long) page.executeScript("return localStorage.length")).as("nothing in localStorage").isZero();

        // a reload in the same session: no second question
        page.navigate().refresh();
        waitForRows(page, all);
        assertThat(page.findElement(By.tagName("body")).getAttribute("data-token-asks")).isEqualTo("0");
        assertThat(page.findElement(By.id("token-dialog")).isDisplayed()).isFalse();

        // filters go into the API's query: only the chosen status, then only the chosen operation, remain
        select(page, "status", "FAILED");
        waitForRows(page, List.of("export-untrained", "monitor-failed"));
        select(page, "operation", "training-monitor");
        waitForRows(page, List.of("monitor-failed"));
        select(page, "operation", "nlu-export");
        waitForRows(page, List.of("export-untrained"));
        select(page, "status", "");
        select(page, "operation", "training-monitor");
        waitForRows(page, List.of("monitor-live", "monitor-failed", "monitor-done"));
        select(page, "trigger", "file");
        waitForRows(page, List.of("monitor-live"));
        select(page, "trigger", "");
        select(page, "operation", "");
        waitForRows(page, all);

        // a finished run, opened by a click on its row: steps, audit events, result, its chart
        page.findElement(By.cssSelector("#runs tr[data-run-id='monitor-done'] td:nth-child(2)")).click();
        browser.waiting(WAIT).until(d -> d.getCurrentUrl().endsWith("#/runs/monitor-done")
                && "SUCCEEDED".equals(d.findElement(By.id("run-view")).getAttribute("data-status")));
        List<String> doneActions = auditActions("monitor-done");
        browser.waiting(WAIT).until(d -> String.valueOf(doneActions.size()).equals(d.findElement(By.id("events")).getAttribute("data-rows")));
        assertThat(attributes(page, "#events tbody tr", "data-action")).isEqualTo(doneActions);
        assertThat(attributes(page, "#timeline li[data-action]", "data-action"))
                .as("the steps, a repeated action told once")
                .containsExactly("RUN_STARTED", "MONITOR_START", "STATUS_CHECK", "MONITOR_COMPLETE", "RUN_FINISHED");
        assertThat(page.findElement(By.cssSelector("#timeline li[data-action='STATUS_CHECK']")).getText()).contains("×3");
        assertSameJson(Json.parse(page.findElement(By.id("result")).getText()), resultFile("monitor-done"));
        assertThat(points(page, "progress")).isEqualTo(3);
        assertThat(points(page, "metric:loss")).isEqualTo(3);
        assertThat(page.findElement(By.id("cancel-box")).isDisplayed()).as("no cancel for an ended run").isFalse();

        // the running monitor: one point per status read so far, and it follows the job as reads arrive
        page.get(appUrl() + "/#/runs/monitor-live");
        int first = waitForOnePointPerRead(page, 2);
        int later = waitForOnePointPerRead(page, first + 2);
        assertThat(later).isGreaterThanOrEqualTo(first + 2);
        assertThat(page.findElement(By.id("run-status")).getText()).isEqualTo("RUNNING");
        assertThat(page.findElement(By.id("result")).getText()).contains("not ended");
        Path shots = Path.of("target/page-screenshots");
        Files.createDirectories(shots);
        Files.copy(page.getScreenshotAs(OutputType.FILE).toPath(), shots.resolve("run.png"), StandardCopyOption.REPLACE_EXISTING);

        // cancel with the button, the job on Cognigy too: the run ends CANCELLED
        page.findElement(By.id("cancel-job")).click();
        page.findElement(By.id("cancel")).click();
        browser.waiting(WAIT).until(ExpectedConditions.alertIsPresent()).accept();
        browser.waiting(WAIT).until(d -> "CANCELLED".equals(d.findElement(By.id("run-view")).getAttribute("data-status")));
        JsonNode cancelled = resultFile("monitor-live");
        assertThat(cancelled.path("status").asText()).isEqualTo("CANCELLED");
        assertThat(cancelled.path("error").path("code").asText()).isEqualTo("CANCELLED_BY_USER");
        cognigy.verify(exactly(1), deleteRequestedFor(urlEqualTo("/api/v2/projects/" + MonitorStubs.PROJECT + "/ai/train/job-live")));
        browser.waiting(WAIT).until(d -> !d.findElement(By.id("result")).getText().contains("not ended"));
        assertSameJson(Json.parse(page.findElement(By.id("result")).getText()), cancelled);
        assertThat(page.findElement(By.id("cancel-box")).isDisplayed()).isFalse();
        assertThat(page.findElement(By.tagName("body")).getAttribute("data-token-asks")).as("never asked again").isEqualTo("0");
    }

    /** Waits until the chart shows exactly as many points as the audit file has STATUS_CHECKs, at least {@code atLeast}. */
    private int waitForOnePointPerRead(WebDriver page, int atLeast) {
        int[] seen = new int[1];
        browser.waiting(WAIT).until(d -> {
            int reads = statusChecks("monitor-live");
            int progress = points(d, "progress");
            if (reads >= atLeast && progress == reads && points(d, "metric:loss") == reads && points(d, "metric:accuracy") == reads
                    && circles(d, "progress") == reads && String.valueOf(reads).equals(d.findElement(By.id("monitor")).getAttribute("data-reads"))) {
                seen[0] = reads;
                return true;
            }
            return false;
        });
        return seen[0];
    }

    private int statusChecks(String runId) {
        try {
            return (int) auditActions(runId).stream().filter("STATUS_CHECK"::equals).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int points(WebDriver page, String series) {
        List<WebElement> fig = page.findElements(By.cssSelector("#charts figure[data-series='" + series + "']"));
        return fig.isEmpty() ? -1 : Integer.parseInt(fig.get(0).getAttribute("data-points"));
    }

    private static int circles(WebDriver page, String series) {
        return page.findElements(By.cssSelector("#charts figure[data-series='" + series + "'] circle.point")).size();
    }

    /** The same JSON, numbers compared as numbers (the page's JavaScript writes 100.0 as 100). */
    private static void assertSameJson(JsonNode shown, JsonNode expected) {
        java.util.Comparator<JsonNode> values = (a, b) -> a.isNumber() && b.isNumber()
                ? Double.compare(a.asDouble(), b.asDouble()) : a.equals(b) ? 0 : 1;
        assertThat(shown.equals(values, expected)).as(shown + "\n is not \n" + expected).isTrue();
    }

    private void waitForRows(WebDriver page, List<String> runIds) {
        browser.waiting(WAIT).withMessage(() -> "rows " + attributes(page, "#runs tbody tr", "data-run-id") + ", not " + runIds
                        + "; the page says: " + page.findElement(By.id("notice")).getText())
                .until(d -> attributes(d, "#runs tbody tr", "data-run-id").equals(runIds));
    }

    /** One attribute of every element the selector finds, read in one go (the page replaces its rows as it refreshes). */
    @SuppressWarnings("unchecked")
    private static List<String> attributes(WebDriver page, String selector, String attribute) {
        return (List<String>) ((org.openqa.selenium.JavascriptExecutor) page).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]));",
                selector, attribute);
    }

    private static String rowText(WebDriver page, String runId) {
        return (String) ((org.openqa.selenium.JavascriptExecutor) page).executeScript(
                "return document.querySelector(\"#runs tr[data-run-id='\" + arguments[0] + \"']\").innerText;", runId);
    }

    private static void select(WebDriver page, String filter, String value) {
        new Select(page.findElement(By.cssSelector("#filters select[name='" + filter + "']"))).selectByValue(value);
    }

    private void drop(String name, String request) throws Exception {
        Path tmp = workDir.resolve(name + ".tmp");
        Files.writeString(tmp, request);
        Files.createDirectories(workDir.resolve("inbox"));
        Files.move(tmp, workDir.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String monitorRequest(String requestId, String jobId, int intervalSeconds) throws Exception {
        ObjectNode request = (ObjectNode) Json.parse(MonitorStubs.request(requestId, jobId, ""));
        ((ObjectNode) request.get("payload")).put("pollIntervalSeconds", intervalSeconds);
        return Json.write(request);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okStatus(String jobId, String state,
            double progress, String metric, double value, int second) {
        return aResponse().withHeader("Content-Type", "application/json")
                .withBody(statusWithOne(jobId, state, progress, metric, value, second));
    }

    private static String statusWithOne(String jobId, String state, double progress, String metric, double value, int second) {
        ObjectNode status = (ObjectNode) parse(MonitorStubs.status(jobId, state, progress));
        var metrics = status.putArray("metrics");
        metrics.addObject().put("timestamp", at(second)).put("metric_name", metric).put("value", value).put("unit", "ratio");
        return Json.write(status);
    }

    private static String statusWithMetrics(String jobId, String state, double progress, double loss, double accuracy, int second) {
        ObjectNode status = (ObjectNode) parse(MonitorStubs.status(jobId, state, progress));
        var metrics = status.putArray("metrics");
        metrics.addObject().put("timestamp", at(second)).put("metric_name", "loss").put("value", loss).put("unit", "ratio");
        metrics.addObject().put("timestamp", at(second)).put("metric_name", "accuracy").put("value", accuracy).put("unit", "ratio");
        return Json.write(status);
    }

    private static String at(int second) {
        return java.time.Instant.parse("2026-11-21T06:00:00Z").plusSeconds(second).toString();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.parse(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
