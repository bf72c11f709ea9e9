package dev.cognigyops.api;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The query of GET /api/runs: what it asks for, or every violation named. */
class ListQueryTest {

    static final List<String> OPERATIONS = List.of("bot-deploy", "flow-deploy", "nlp-retrain", "nlu-export", "training-monitor");
    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");
    static final String CURSOR = new Cursor(T, "run-9").encode();

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments(null, new ListQuery(null, null, null, null, 50, null)),
                arguments("", new ListQuery(null, null, null, null, 50, null)),
                arguments("operation=&status=&trigger=&since=&limit=&cursor=", new ListQuery(null, null, null, null, 50, null)),
                arguments("status=RUNNING", new ListQuery(null, "RUNNING", null, null, 50, null)),
                arguments("status=REJECTED&trigger=api&operation=nlu-export",
                        new ListQuery("nlu-export", "REJECTED", "api", null, 50, null)),
                arguments("since=2026-12-01T10:00:00Z&limit=1", new ListQuery(null, null, null, T, 1, null)),
                arguments("since=2026-12-01T10%3A00%3A00Z&limit=500", new ListQuery(null, null, null, T, 500, null)),
                arguments("limit=20&cursor=" + CURSOR, new ListQuery(null, null, null, null, 20, new Cursor(T, "run-9"))));
    }

    @ParameterizedTest(name = "?{0}")
    @MethodSource("valid")
    void aValidQueryIsWhatItAsksFor(String query, ListQuery expected) {
        ListQuery.Checked checked = ListQuery.check(query, OPERATIONS);
        assertThat(checked.violations()).isEmpty();
        assertThat(checked.query()).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("status=DONE", List.of("status: 'DONE' is not one of RUNNING, SUCCEEDED, FAILED, CANCELLED, REJECTED")),
                arguments("status=running", List.of("status: 'running' is not one of RUNNING, SUCCEEDED, FAILED, CANCELLED, REJECTED")),
                arguments("operation=export", List.of("operation: 'export' is not one of bot-deploy, flow-deploy, nlp-retrain, nlu-export, training-monitor")),
                arguments("trigger=http", List.of("trigger: 'http' is not one of kafka, file, schedule, cli, api")),
                arguments("limit=501", List.of("limit: '501' is not a whole number from 1 to 500")),
                arguments("limit=0", List.of("limit: '0' is not a whole number from 1 to 500")),
                arguments("limit=-1", List.of("limit: '-1' is not a whole number from 1 to 500")),
                arguments("limit=ten", List.of("limit: 'ten' is not a whole number from 1 to 500")),
                arguments("limit=99999999999", List.of("limit: '99999999999' is not a whole number from 1 to 500")),
                arguments("since=yesterday", List.of("since: 'yesterday' is not an ISO-8601 instant (e.g. 2026-01-31T12:00:00Z)")),
                arguments("since=2026-12-01", List.of("since: '2026-12-01' is not an ISO-8601 instant (e.g. 2026-01-31T12:00:00Z)")),
                arguments("cursor=abc", List.of("cursor: 'abc' is not a cursor of this API (give the nextCursor of the previous page)")),
                arguments("cursor=%%%", List.of("query: 'cursor=%%%' is not URL-encoded")),
                arguments("colour=red", List.of("colour: is not a parameter here (operation, status, trigger, since, limit, cursor)")),
                arguments("status=FAILED&status=SUCCEEDED", List.of("status: is given more than once")),
                arguments("status=&status=FAILED", List.of("status: is given more than once")),
                arguments("colour=red&status=DONE&limit=501&cursor=zz&since=soon", List.of(
                        "colour: is not a parameter here (operation, status, trigger, since, limit, cursor)",
                        "status: 'DONE' is not one of RUNNING, SUCCEEDED, FAILED, CANCELLED, REJECTED",
                        "since: 'soon' is not an ISO-8601 instant (e.g. 2026-01-31T12:00:00Z)",
                        "limit: '501' is not a whole number from 1 to 500",
                        "cursor: 'zz' is not a cursor of this API (give the nextCursor of the previous page)")));
    }

    @ParameterizedTest(name = "?{0}")
    @MethodSource("invalid")
    void anInvalidQueryNamesEveryViolation(String query, List<String> violations) {
        ListQuery.Checked checked = ListQuery.check(query, OPERATIONS);
        assertThat(checked.isValid()).isFalse();
        assertThat(checked.query()).isNull();
        assertThat(checked.violations()).containsExactlyElementsOf(violations);
    }

    @Test
    void aLongValueIsShownCut() {
        String value = "x".repeat(300);
        assertThat(ListQuery.check("status=" + value, OPERATIONS).violations())
                .containsExactly("status: '" + "x".repeat(80) + "...' is not one of RUNNING, SUCCEEDED, FAILED, CANCELLED, REJECTED");
    }

    @Test
    void aPathThatTakesNoParameterNamesEachOneGiven() {
        assertThat(ListQuery.checkOnly(null, Set.of())).isEmpty();
        assertThat(ListQuery.checkOnly("a=1&runId=x", Set.of()))
                .containsExactly("a: is not a parameter here (this path takes none)", "runId: is not a parameter here (this path takes none)");
    }

    static Stream<Arguments> cursors() {
        return Stream.of(
                arguments(new Cursor(T, "run-9")),
                arguments(new Cursor(Instant.parse("2026-12-01T10:00:00.123456Z"), "20261201T100000Z-abcd1234")),
                arguments(new Cursor(T, "a|b")));
    }

    @ParameterizedTest
    @MethodSource("cursors")
    void aCursorReadsBackAsTheSortKeyItEncodes(Cursor cursor) {
        String text = cursor.encode();
        assertThat(text).matches("[A-Za-z0-9_-]+");
        assertThat(Cursor.decode(text)).contains(cursor);
    }

    @Test
    void anythingElseIsNoCursor() {
        for (String text : new String[] {null, "", "!!", "bm8tYmFy", "fDIwMjY", java.util.Base64.getUrlEncoder().encodeToString("2026-12-01T10:00:00Z|".getBytes()),
                java.util.Base64.getUrlEncoder().encodeToString("|run".getBytes()), "A".repeat(3000)}) {
            assertThat(Cursor.decode(text)).as(String.valueOf(text)).isEmpty();
        }
    }
}
