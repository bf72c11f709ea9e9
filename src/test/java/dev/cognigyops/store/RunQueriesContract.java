package dev.cognigyops.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cognigyops.runs.RunLease;

import static org.assertj.core.api.Assertions.assertThat;

/** What the runs API reads from the run store, on any database it runs on: a subclass gives it an empty, migrated store. */
abstract class RunQueriesContract {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(30);

    DataSource dataSource;
    RunStore store;
    RunQueries queries;
    StoredAuditEvents audit;

    abstract DataSource emptyStore();

    @BeforeEach
    void open() {
        dataSource = emptyStore();
        store = new RunStore(dataSource);
        queries = new RunQueries(dataSource);
        audit = new StoredAuditEvents(dataSource, 10_000, Duration.ofMillis(50));
    }

    @org.junit.jupiter.api.AfterEach
    void closeAudit() {
        audit.close();
    }

    RunLease insert(String runId, String operation, String trigger, Instant startedAt) {
        return store.insert(new RunStore.NewRun(runId, "req-" + runId, operation, trigger, "test:" + runId,
                "{\"operation\":\"" + operation + "\"}", startedAt), "node-a", "node-a#1", startedAt, LEASE).orElseThrow();
    }

    List<String> ids(RunQueries.Page page) {
        return page.runs().stream().map(RunQueries.Summary::runId).toList();
    }

    @Test
    void runsAreListedNewestFirstAndPagedWithoutARunTwiceOrMissing() {
        // three share a start: the run id decides, descending
        insert("r1", "nlu-export", "file", T0);
        insert("r2", "nlu-export", "api", T0.plusSeconds(1));
        insert("r3a", "bot-deploy", "api", T0.plusSeconds(2));
        insert("r3b", "bot-deploy", "kafka", T0.plusSeconds(2));
        insert("r3c", "bot-deploy", "api", T0.plusSeconds(2));
        insert("r4", "training-monitor", "schedule", T0.plusMillis(3_123));

        List<String> seen = new ArrayList<>();
        RunQueries.Position after = null;
        int pages = 0;
        do {
            RunQueries.Page page = queries.list(new RunQueries.Filter(null, null, null, null), 2, after);
            seen.addAll(ids(page));
            after = page.next();
            pages++;
        } while (after != null && pages < 10);

        assertThat(seen).containsExactly("r4", "r3c", "r3b", "r3a", "r2", "r1");
        assertThat(pages).isEqualTo(3);
        assertThat(queries.list(new RunQueries.Filter(null, null, null, null), 6, null).next()).as("no page after the last").isNull();
    }

    @Test
    void rejectedRequestsAreListedBesideTheRunsAndTheirRequestIdStaysFree() {
        insert("r1", "nlu-export", "file", T0);
        store.insertRejected(new RunStore.NewRun("bad-1", "bad-1", "nlu-export", "api", "api:127.0.0.1", null,
                T0.plusSeconds(1)), "{\"status\":\"REJECTED\"}", T0.plusSeconds(1));
        store.insertRejected(new RunStore.NewRun("bad-2", null, "no-such-operation", "file", "inbox/x.json", null,
                T0.plusSeconds(2)), "{\"status\":\"REJECTED\",\"n\":2}", T0.plusSeconds(2));

        assertThat(ids(queries.list(new RunQueries.Filter(null, null, null, null), 10, null)))
                .containsExactly("bad-2", "bad-1", "r1");
        assertThat(ids(queries.list(new RunQueries.Filter(null, "REJECTED", null, null), 10, null)))
                .containsExactly("bad-2", "bad-1");
        assertThat(ids(queries.list(new RunQueries.Filter("nlu-export", "REJECTED", "api", null), 10, null)))
                .containsExactly("bad-1");
        assertThat(ids(queries.list(new RunQueries.Filter(null, "RUNNING", null, null), 10, null))).containsExactly("r1");
        // paged across both: one a page, nothing twice or missing
        List<String> seen = new ArrayList<>();
        RunQueries.Position after = null;
        do {
            RunQueries.Page page = queries.list(new RunQueries.Filter(null, null, null, null), 1, after);
            seen.addAll(ids(page));
            after = page.next();
        } while (after != null && seen.size() < 10);
        assertThat(seen).containsExactly("bad-2", "bad-1", "r1");

        RunQueries.Detail rejected = queries.run("bad-2").orElseThrow();
        assertThat(rejected.summary().status()).isEqualTo("REJECTED");
        assertThat(rejected.summary().operation()).isEqualTo("no-such-operation");
        assertThat(rejected.summary().owner()).isNull();
        assertThat(rejected.source()).isEqualTo("inbox/x.json");
        assertThat(rejected.result()).isEqualTo("{\"status\":\"REJECTED\",\"n\":2}");

        // the requestId of a rejected request is free: a corrected request runs, and is what the API shows
        insert("bad-1", "nlu-export", "api", T0.plusSeconds(3));
        assertThat(queries.run("bad-1").orElseThrow().summary().status()).isEqualTo(RunStore.RUNNING);
        assertThat(queries.run("nothing").isEmpty()).isTrue();
    }

