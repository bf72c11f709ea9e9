package dev.cognigyops.triggers;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.cognigyops.store.StoreDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/** The Quartz properties of the schedules in service mode: a clustered JDBC job store in the run store, on its pool. */
class ScheduleStoreTest {

    static ScheduleStore.Config config(StoreDatabase database) {
        return new ScheduleStore.Config(database, "pool-key-1", "node-a#3f2a9c1d", 8, Duration.ofSeconds(60),
                Duration.ofSeconds(10));
    }

    @ParameterizedTest(name = "{0}: {1} = {2}")
    @CsvSource({
            "H2,         org.quartz.jobStore.driverDelegateClass, org.quartz.impl.jdbcjobstore.StdJDBCDelegate",
            "POSTGRESQL, org.quartz.jobStore.driverDelegateClass, org.quartz.impl.jdbcjobstore.PostgreSQLDelegate",
            // the same on both: one clustered JDBC store, the tables of the migrations
            "H2,         org.quartz.jobStore.class,               org.quartz.impl.jdbcjobstore.JobStoreTX",
            "POSTGRESQL, org.quartz.jobStore.class,               org.quartz.impl.jdbcjobstore.JobStoreTX",
            "H2,         org.quartz.jobStore.isClustered,         true",
            "POSTGRESQL, org.quartz.jobStore.isClustered,         true",
            "POSTGRESQL, org.quartz.jobStore.tablePrefix,         qrtz_",
            // one scheduler name on every instance (the cluster), an id of its own for each
            "POSTGRESQL, org.quartz.scheduler.instanceName,       cognigy-ops",
            "POSTGRESQL, org.quartz.scheduler.instanceId,         node-a#3f2a9c1d",
            "POSTGRESQL, org.quartz.threadPool.threadCount,       8",
            "POSTGRESQL, org.quartz.jobStore.misfireThreshold,    60000",
            "POSTGRESQL, org.quartz.jobStore.clusterCheckinInterval, 10000",
            "POSTGRESQL, org.quartz.scheduler.idleWaitTime,       10000",
            // connections from the run store's pool, by the key it was registered under
            "POSTGRESQL, org.quartz.jobStore.dataSource,          runStore",
            "POSTGRESQL, org.quartz.dataSource.runStore.connectionProvider.class, dev.cognigyops.store.RunStoreConnections",
            "POSTGRESQL, org.quartz.dataSource.runStore.store,    pool-key-1",
            "POSTGRESQL, org.quartz.scheduler.skipUpdateCheck,    true",
    })
    void eachSettingOfTheJobStore(StoreDatabase database, String key, String value) {
        assertThat(ScheduleStore.quartzProperties(config(database)).getProperty(key)).isEqualTo(value);
    }

    @ParameterizedTest
    @EnumSource(StoreDatabase.class)
    void noOtherDataSourceIsConfigured(StoreDatabase database) {
        Properties p = ScheduleStore.quartzProperties(config(database));

        assertThat(p.stringPropertyNames().stream().filter(k -> k.startsWith("org.quartz.dataSource.")))
                .containsExactlyInAnyOrder("org.quartz.dataSource.runStore.connectionProvider.class",
                        "org.quartz.dataSource.runStore.store");
    }
}
