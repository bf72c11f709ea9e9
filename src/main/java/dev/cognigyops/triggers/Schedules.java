package dev.cognigyops.triggers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.RouteTemplateParameterSource;

/**
 * Named Quartz schedules from the configuration (docs/contract.md#run-requests):
 * <pre>
 * cognigy.schedule.nightly-export.cron    = 0 0 2 * * ?
 * cognigy.schedule.nightly-export.request = {"operation":"nlu-export","payload":{...}}
 * </pre>
 * Each becomes a route, id = its name, from the YAML route template {@code scheduled-run-request}.
 * The request is kept here as written: JSON cannot pass through Camel's placeholder parser,
 * whose {@code }}} it would trip, so the route asks this bean for it by name.
 */
public final class Schedules implements RouteTemplateParameterSource {

    public static final String PREFIX = "cognigy.schedule.";
    private static final Pattern KEY = Pattern.compile(Pattern.quote(PREFIX) + "([A-Za-z0-9][A-Za-z0-9_-]*)\\.(cron|request)");

    private record Schedule(String cron, String request) {
    }

    private final Map<String, Schedule> schedules;

    public Schedules(Map<String, String> settings) {
        Map<String, String> cron = new TreeMap<>();
        Map<String, String> request = new TreeMap<>();
        settings.forEach((key, value) -> {
            Matcher m = KEY.matcher(key);
            if (m.matches()) {
                (m.group(2).equals("cron") ? cron : request).put(m.group(1), value.trim());
            }
        });
        Map<String, Schedule> found = new LinkedHashMap<>();
        for (String name : cron.keySet()) {
            if (!request.containsKey(name)) {
                throw new IllegalStateException("schedule " + name + " has a cron but no request: set " + PREFIX + name + ".request");
            }
            found.put(name, new Schedule(cron.get(name), request.get(name)));
        }
        for (String name : request.keySet()) {
            if (!cron.containsKey(name)) {
                throw new IllegalStateException("schedule " + name + " has a request but no cron: set " + PREFIX + name + ".cron");
            }
        }
        this.schedules = found;
    }

    /** Every {@code cognigy.schedule.*} setting, as written (unresolved), from the configuration and -D. */
    public static Schedules from(PropertiesComponent properties) {
        Map<String, String> settings = new TreeMap<>();
        Properties loaded = properties.loadProperties(k -> k.startsWith(PREFIX));
        loaded.stringPropertyNames().forEach(k -> settings.put(k, loaded.getProperty(k)));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX))
                .forEach(k -> settings.put(k, System.getProperty(k)));
        return new Schedules(settings);
    }

    /** The run request a schedule sends (used by the scheduled route). */
    public String request(String name) {
        Schedule s = schedules.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no schedule named " + name);
        }
        return s.request();
    }

    /**
     * The schedules the job store keeps that the configuration no longer names: a schedule taken out of
     * the settings is taken out of the store, or it would go on firing (with no route to run it).
     */
    public Set<String> stale(Set<String> stored) {
        Set<String> stale = new java.util.TreeSet<>(stored);
        stale.removeAll(schedules.keySet());
        return stale;
    }

    public boolean isEmpty() {
        return schedules.isEmpty();
    }

    @Override
    public Set<String> routeIds() {
        return schedules.keySet();
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        Schedule s = schedules.get(routeId);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put(TEMPLATE_ID, "scheduled-run-request");
        params.put("name", routeId);
        params.put("cron", s.cron());
        return params;
    }
}