    @Test
    void eachFilterKeepsOnlyItsRuns() {
        RunLease done = insert("r1", "nlu-export", "file", T0);
        store.finish(done, "SUCCEEDED", "{\"status\":\"SUCCEEDED\"}", T0.plusSeconds(5));
        insert("r2", "nlu-export", "api", T0.plusSeconds(1));
        insert("r3", "bot-deploy", "api", T0.plusSeconds(2));

        assertThat(ids(queries.list(new RunQueries.Filter("nlu-export", null, null, null), 50, null))).containsExactly("r2", "r1");
        assertThat(ids(queries.list(new RunQueries.Filter(null, "RUNNING", null, null), 50, null))).containsExactly("r3", "r2");
        assertThat(ids(queries.list(new RunQueries.Filter(null, "SUCCEEDED", null, null), 50, null))).containsExactly("r1");
        assertThat(ids(queries.list(new RunQueries.Filter(null, null, "api", null), 50, null))).containsExactly("r3", "r2");
        assertThat(ids(queries.list(new RunQueries.Filter(null, null, null, T0.plusSeconds(1)), 50, null))).containsExactly("r3", "r2");
        assertThat(ids(queries.list(new RunQueries.Filter("nlu-export", "RUNNING", "api", T0), 50, null))).containsExactly("r2");
    }

    @Test
    void oneRunIsReadAsItStands() {
        RunLease lease = insert("r1", "bot-deploy", "api", T0);
        store.checkpoint(lease, "DEPLOYMENT_CREATED", "{\"deploymentId\":\"d-1\"}", T0.plusSeconds(1));
        store.finish(lease, "SUCCEEDED", "{\"status\":\"SUCCEEDED\"}", T0.plusSeconds(2));

        RunQueries.Detail run = queries.run("r1").orElseThrow();
        assertThat(run.summary()).isEqualTo(new RunQueries.Summary("r1", "req-r1", "bot-deploy", "api", "SUCCEEDED",
                "DEPLOYMENT_CREATED", T0, T0.plusSeconds(2), "node-a#1"));
        assertThat(run.source()).isEqualTo("test:r1");
        assertThat(run.checkpoints()).isEqualTo(1);
        assertThat(run.state()).isEqualTo("{\"deploymentId\":\"d-1\"}");
        assertThat(run.result()).isEqualTo("{\"status\":\"SUCCEEDED\"}");
        assertThat(run.updatedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(queries.run("nope")).isEmpty();
    }

    @Test
    void aRunsAuditEventsAreReadInTheOrderWritten() {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String action = i == 0 ? "RUN_STARTED" : i == 29 ? "RUN_FINISHED" : "STATUS_CHECK";
            String line = "{\"n\":" + i + ",\"action\":\"" + action + "\"}";
            // every event at the same instant: the order is the order written, not the clock's
            audit.write("r1", action, T0, line);
            audit.write("other", action, T0, "{\"other\":" + i + "}");
            written.add(line);
        }

        assertThat(audit.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(queries.events("r1")).containsExactlyElementsOf(written);
        assertThat(queries.events("nope")).isEmpty();
        var last = queries.lastEvent("r1", "STATUS_CHECK").orElseThrow();
        assertThat(last.event()).isEqualTo("{\"n\":28,\"action\":\"STATUS_CHECK\"}");
        assertThat(last.count()).isEqualTo(28);
        assertThat(queries.lastEvent("r1", "MONITOR_ERROR")).isEmpty();
    }

    @Test
    void runsStartedInTheSameMicrosecondArePagedByRunId() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            insert("same-" + (char) ('a' + i), "nlu-export", "api", T0);
            all.add("same-" + (char) ('a' + i));
        }
        List<String> seen = new ArrayList<>();
        RunQueries.Position after = null;
        do {
            RunQueries.Page page = queries.list(new RunQueries.Filter(null, null, null, null), 7, after);
            seen.addAll(ids(page));
            after = page.next();
        } while (after != null);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
        assertThat(seen).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }
}
