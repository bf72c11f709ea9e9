package dev.cognigyops.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run store's contract on the embedded database, and what the embedded store does at start. */
class RunStoreH2Test extends RunStoreContract {

    @TempDir
    Path dataDir;
    private final List<HikariDataSource> opened = new ArrayList<>();

    StoreSetup.Config config(Path dir) {
        return new StoreSetup.Config("", "", "", dir, 4, Duration.ofSeconds(2));
    }

    @Override
    RunStore emptyStore() {
        HikariDataSource ds = StoreSetup.open(config(dataDir.resolve(uniqueName())));
        opened.add(ds);
        return new RunStore(ds);
    }

    @AfterEach
    void closeAll() {
        opened.forEach(HikariDataSource::close);
    }

    @Test
    void theEmbeddedStoreLivesInTheDataFolderAndKeepsItsRunsAcrossARestart() {
        Path dir = dataDir.resolve("restart");
        HikariDataSource first = StoreSetup.open(config(dir));
        new RunStore(first).insert(newRun("kept"), "node-a", "node-a#1", T0, LEASE);
        first.close();

        assertThat(dir.resolve("cognigy-ops.mv.db")).exists();
        HikariDataSource second = StoreSetup.open(config(dir));
        opened.add(second);
        assertThat(new RunStore(second).find("kept")).isPresent();
    }

    @Test
    void theEmbeddedStoreHasTheSchedulesQuartzTablesInLowerCaseAsQuartzQueriesThem() throws Exception {
        HikariDataSource ds = StoreSetup.open(config(dataDir.resolve("quartz")));
        opened.add(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             var r = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'qrtz%' ORDER BY 1")) {
            List<String> tables = new ArrayList<>();
            while (r.next()) {
                tables.add(r.getString(1));
            }
            assertThat(tables).containsExactly("qrtz_blob_triggers", "qrtz_calendars", "qrtz_cron_triggers",
                    "qrtz_fired_triggers", "qrtz_job_details", "qrtz_locks", "qrtz_paused_trigger_grps",
                    "qrtz_scheduler_state", "qrtz_simple_triggers", "qrtz_simprop_triggers", "qrtz_triggers");
        }
    }

    @Test
    void aRunWrittenBeforeTheProfileWasRecordedIsKeptWithoutOneAndClaimedAsBefore() throws Exception {
        Path dir = dataDir.resolve("before-v7");
        HikariDataSource old = StoreSetup.open(config(dir));
        // the store as the program before V7 left it, with a running run in it
        try (Connection c = old.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM schema_history WHERE version = '7'");
            s.executeUpdate("ALTER TABLE runs DROP COLUMN api_profile");
            s.executeUpdate("INSERT INTO runs (run_id, request_id, operation, trigger_name, source, request, status, phase,"
                    + " state, checkpoints, owner_node, owner, fence, lease_until, started_at, updated_at) VALUES ('old-1',"
                    + " 'old-1', 'bot-deploy', 'file', 'inbox/old-1.json', '{}', 'RUNNING', 'DEPLOYMENT_CREATED', '{}', 1,"
                    + " 'node-a', 'node-a#1', 1, TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:30+00',"
                    + " TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:00+00', TIMESTAMP WITH TIME ZONE '2026-12-01 10:00:01+00')");
        }
        old.close();

        HikariDataSource upgraded = StoreSetup.open(config(dir));
        opened.add(upgraded);
        RunStore store = new RunStore(upgraded);
        assertThat(store.find("old-1").orElseThrow().apiProfile()).isNull();
        assertThat(store.claim("node-b", "node-b#1", T0.plus(LEASE).plusSeconds(1), LEASE, 10))
                .singleElement().satisfies(claimed -> {
                    assertThat(claimed.lease().runId()).isEqualTo("old-1");
                    assertThat(claimed.phase()).isEqualTo("DEPLOYMENT_CREATED");
                    assertThat(claimed.apiProfile()).isNull();
                });
    }

    @Test
    void aSchemaNewerThanTheProgramIsRefusedWithAClearMessage() throws Exception {
        Path dir = dataDir.resolve("newer");
        HikariDataSource ds = StoreSetup.open(config(dir));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO schema_history (installed_rank, version, description, type, script, checksum,"
                    + " installed_by, installed_on, execution_time, success) VALUES (99, '99', 'from the future', 'SQL',"
                    + " 'V99__future.sql', 0, 'sa', CURRENT_TIMESTAMP, 1, TRUE)");
        }
        ds.close();

        assertThatThrownBy(() -> StoreSetup.open(config(dir)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("has schema version 99, newer than this program knows (7)");
    }

    @Test
    void aStoreThatCannotBeReachedFailsTheStartNamingItWithoutItsPassword() {
        var config = new StoreSetup.Config("jdbc:postgresql://127.0.0.1:1/runs?password=hunter22", "ops", "hunter22",
                dataDir, 2, Duration.ofMillis(500));

        assertThatThrownBy(() -> StoreSetup.open(config))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("the run store at jdbc:postgresql://127.0.0.1:1/runs cannot be reached")
                .hasMessageNotContaining("hunter22");
    }
}
