package dev.cognigyops.triggers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.cognigyops.JarTestServers;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.store.StoreSetup;
import dev.cognigyops.support.Json;
import dev.cognigyops.testsupport.AppProcess;
import dev.cognigyops.testsupport.PostgresServer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schedules as the built jar keeps them (docs/contract.md#durable-runs): in Quartz's clustered job store, in the
 * run store's database. Two instances on one PostgreSQL fire each due time once, and the one left goes on alone
 * when the other is killed; on the embedded store a changed cron takes effect at the next start with the
 * schedule still stored once, and a due time missed while the service was down is skipped, not made up.
 * Each scheduled run says the due time it answers ({@code dueAt} in {@code RUN_STARTED}); a schedule fires
 * every two seconds.
 */
class ClusteredSchedulesIT {

    static final String EVEN_SECONDS = "0/2 * * * * ?";
    static final String ODD_SECONDS = "1/2 * * * * ?";
    static final Duration EVERY = Duration.ofSeconds(2);
    /** No requestId: every due time is a run of its own. */
    static final String REQUEST = "{\"operation\":\"nlu-export\",\"payload\":{\"modelId\":\"intent-classifier\",\"modelVersion\":\"1.4.0\"}}";
    static final Duration START = Duration.ofSeconds(120);

    static PostgresServer postgres;
    static JarTestServers servers;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServers() {
        postgres = PostgresServer.start();
        servers = new JarTestServers("schedules-it");
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void twoInstancesOnOneStoreFireEachDueTimeOnceAndTheOneLeftTakesOverWhenTheOtherDies() throws Exception {
        String store = postgres.createDatabase();
        Path homeA = dir.resolve("a");
        Path homeB = dir.resolve("b");
        try (AppProcess a = instance("a", store, EVEN_SECONDS, 60).start();
             AppProcess b = instance("b", store, EVEN_SECONDS, 60).start()) {
            // both schedulers are in the cluster: each has checked in to the store
            await().atMost(START).until(() -> checkedIn(store) == 2);
            Instant bothUp = Instant.now();
            await().atMost(Duration.ofSeconds(60)).until(() -> distinctSince(bothUp, homeA, homeB) >= 6);

            // the instance that fired last dies (Quartz lets one instance take a schedule's due times one after
            // the other while the others wait), between two due times (they are on even seconds)
            String firing = fires(homeA, homeB).stream().max(java.util.Comparator.comparing(Fire::dueAt)).orElseThrow().instance();
            AppProcess dies = firing.equals("a") ? a : b;
            AppProcess left = firing.equals("a") ? b : a;
            Path leftHome = firing.equals("a") ? homeB : homeA;
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> Instant.now().getEpochSecond() % 2 == 1);
            Instant killed = Instant.now();
            dies.kill();
            await().atMost(Duration.ofSeconds(90)).until(() -> distinctSince(killed, leftHome) >= 6);
            assertThat(left.isAlive()).as("the other instance is up; stderr:\n" + left.stderr()).isTrue();

            // every due time a duplicate could already be written for
            Instant cutoff = Instant.now().minusSeconds(4);
            Instant first = nextDueTime(bothUp);
            List<Fire> fires = fires(homeA, homeB).stream()
                    .filter(f -> !f.dueAt().isBefore(first) && !f.dueAt().isAfter(cutoff)).toList();
            List<Instant> due = fires.stream().map(Fire::dueAt).sorted().toList();
            System.out.println("fired by a: " + fires.stream().filter(f -> f.instance().equals("a")).toList()
                    + "; by b: " + fires.stream().filter(f -> f.instance().equals("b")).toList()
                    + "; " + firing + " killed at " + killed);

            assertThat(due).as("each due time fires once across the two").doesNotHaveDuplicates();
            assertThat(due).as("and none is lost, when both run or when one is left")
                    .containsExactlyElementsOf(everyDueTime(first, due.get(due.size() - 1)));
            assertThat(fires).as("the instance left took over the schedule")
                    .anyMatch(f -> !f.instance().equals(firing) && f.dueAt().isAfter(killed));
        }
    }

    @Test
    void anInstanceStoppingHandsItsDueTimesToTheOtherWithoutLosingOne() throws Exception {
        String store = postgres.createDatabase();
        Path homeA = dir.resolve("a");
        Path homeB = dir.resolve("b");
        try (JarTestServers slow = new JarTestServers("schedules-slow-it")) {
            // each run takes 3 s (its artifact comes slowly): an instance stopping still finishes its runs
            // while the next due times come
            slow.cognigy.stubFor(get(ExportStubs.ARTIFACT_PATH).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/octet-stream").withBody(new ExportStubs(slow.cognigy, 10_000).artifact()).withFixedDelay(3000)));
            try (AppProcess a = instance(slow, "a", store, EVEN_SECONDS, 60).start();
                 AppProcess b = instance(slow, "b", store, EVEN_SECONDS, 60).start()) {
                await().atMost(START).until(() -> checkedIn(store) == 2);
                Instant bothUp = Instant.now();
                await().atMost(Duration.ofSeconds(60)).until(() -> distinctSince(bothUp, homeA, homeB) >= 3);

                String firing = fires(homeA, homeB).stream().max(java.util.Comparator.comparing(Fire::dueAt)).orElseThrow().instance();
                AppProcess stops = firing.equals("a") ? a : b;
                Path leftHome = firing.equals("a") ? homeB : homeA;
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> Instant.now().getEpochSecond() % 2 == 1);
                Instant stopped = Instant.now();
                stops.close();   // SIGTERM: the runs under way finish, then it exits
                await().atMost(Duration.ofSeconds(90)).until(() -> distinctSince(stopped, leftHome) >= 4);

                Instant cutoff = Instant.now().minusSeconds(4);
                Instant first = nextDueTime(bothUp);
                List<Fire> fires = fires(homeA, homeB).stream()
                        .filter(f -> !f.dueAt().isBefore(first) && !f.dueAt().isAfter(cutoff)).toList();
                List<Instant> due = fires.stream().map(Fire::dueAt).sorted().toList();
                System.out.println("fired by a: " + fires.stream().filter(f -> f.instance().equals("a")).toList()
                        + "; by b: " + fires.stream().filter(f -> f.instance().equals("b")).toList()
                        + "; " + firing + " stopped at " + stopped);

                assertThat(due).as("each due time fires once").doesNotHaveDuplicates();
                assertThat(due).as("and none is lost while an instance stops")
                        .containsExactlyElementsOf(everyDueTime(first, due.get(due.size() - 1)));
            }
        }
    }

    @Test
    void onTheEmbeddedStoreAChangedCronTakesEffectAtTheNextStartAndTheScheduleIsStoredOnce() throws Exception {
        Path home = dir.resolve("solo");
        try (AppProcess first = instance("solo", null, EVEN_SECONDS, 60).start()) {
            await().atMost(START).until(() -> fires(home).size() >= 2);
        }
        Instant restart = Instant.now();
        try (AppProcess second = instance("solo", null, ODD_SECONDS, 60).start()) {
            await().atMost(START).until(() -> distinctSince(restart, home) >= 3);
        }

        List<Instant> due = fires(home).stream().map(Fire::dueAt).toList();
        assertThat(due).doesNotHaveDuplicates();
        assertThat(due.stream().filter(t -> t.isBefore(restart))).isNotEmpty().allMatch(t -> t.getEpochSecond() % 2 == 0);
        assertThat(due.stream().filter(t -> t.isAfter(restart))).as("the new cron, from the next start")
                .hasSizeGreaterThanOrEqualTo(3).allMatch(t -> t.getEpochSecond() % 2 == 1);
        try (Connection c = embeddedStore(home); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT t.trigger_name, c.cron_expression FROM qrtz_triggers t"
                     + " JOIN qrtz_cron_triggers c ON c.sched_name = t.sched_name AND c.trigger_name = t.trigger_name"
                     + " AND c.trigger_group = t.trigger_group")) {
            List<String> stored = new ArrayList<>();
            while (r.next()) {
                stored.add(r.getString(1) + " " + r.getString(2));
            }
            assertThat(stored).containsExactly("tick " + ODD_SECONDS);
        }
    }

    @Test
    void aDueTimeMissedWhileNoInstanceRanIsSkippedNotMadeUpAtTheStart() throws Exception {
        Path home = dir.resolve("down");
        try (AppProcess app = instance("down", null, EVEN_SECONDS, 1).start()) {
            await().atMost(START).until(() -> fires(home).size() >= 1);
        }
        Instant missed = fires(home).stream().map(Fire::dueAt).max(Instant::compareTo).orElseThrow().plus(EVERY);
        // down until that due time is older than the grace (1 s), and the one after it too
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(missed.plus(EVERY).plusSeconds(2)));
        Instant restart = Instant.now();
        try (AppProcess app = instance("down", null, EVEN_SECONDS, 1).start()) {
            await().atMost(START).until(() -> distinctSince(restart, home) >= 2);
        }

        List<Instant> due = fires(home).stream().map(Fire::dueAt).toList();
        assertThat(due).as("the due times missed while down do not run").noneMatch(t -> !t.isBefore(missed) && t.isBefore(restart));
        assertThat(due).as("nor does one at the start in their place: every run is on the cron")
                .allMatch(t -> t.getEpochSecond() % 2 == 0 && t.getNano() == 0);
        assertThat(due).doesNotHaveDuplicates();
    }

    // --- the instances ---------------------------------------------------------------------------

    private AppProcess instance(String name, String storeUrl, String cron, int misfireGraceSeconds) {
        return instance(servers, name, storeUrl, cron, misfireGraceSeconds);
    }

    private AppProcess instance(JarTestServers around, String name, String storeUrl, String cron, int misfireGraceSeconds) {
        AppProcess app = AppProcess.in(dir.resolve(name)).flags(AppProcess.DOCKERFILE_FLAGS).env(around.env())
                .env("COGNIGY_CLUSTER_NODE_ID", name)
                // a killed instance's place is taken after about this plus 7.5 s (Quartz's margin)
                .env("COGNIGY_CLUSTER_HEARTBEAT_MS", "2000")
                .env("COGNIGY_SCHEDULE_MISFIRE_GRACE_SECONDS", Integer.toString(misfireGraceSeconds))
                .flag("-Dcognigy.schedule.tick.cron=" + cron)
                .flag("-Dcognigy.schedule.tick.request=" + REQUEST);
        if (storeUrl != null) {
            app.env("COGNIGY_STORE_URL", storeUrl).env("COGNIGY_STORE_USER", postgres.user())
                    .env("COGNIGY_STORE_PASSWORD", postgres.password());
        }
        return app;
    }

    /** The instances whose schedulers are in the cluster, as they told the store. */
    private static int checkedIn(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, postgres.user(), postgres.password());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM qrtz_scheduler_state")) {
            r.next();
            return r.getInt(1);
        } catch (java.sql.SQLException notYetMigrated) {
            return 0;
        }
    }

    private static Connection embeddedStore(Path home) throws Exception {
        String url = new StoreSetup.Config("", "", "", home.resolve("data"), 1, Duration.ofSeconds(5)).jdbcUrl();
        return DriverManager.getConnection(url, "sa", "");
    }

    // --- what they ran -----------------------------------------------------------------------------

    /** A scheduled run: the due time it answers, the instance that started it, and when. */
    record Fire(Instant dueAt, String instance, Instant startedAt) {

        @Override
        public String toString() {
            return dueAt + " (started " + Duration.between(dueAt, startedAt).toMillis() + " ms later)";
        }
    }

    /** Every scheduled run the instances started, by their audit files. */
    static List<Fire> fires(Path... homes) throws IOException {
        List<Fire> fires = new ArrayList<>();
        for (Path home : homes) {
            Path audit = home.resolve("audit/audit.jsonl");
            if (!Files.exists(audit)) {
                continue;
            }
            for (String line : Files.readAllLines(audit)) {
                JsonNode event;
                try {
                    event = Json.parse(line);
                } catch (IOException lineBeingWritten) {
                    continue;
                }
                JsonNode details = event.path("details");
                if (event.path("action").asText().equals("RUN_STARTED") && details.path("trigger").asText().equals("schedule")) {
                    assertThat(details.path("dueAt").isTextual()).as("a scheduled run says its due time: " + line).isTrue();
                    fires.add(new Fire(Instant.parse(details.path("dueAt").asText()), home.getFileName().toString(),
                            Instant.parse(event.path("timestamp").asText())));
                }
            }
        }
        return fires;
    }

    static long distinctSince(Instant since, Path... homes) throws IOException {
        return fires(homes).stream().map(Fire::dueAt).filter(t -> !t.isBefore(since)).distinct().count();
    }

    /** The first due time of the even-second cron at or after {@code t}. */
    static Instant nextDueTime(Instant t) {
        Instant whole = t.getNano() == 0 ? t : Instant.ofEpochSecond(t.getEpochSecond() + 1);
        return whole.getEpochSecond() % 2 == 0 ? whole : whole.plusSeconds(1);
    }

    static List<Instant> everyDueTime(Instant first, Instant last) {
        List<Instant> all = new ArrayList<>();
        for (Instant t = first; !t.isAfter(last); t = t.plus(EVERY)) {
            all.add(t);
        }
        return all;
    }
}
