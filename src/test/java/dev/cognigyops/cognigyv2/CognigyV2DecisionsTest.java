package dev.cognigyops.cognigyv2;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cognigyops.runs.RunFailure;
import dev.cognigyops.support.InvalidSetting;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decisions of profile cognigy-v2, each as a table: the profile, a task's status, a problem answer, a listing, the budget. */
class CognigyV2DecisionsTest {

    // ---- the profile

    @ParameterizedTest
    @CsvSource({"seeds, SEEDS, direct:training-monitor", "cognigy-v2, COGNIGY_V2, direct:training-monitor-v2",
            "' Cognigy-V2 ', COGNIGY_V2, direct:training-monitor-v2"})
    void aProfileNamesTheRouteOfAnOperation(String setting, ApiProfile profile, String route) {
        assertThat(ApiProfile.parse(setting)).isEqualTo(profile);
        assertThat(ApiProfile.parse(setting).route("training-monitor")).isEqualTo(route);
    }

    @Test
    void anUnknownProfileIsOneClearLine() {
        assertThatThrownBy(() -> ApiProfile.parse("cognigy-v3")).isInstanceOf(InvalidSetting.class)
                .hasMessage("cognigy.api.profile is 'cognigy-v3'; it must be one of: seeds, cognigy-v2");
    }

    // ---- tasks

    @ParameterizedTest
    @CsvSource({
            "queued,     0,  0, WAIT,      0.0",
            "active,     3, 10, WAIT,      30.0",
            "active,     1,  3, WAIT,      33.33",
            "active,     5,  0, WAIT,      0.0",
            "cancelling, 4, 10, WAIT,      40.0",
            "done,       9, 10, DONE,      100.0",
            "error,      2, 10, FAILED,    20.0",
            "cancelled,  2, 10, CANCELLED, 20.0"})
    void aTaskStatusSaysWhatTheRunDoes(String status, long current, long total, Task.Outcome outcome, double progress) throws Exception {
        Task task = Task.from(Json.parse("{\"_id\":\"t1\",\"status\":\"" + status + "\",\"currentStep\":" + current
                + ",\"totalStep\":" + total + "}"));
        assertThat(task.outcome()).isEqualTo(outcome);
        assertThat(task.progressPercent()).isEqualTo(progress);
    }

