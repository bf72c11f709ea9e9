package dev.cognigyops.support;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed access to the application's settings (application.properties, -D, environment variables),
 * with per-operation overrides: {@code cognigy.retry.nlu-export.max-attempts} wins over
 * {@code cognigy.retry.max-attempts}.
 * <p>
 * A setting's default lives in one place, {@code application.properties}: the code asks for it with
 * {@code require*}, which says which key is missing or malformed. Only a setting whose blank value means
 * something ("none", "off", "derive it") is read with {@link #get(String)} and a Java fallback.
 */
public final class Settings {

    private final PropertiesComponent properties;
    /**
     * Settings do not change while the program runs, and resolving one through the properties
     * component (every source, placeholders) costs more than a status read's own work: each key is
     * resolved once.
     */
    private final Map<String, Optional<String>> resolved = new ConcurrentHashMap<>();

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The value, trimmed; empty when the key is not set or blank. */
    public Optional<String> get(String key) {
        return resolved.computeIfAbsent(key,
                k -> properties.resolveProperty(k).map(String::trim).filter(v -> !v.isEmpty()));
    }

    /** For a setting whose blank value means something: the value, else {@code fallback}. */
    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    /** @throws IllegalStateException naming the key when it is not set or blank */
    public String require(String key) {
        return get(key).orElseThrow(() -> missing(key));
    }

    /** @throws IllegalStateException naming the key when it is missing or not a whole number */
    public long requireLong(String key) {
        return toLong(key, require(key));
    }

    /** @throws IllegalStateException naming the key when it is missing or not a whole number within int range */
    public int requireInt(String key) {
        long value = requireLong(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw malformed(key, Long.toString(value), "a whole number up to " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    /** {@code true} or {@code false} (any case); anything else is malformed. */
    public boolean requireBoolean(String key) {
        String value = require(key);
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw malformed(key, value, "true or false");
    }

    /** A setting in milliseconds ({@code ...-ms}). */
    public Duration requireMillis(String key) {
        return Duration.ofMillis(requireLong(key));
    }

    /** A setting in seconds ({@code ...-seconds}). */
    public Duration requireSeconds(String key) {
        return Duration.ofSeconds(requireLong(key));
    }

    /**
     * The operation's own value of {@code prefix.<operation>.name} when set, else {@code prefix.name},
     * which must be set (application.properties holds its default).
     */
    public String forOperation(String prefix, String operation, String name) {
        return resolve(prefix, operation, name).value();
    }

    public long forOperationLong(String prefix, String operation, String name) {
        Resolved r = resolve(prefix, operation, name);
        return toLong(r.key(), r.value());
    }

    public double forOperationDouble(String prefix, String operation, String name) {
        Resolved r = resolve(prefix, operation, name);
        try {
            return Double.parseDouble(r.value());
        } catch (NumberFormatException e) {
            throw malformed(r.key(), r.value(), "a number");
        }
    }

    public Duration forOperationMillis(String prefix, String operation, String name) {
        return Duration.ofMillis(forOperationLong(prefix, operation, name));
    }

    /** The OAuth scopes an operation asks for: {@code cognigy.auth.scopes.<operation>}, space-separated. */
    public Set<String> scopes(String operation) {
        return new LinkedHashSet<>(Arrays.asList(require("cognigy.auth.scopes." + operation).split("\\s+")));
    }

    /** The environment variable that sets a key: {@code cognigy.base-url} is {@code COGNIGY_BASE_URL}. */
    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    private record Resolved(String key, String value) {
    }

    private Resolved resolve(String prefix, String operation, String name) {
        if (operation != null) {
            String own = prefix + "." + operation + "." + name;
            Optional<String> value = get(own);
            if (value.isPresent()) {
                return new Resolved(own, value.get());
            }
        }
        String global = prefix + "." + name;
        return new Resolved(global, require(global));
    }

    private static long toLong(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw malformed(key, value, "a whole number");
        }
    }

    private static IllegalStateException missing(String key) {
        return new InvalidSetting("setting " + key + " is not set (application.properties, -D" + key + " or "
                + envName(key) + ")");
    }

    private static IllegalStateException malformed(String key, String value, String expected) {
        return new InvalidSetting("setting " + key + " must be " + expected + ", was '" + value + "'");
    }
}
