package dev.cognigyops.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The runs API's reads on the embedded store, and what writing each audit event there too costs. */
class RunQueriesH2Test extends RunQueriesContract {

    @TempDir
    Path dataDir;
    private final List<HikariDataSource> opened = new ArrayList<>();

    @Override
    DataSource emptyStore() {
        HikariDataSource ds = StoreSetup.open(new StoreSetup.Config("", "", "", dataDir.resolve("s" + opened.size()), 4,
                Duration.ofSeconds(2)));
        opened.add(ds);
        return ds;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(HikariDataSource::close);
    }

    /**
     * A rough measure, said on standard output (surefire's -output.txt): what an audit event costs the run
     * that records it (a place in the queue), and what the writer spends on it (batched inserts).
     */
    @Test
    void anAuditEventCostsTheRunAlmostNothingAndTheStoreLittle() {
        String line = "{\"eventId\":\"0e8b1c2a-6f1d-4d5e-9a51-3a3c1f1e2d4b\",\"timestamp\":\"2026-12-01T10:00:00Z\",\"runId\":\"r1\","
                + "\"operation\":\"training-monitor\",\"action\":\"STATUS_CHECK\",\"outcome\":\"SUCCESS\",\"actor\":\"cognigy-ops\","
                + "\"resource\":\"training:proj-7:job-1\",\"details\":{\"state\":\"RUNNING\",\"progress_percent\":40.0,"
                + "\"cpu_usage\":70.0,\"memory_usage\":60.0,\"metric_entries\":2,\"latency_ms\":3,\"attempts\":1,\"lateness_ms\":0}}";
        for (int i = 0; i < 500; i++) {
            audit.write("warm-" + (i % 10), "STATUS_CHECK", T0, line);
        }
        assertThat(audit.flush(Duration.ofSeconds(30))).isTrue();
        int n = 5000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            audit.write("run-" + (i % 50), "STATUS_CHECK", Instant.now(), line);
        }
        long queuedNs = System.nanoTime() - start;
        assertThat(audit.flush(Duration.ofSeconds(60))).isTrue();
        long storedNs = System.nanoTime() - start;
        System.out.printf("audit events to the embedded run store: %.1f us each for the run (queued), %.0f us each until stored "
                + "(%d events, batched)%n", queuedNs / 1_000.0 / n, storedNs / 1_000.0 / n, n);
        assertThat(queries.events("run-7")).hasSize(n / 50);
        assertThat(audit.lost()).isZero();
        assertThat(storedNs / n).as("per event until stored, in ns").isLessThan(2_000_000);
    }

    @Test
    void anEventTheStoreRefusesIsGivenUpAndTheNextAreStillWritten() throws Exception {
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE audit_events RENAME TO audit_events_away");
        }
        audit.write("r1", "RUN_STARTED", T0, "{\"n\":1}");
        assertThat(audit.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(audit.lost()).isEqualTo(1);
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE audit_events_away RENAME TO audit_events");
        }
        audit.write("r1", "RUN_FINISHED", T0, "{\"n\":2}");
        assertThat(audit.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(queries.events("r1")).containsExactly("{\"n\":2}");
    }
}
