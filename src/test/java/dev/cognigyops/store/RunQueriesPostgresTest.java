package dev.cognigyops.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import dev.cognigyops.testsupport.PostgresServer;

/** The runs API's reads on a real PostgreSQL (Debian's, started by the test), each test on an empty database. */
class RunQueriesPostgresTest extends RunQueriesContract {

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

    @Override
    DataSource emptyStore() {
        try {
            HikariDataSource ds = StoreSetup.open(new StoreSetup.Config(postgres.createDatabase(), postgres.user(),
                    postgres.password(), null, 4, Duration.ofSeconds(5)));
            opened.add(ds);
            return ds;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void closeAll() {
        opened.forEach(HikariDataSource::close);
    }
}
