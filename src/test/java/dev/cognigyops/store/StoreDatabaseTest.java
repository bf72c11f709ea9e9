package dev.cognigyops.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The database under the run store, from the product name its driver reports: its migrations and its Quartz delegate. */
class StoreDatabaseTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // product name, database, migrations, Quartz driver delegate
            "H2,         H2,         classpath:db/vendor/h2,         org.quartz.impl.jdbcjobstore.StdJDBCDelegate",
            "PostgreSQL, POSTGRESQL, classpath:db/vendor/postgresql, org.quartz.impl.jdbcjobstore.PostgreSQLDelegate",
            "postgresql, POSTGRESQL, classpath:db/vendor/postgresql, org.quartz.impl.jdbcjobstore.PostgreSQLDelegate",
            "' H2 ',     H2,         classpath:db/vendor/h2,         org.quartz.impl.jdbcjobstore.StdJDBCDelegate",
    })
    void aKnownDatabaseHasItsMigrationsAndItsQuartzDelegate(String productName, StoreDatabase expected, String migrations,
                                                            String delegate) {
        StoreDatabase database = StoreDatabase.fromProductName(productName);

        assertThat(database).isEqualTo(expected);
        assertThat(database.migrations()).isEqualTo(migrations);
        assertThat(database.quartzDelegate()).isEqualTo(delegate);
    }

    @ParameterizedTest
    @ValueSource(strings = {"MySQL", "Microsoft SQL Server", "HSQL Database Engine", "PostgreSQL 16"})
    void anyOtherDatabaseIsRefusedByName(String productName) {
        assertThatThrownBy(() -> StoreDatabase.fromProductName(productName))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("runs on " + productName + ", which cognigy-ops does not support");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void aDatabaseWithoutANameIsRefused(String productName) {
        assertThatThrownBy(() -> StoreDatabase.fromProductName(productName))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("an unnamed database");
    }
}
