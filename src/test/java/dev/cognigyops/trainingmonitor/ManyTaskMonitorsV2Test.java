package dev.cognigyops.trainingmonitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.cognigyops.trainingmonitor.TrainingMonitorV2Test.json;
import static dev.cognigyops.trainingmonitor.TrainingMonitorV2Test.request;
import static dev.cognigyops.trainingmonitor.TrainingMonitorV2Test.task;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance's one request budget on profile cognigy-v2 (docs/contract.md §9): many runs at once are
 * slowed, never refused, and no window of the budget's length sees more requests than it allows —
 * measured on the times WireMock received them.
 */
class ManyTaskMonitorsV2Test extends dev.cognigyops.AppTestSupport {

    @Override
    protected Properties settings() {
        Properties p = TrainingMonitorV2Test.v2(super.settings());
        // a small budget: 5 requests in any 2 s
        p.setProperty("cognigy.v2.rate-limit.requests", "5");
        p.setProperty("cognigy.v2.rate-limit.window-seconds", "2");
        return p;
    }

    @Test
    void manyRunsAtOnceAreSlowedNeverRefusedAndKeepTheBudget() throws Exception {
        // 4 monitors of 4 reads each: 16 requests
        for (int i = 0; i < 4; i++) {
            String id = "t-many-" + i;
            TrainingMonitorV2Test.answers(cognigy, id, List.of(json(task(id, "queued", 0, 2)), json(task(id, "active", 1, 2)), json(task(id, "active", 2, 2)),
                    json(task(id, "done", 2, 2))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<JsonNode>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String req = request("v2-many-" + i, "t-many-" + i, "");
            runs.add(pool.submit(() -> run(req)));
        }
        for (Future<JsonNode> f : runs) {
            JsonNode result = f.get();
            assertThat(result.path("status").asText()).as(result.toString()).isEqualTo("SUCCEEDED");
        }
        pool.shutdown();

        List<Long> times = cognigy.findAll(getRequestedFor(urlPathMatching("/new/v2.0/tasks/.*"))).stream()
                .map(r -> r.getLoggedDate().getTime()).sorted().toList();
        assertThat(times).hasSize(16);
        for (int i = 0; i + 5 < times.size(); i++) {
            // WireMock logs arrivals, which is what the tenant counts
            assertThat(times.get(i + 5) - times.get(i)).as("6 requests from #" + i + ": " + times)
                    .isGreaterThanOrEqualTo(2000);
        }
        assertThat(times.get(15) - times.get(0)).as("16 requests at 5 per 2 s span at least 3 windows")
                .isGreaterThanOrEqualTo(6000);
    }
}
