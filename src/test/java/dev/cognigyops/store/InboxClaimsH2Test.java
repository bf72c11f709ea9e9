package dev.cognigyops.store;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The inbox claims' contract on the embedded database. */
class InboxClaimsH2Test extends InboxClaimsContract {

    @TempDir
    Path dataDir;
    private HikariDataSource opened;

    @Override
    DataSource emptyStore() {
        opened = StoreSetup.open(new StoreSetup.Config("", "", "", dataDir, INSTANCES + 2, Duration.ofSeconds(2)));
        return opened;
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }
}
