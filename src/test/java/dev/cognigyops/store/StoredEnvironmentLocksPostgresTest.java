package dev.cognigyops.store;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import dev.cognigyops.testsupport.PostgresServer;

/** The environment locks' contract on a real PostgreSQL (started by the test), each test on an empty database. */
class StoredEnvironmentLocksPostgresTest extends EnvironmentLocksContract {

    private static PostgresServer postgres;
    private HikariDataSource opened;

    @BeforeAll
    static void startPostgres() {
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    DataSource emptyStore() {
        opened = StoreSetup.open(new StoreSetup.Config(postgres.createDatabase(), postgres.user(), postgres.password(), null,
                INSTANCES + 2, Duration.ofSeconds(5)));
        return opened;
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }
}
