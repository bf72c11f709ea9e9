package dev.cognigyops.triggers;

import java.util.Date;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.component.quartz.SchedulerInitTask;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service does with the job store's schedules once camel-quartz has stored this instance's and
 * before the scheduler starts: a schedule the configuration no longer names is taken out of the store
 * ({@link Schedules#stale}), and a due time skipped by the misfire rule is said, once, by the instance that
 * found it.
 */
public final class StoredSchedules implements SchedulerInitTask {

    private static final Logger LOG = LoggerFactory.getLogger(StoredSchedules.class);

    private final Schedules configured;

    public StoredSchedules(Schedules configured) {
        this.configured = configured;
    }

    @Override
    public void initializeTask(Scheduler scheduler) throws Exception {
        Set<String> stored = new TreeSet<>();
        for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(ScheduleStore.GROUP))) {
            stored.add(key.getName());
        }
        for (String name : configured.stale(stored)) {
            LOG.info("schedule {} is no longer configured: taken out of the job store", name);
            scheduler.unscheduleJob(new TriggerKey(name, ScheduleStore.GROUP));
        }
        scheduler.getListenerManager().addTriggerListener(new MissedDueTimes(),
                GroupMatcher.triggerGroupEquals(ScheduleStore.GROUP));
    }

    /** Quartz calls it with the trigger as it was before the misfire rule moved it on. */
    static final class MissedDueTimes extends TriggerListenerSupport {

        @Override
        public String getName() {
            return "cognigy-ops-missed-due-times";
        }

        @Override
        public void triggerMisfired(Trigger trigger) {
            Date missed = trigger.getNextFireTime();
            Date next = trigger.getFireTimeAfter(new Date());
            LOG.warn("schedule {}: due time {} was missed while no instance could fire it, longer than "
                            + "cognigy.schedule.misfire-grace-seconds; skipped (with any later missed ones), next at {}",
                    trigger.getKey().getName(), missed == null ? "?" : missed.toInstant(), next == null ? "never" : next.toInstant());
        }
    }
}
