package dev.cognigyops.triggers;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Which schedules the job store keeps that the configuration no longer names (they are taken out at start). */
class SchedulesTest {

    static Set<String> names(String list) {
        return list == null || list.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(list.trim().split("\\s+")));
    }

    static Schedules configured(Set<String> names) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : names) {
            settings.put("cognigy.schedule." + name + ".cron", "0 0 2 * * ?");
            settings.put("cognigy.schedule." + name + ".request", "{\"operation\":\"nlu-export\",\"payload\":{}}");
        }
        settings.put("cognigy.schedule.misfire-grace-seconds", "60");
        return new Schedules(settings);
    }

    @ParameterizedTest(name = "configured [{0}], stored [{1}] -> stale [{2}]")
    @CsvSource({
            // configured,            stored,                       stale
            "nightly,                 nightly,                      ''",
            "nightly weekly,          nightly,                      ''",
            "nightly,                 nightly weekly,               weekly",
            "'',                      nightly weekly,               nightly weekly",
            "nightly,                 '',                           ''",
            "nightly-export,          nightly_export Nightly-export, Nightly-export nightly_export",
    })
    void aStoredScheduleTheConfigurationNoLongerNamesIsStale(String configured, String stored, String stale) {
        assertThat(configured(names(configured)).stale(names(stored))).containsExactlyInAnyOrderElementsOf(names(stale));
    }
}