    @Test
    void anErrorTaskCarriesItsFailReason() throws Exception {
        Task task = Task.from(Json.parse("{\"_id\":\"t1\",\"name\":\"trainFlow\",\"status\":\"error\",\"failReason\":\"Limit of allowed Snapshots\"}"));
        assertThat(task.failReason()).isEqualTo("Limit of allowed Snapshots");
        assertThat(task.describe()).isEqualTo("task t1 (trainFlow) is error: Limit of allowed Snapshots");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"_id\":\"t\"}|status: is missing",
            "{\"status\":\"running\"}|status: 'running' is none of queued, active, done, cancelling, cancelled, error",
            "{\"status\":\"active\",\"currentStep\":-1}|currentStep: must be a whole number ≥ 0, was -1",
            "[1]|the answer is not a JSON object"})
    void anAnswerThatIsNoTaskNamesWhy(String answer, String problem) {
        assertThatThrownBy(() -> Task.from(Json.parse(answer))).isInstanceOf(Task.Malformed.class)
                .satisfies(e -> assertThat(((Task.Malformed) e).problems()).contains(problem));
    }

    // ---- RFC 7807

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"Task 42 not found\",\"code\":1002,\"traceId\":\"tr-9f1c\"}"
                    + "|Task 42 not found (Not Found, Cognigy code 1002; traceId tr-9f1c)",
            "{\"title\":\"Conflict\",\"type\":\"x\",\"traceId\":\"tr-1\"}|Conflict (traceId tr-1)",
            "{\"detail\":\"bad\",\"traceId\":\"tr-2\"}|bad (traceId tr-2)",
            "{\"title\":\"Bad Request\",\"detail\":\"limit must be at most 100\"}|limit must be at most 100 (Bad Request; traceId none given)"})
    void aProblemShowsItsDetailAndTraceId(String body, String shown) {
        assertThat(Problem.in(body)).get().extracting(Problem::shown).isEqualTo(shown);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"message\":\"not found\"}", "{\"detail\":\"seeds 422\"}", "plain text", "''"})
    void otherAnswersAreNoProblem(String body) {
        assertThat(Problem.in(body)).isEmpty();
    }

    // ---- listings

    @Test
    void aListingIsReadPageByPageToItsTotal() {
        Listing listing = new Listing("GET /new/v2.0/tasks", 2, 10);
        List<String> queries = new ArrayList<>();
        int[][] pages = {{1, 2}, {3, 4}, {5}};
        for (int[] page : pages) {
            assertThat(listing.more()).isTrue();
            queries.add(listing.nextPage().toString());
            listing.add(page(5, page));
        }
        assertThat(listing.more()).isFalse();
        assertThat(queries).containsExactly("{limit=2, skip=0}", "{limit=2, skip=2}", "{limit=2, skip=4}");
        assertThat(listing.items().toString()).isEqualTo("[1,2,3,4,5]");
    }

    @ParameterizedTest
    @CsvSource({"4, '1,2', false", "2, '1,2', true", "-1, '1', true", "-1, '', true", "-1, '1,2', false"})
    void aListingEndsAtItsTotalOrAShortOrEmptyPage(long total, String ids, boolean ended) {
        Listing listing = new Listing("GET x", 2, 10);
        int[] items = ids.isEmpty() ? new int[0] : java.util.Arrays.stream(ids.split(",")).mapToInt(Integer::parseInt).toArray();
        listing.add(page(total, items));
        assertThat(listing.more()).isEqualTo(!ended);
    }

    @Test
    void aListingLongerThanItsBoundFails() {
        Listing listing = new Listing("GET /new/v2.0/flows", 1, 2);
        listing.add(page(10, new int[] {1}));
        assertThatThrownBy(() -> listing.add(page(10, new int[] {2}))).isInstanceOf(RunFailure.class)
                .hasMessageContaining("still more after 2 pages").hasMessageContaining("cognigy.v2.max-pages = 2");
    }

    @ParameterizedTest
    @CsvSource({"0", "101"})
    void aPageHoldsAtMostAHundredItems(int limit) {
        assertThatThrownBy(() -> new Listing("x", limit, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static JsonNode page(long total, int[] items) {
        var page = Json.object();
        var list = page.putArray("items");
        for (int i : items) {
            list.add(i);
        }
        if (total >= 0) {
            page.put("total", total);
        }
        return page;
    }

    // ---- the request budget

    @Test
    void theBudgetLetsItsRequestsGoAtOnceThenWaitsForTheWindow() {
        RequestBudget budget = new RequestBudget(3, Duration.ofMillis(1000));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            waits.add(budget.waitBeforeSending(10_000));
        }
        assertThat(waits).containsExactly(0L, 0L, 0L, 1000L, 1000L, 1000L, 2000L);
    }

    @Test
    void aRetryReservesTheMomentItWillBeSentAndOthersMayGoBefore() {
        RequestBudget budget = new RequestBudget(2, Duration.ofMillis(1000));
        assertThat(budget.waitBeforeRetry(0, 5_000)).as("a Retry-After of 5 s").isEqualTo(5_000);
        assertThat(budget.waitBeforeRetry(0, 5_000)).as("another").isEqualTo(5_000);
        assertThat(budget.waitBeforeSending(0)).isZero();
        assertThat(budget.waitBeforeSending(0)).isZero();
        assertThat(budget.waitBeforeSending(0)).isEqualTo(1000);
        assertThat(budget.waitBeforeRetry(0, 4_500)).as("would make 3 in [4500, 5500)").isEqualTo(6_000);
    }

    @Test
    void nowhereDoMoreThanTheBudgetFitInOneWindow() {
        RequestBudget budget = new RequestBudget(5, Duration.ofMillis(2000));
        java.util.Random random = new java.util.Random(7);
        List<Long> sent = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 400; i++) {
            now += random.nextInt(300);
            sent.add(random.nextBoolean() ? budget.reserve(now, now) : budget.reserve(now, now + random.nextInt(3000)));
        }
        sent.sort(Long::compare);
        for (int i = 0; i + 5 < sent.size(); i++) {
            assertThat(sent.get(i + 5) - sent.get(i)).as("6 sends from #" + i).isGreaterThanOrEqualTo(2000);
        }
    }
}
