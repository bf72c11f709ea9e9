package dev.cognigyops.triggers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import dev.cognigyops.AppTestSupport;
import dev.cognigyops.nluexport.ExportStubs;
import dev.cognigyops.store.InboxClaims;
import dev.cognigyops.support.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inbox shared by several instances, through the whole app: a file is read only once this instance
 * holds its claim in the run store. Another instance is an {@link InboxClaims} of its own on the app's
 * store; a file it holds stays in the inbox for it, one whose claim it left behind when it died runs
 * here, and a name is free again once its file has moved out.
 */
class SharedInboxTest extends AppTestSupport {

    @Override
    protected void doPostSetup() {
        new ExportStubs(cognigy, 10_000).happyPath();
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("cognigy.inbox.claim-release-delay-ms", "100");
        return p;
    }

    DataSource store() {
        return context.getRegistry().lookupByNameAndType("runStoreDataSource", DataSource.class);
    }

    /** Another instance on the same store, whose clock reads {@code skew} from ours. */
    InboxClaims anotherInstance(String node, Duration skew) {
        return new InboxClaims(store(), node, node + "#1", Duration.ofSeconds(30), Clock.offset(Clock.systemUTC(), skew));
    }

    Path inbox() {
        return workDir.resolve("inbox");
    }

    void drop(String relative, String content) throws IOException {
        Path target = inbox().resolve(relative);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    JsonNode awaitResult(String runId) throws IOException {
        Path file = workDir.resolve("results").resolve(runId + ".json");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(file));
        return Json.MAPPER.readTree(file.toFile());
    }

    long runsStarted(String runId) throws IOException {
        return auditActions(runId).stream().filter("RUN_STARTED"::equals).count();
    }

    int claimsInStore() throws Exception {
        try (Connection c = store().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM inbox_claims")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void aFileAnotherInstanceIsReadingIsLeftToItAndRunsHereOnlyOnceItIsReleased() throws Exception {
        InboxClaims elsewhere = anotherInstance("node-elsewhere", Duration.ZERO);
        assertThat(elsewhere.add("held.json")).isTrue();

        drop("held.json", ExportStubs.request("held-1", ""));
        drop("free.json", ExportStubs.request("free-1", ""));
        assertThat(awaitResult("free-1").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/free.json")));

        // polled again and again while free.json ran: held.json is the other instance's
        assertThat(inbox().resolve("held.json")).exists();
        assertThat(workDir.resolve("results/held-1.json")).doesNotExist();
        assertThat(runsStarted("held-1")).isZero();

        // say the other instance gave it up without reading it: it runs here, once
        assertThat(elsewhere.remove("held.json")).isTrue();
        assertThat(awaitResult("held-1").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/held.json")));
        assertThat(runsStarted("held-1")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> claimsInStore() == 0);
    }

    @Test
    void aFileWhoseInstanceDiedWhileHoldingItRunsHereOnceItsClaimHasLapsed() throws Exception {
        // an instance that claimed the file an hour ago and has been silent since
        InboxClaims dead = anotherInstance("node-dead", Duration.ofHours(-1));
        assertThat(dead.add("orphan.json")).isTrue();

        drop("orphan.json", ExportStubs.request("orphan-1", ""));

        assertThat(awaitResult("orphan-1").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/orphan.json")));
        assertThat(runsStarted("orphan-1")).isEqualTo(1);
        assertThat(dead.remove("orphan.json")).as("the dead instance's claim is gone").isFalse();
    }

    @Test
    void aNameIsFreeAgainOnceItsFileHasMovedOutWhetherItRanOrFailed() throws Exception {
        drop("again.json", ExportStubs.request("again-1", ""));
        assertThat(awaitResult("again-1").path("status").asText()).isEqualTo("SUCCEEDED");
        drop("broken.json", "{\"operation\": \"nlu-export\", \"payload\": {");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbox().resolve(".done/again.json"))
                && Files.exists(inbox().resolve(".failed/broken.json")));

        drop("again.json", ExportStubs.request("again-2", ""));
        drop("broken.json", ExportStubs.request("fixed-1", ""));

        assertThat(awaitResult("again-2").path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(awaitResult("fixed-1").path("status").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(inbox().resolve(".done/broken.json"))
                && !Files.exists(inbox().resolve("again.json")));
        assertThat(Json.MAPPER.readTree(inbox().resolve(".done/again.json").toFile()).path("requestId").asText())
                .isEqualTo("again-2");
        assertThat(runsStarted("again-1")).isEqualTo(1);
        assertThat(runsStarted("again-2")).isEqualTo(1);
        assertThat(runsStarted("fixed-1")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> claimsInStore() == 0);
    }
}
