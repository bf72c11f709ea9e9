package dev.cognigyops.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cognigyops.testsupport.PostgresServer;

/** The run store's contract on a real PostgreSQL (Debian's, started by the test), each test on an empty database. */
class RunStorePostgresTest extends RunStoreContract {

    private static PostgresServer postgres;
    private final List<HikariDataSource> opened = new ArrayList<>();

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private StoreSetup.Config config(String url) {
        return new StoreSetup.Config(url, postgres.user(), postgres.password(), null, 4, Duration.ofSeconds(5));
    }

    @Override
    RunStore emptyStore() {
        try {
            HikariDataSource ds = StoreSetup.open(config(postgres.createDatabase()));
            opened.add(ds);
            return new RunStore(ds);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void closeAll() {
        opened.forEach(HikariDataSource::close);
    }

    @Test
    void theMigrationsCreateTheTablesOnAnEmptyDatabaseAndRunOnce() throws Exception {
        String url = postgres.createDatabase();
        HikariDataSource first = StoreSetup.open(config(url));
        first.close();
        // a second start finds the schema at its version and changes nothing
        HikariDataSource second = StoreSetup.open(config(url));
        opened.add(second);
        try (var c = second.getConnection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM schema_history WHERE success")) {
            r.next();
            assertThat(r.getInt(1)).as("V1 and V2").isEqualTo(2);
        }
    }

    @Test
    void aWrongPasswordFailsTheStartWithoutShowingIt() {
        var wrong = new StoreSetup.Config(postgres.jdbcUrl(), postgres.user(), "not-the-password", null, 2,
                Duration.ofSeconds(3));
        assertThatThrownBy(() -> StoreSetup.open(wrong))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot be reached")
                .hasMessageNotContaining("not-the-password");
    }
}
