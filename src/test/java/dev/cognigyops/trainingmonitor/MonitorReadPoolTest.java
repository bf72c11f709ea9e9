package dev.cognigyops.trainingmonitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.cognigyops.trainingmonitor.MonitorStubs.request;
import static dev.cognigyops.trainingmonitor.MonitorStubs.status;
import static dev.cognigyops.trainingmonitor.MonitorStubs.statusPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's Scale knob: status reads of all monitors run on the poll loop's scheduler, whose size
 * is {@code camel.threadpool.pool-size}; more monitors than threads, each read slow, all keep polling.
 */
class MonitorReadPoolTest extends dev.cognigyops.AppTestSupport {

    static final int MONITORS = 8;
    static final int POOL = 3;

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("camel.threadpool.pool-size", Integer.toString(POOL));
        p.setProperty("cognigy.inbox.read-lock-check-ms", "20");
        p.setProperty("cognigy.poll.training-monitor.max-delay-ms", "20");
        return p;
    }

    @Test
    void slowReadsOfManyMonitorsShareABoundedPool() throws Exception {
        IntStream.range(0, MONITORS).forEach(i -> cognigy.stubFor(get(urlEqualTo(statusPath("pool-job-" + i)))
                .willReturn(okJson(status("pool-job-" + i, "RUNNING", 10)).withFixedDelay(50))));
        Path inbox = workDir.resolve("inbox");
        Files.createDirectories(inbox);
        for (int i = 0; i < MONITORS; i++) {
            Path tmp = inbox.resolve(".p" + i + ".json");
            Files.writeString(tmp, request("pool-" + i, "pool-job-" + i, ""));
            Files.move(tmp, inbox.resolve("p" + i + ".json"));
        }

        Set<String> readThreads = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.endsWith(" - Delay")).forEach(readThreads::add);
            IntStream.range(0, MONITORS).forEach(i -> assertThat(cognigy.findAll(getRequestedFor(
                    urlEqualTo(statusPath("pool-job-" + i))))).as("pool-job-" + i).hasSizeGreaterThan(5));
        });
        assertThat(readThreads).as("the poll loop's scheduler threads").isNotEmpty().hasSizeLessThanOrEqualTo(POOL);

        IntStream.range(0, MONITORS).forEach(i -> cognigy.stubFor(get(urlEqualTo(statusPath("pool-job-" + i)))
                .willReturn(okJson(status("pool-job-" + i, "COMPLETED", 100)))));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(workDir.resolve("results"))
                && workDir.resolve("results").toFile().list((d, n) -> n.endsWith(".json")).length == MONITORS);
    }
}
