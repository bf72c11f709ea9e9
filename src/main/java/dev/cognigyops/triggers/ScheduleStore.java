package dev.cognigyops.triggers;

import java.time.Duration;
import java.util.Properties;

import dev.cognigyops.store.RunStoreConnections;
import dev.cognigyops.store.StoreDatabase;

/**
 * Where Quartz keeps the schedules in service mode (docs/contract.md#durable-runs): its clustered JDBC job
 * store, in the run store's database, on the run store's pool. Every instance sharing the store is one
 * scheduler named {@value #SCHEDULER_NAME} with an instance id of its own: a due time is taken by one
 * instance under Quartz's row lock and fired there only. A due time that every instance missed by more than
 * the grace is not made up (the misfire rule of the route template {@code scheduled-run-request}).
 * The command line keeps Quartz's default, in memory: it runs no schedule.
 */
public final class ScheduleStore {

    /** The scheduler's name in the store ({@code sched_name}): the same on every instance, or they would not share. */
    public static final String SCHEDULER_NAME = "cognigy-ops";
    /** The trigger group of every schedule (the route template's {@code quartz:cognigy-ops/<name>}). */
    public static final String GROUP = "cognigy-ops";
    /** Quartz's tables, as the migrations {@code db/vendor/<database>/V3__quartz_tables.sql} create them. */
    public static final String TABLE_PREFIX = "qrtz_";
    static final String DATA_SOURCE = "runStore";

    /**
     * @param database    the run store's database, for Quartz's driver delegate
     * @param storeKey    the run store's pool as {@link RunStoreConnections#register} knows it
     * @param instanceId  this instance in Quartz's cluster (unique among the running instances)
     * @param threads     schedules that may run at once on this instance
     * @param misfireGrace how late a due time may still fire; later, it is skipped
     * @param checkin     how often this instance tells the others it lives (one that stays silent this long plus
     *                    7.5 s is taken for dead, and what it had taken is freed for the others), and how often an
     *                    idle instance looks for due times another has given back
     */
    public record Config(StoreDatabase database, String storeKey, String instanceId, int threads, Duration misfireGrace,
                         Duration checkin) {
    }

    private ScheduleStore() {
    }

    /** The Quartz properties for camel-quartz ({@code QuartzComponent#setProperties}). */
    public static Properties quartzProperties(Config config) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", config.instanceId());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.jmx.export", "false");
        p.setProperty("org.quartz.scheduler.idleWaitTime", Long.toString(Math.max(1000, config.checkin().toMillis())));
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(config.threads()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "schedule");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", config.database().quartzDelegate());
        p.setProperty("org.quartz.jobStore.tablePrefix", TABLE_PREFIX);
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(config.checkin().toMillis()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(config.misfireGrace().toMillis()));
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.setProperty("org.quartz.dataSource." + DATA_SOURCE + ".connectionProvider.class", RunStoreConnections.class.getName());
        p.setProperty("org.quartz.dataSource." + DATA_SOURCE + ".store", config.storeKey());
        return p;
    }
}
