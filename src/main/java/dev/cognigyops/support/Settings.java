package dev.cognigyops.support;

import java.time.Duration;
import java.util.Optional;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed access to the application's settings (application.properties, -D, environment variables),
 * with per-operation overrides: {@code cognigy.retry.nlu-export.max-attempts} wins over
 * {@code cognigy.retry.max-attempts}.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    public Optional<String> get(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String get(String key, String fallback) {
        return get(key).orElse(fallback);
    }

    public String require(String key) {
        return get(key).orElseThrow(() -> new IllegalStateException(
                "setting " + key + " is not set (application.properties, -D" + key + " or " + envName(key) + ")"));
    }

    /** The operation's own value of {@code prefix.<operation>.name}, else {@code prefix.name}, else the fallback. */
    public String forOperation(String prefix, String operation, String name, String fallback) {
        if (operation != null) {
            Optional<String> own = get(prefix + "." + operation + "." + name);
            if (own.isPresent()) {
                return own.get();
            }
        }
        return get(prefix + "." + name, fallback);
    }

    public long forOperationLong(String prefix, String operation, String name, long fallback) {
        String value = forOperation(prefix, operation, name, Long.toString(fallback));
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + prefix + "." + name + " must be a whole number, was '" + value + "'");
        }
    }

    public double forOperationDouble(String prefix, String operation, String name, double fallback) {
        String value = forOperation(prefix, operation, name, Double.toString(fallback));
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("setting " + prefix + "." + name + " must be a number, was '" + value + "'");
        }
    }

    public Duration forOperationMillis(String prefix, String operation, String name, long fallbackMs) {
        return Duration.ofMillis(forOperationLong(prefix, operation, name, fallbackMs));
    }

    /** The OAuth scopes an operation asks for: {@code cognigy.auth.scopes.<operation>}, space-separated. */
    public java.util.Set<String> scopes(String operation, String fallback) {
        return new java.util.LinkedHashSet<>(java.util.Arrays.asList(
                get("cognigy.auth.scopes." + operation, fallback).trim().split("\\s+")));
    }

    public boolean flag(String key, boolean fallback) {
        return get(key).map(Boolean::parseBoolean).orElse(fallback);
    }

    /** The environment variable that sets a key: {@code cognigy.base-url} is {@code COGNIGY_BASE_URL}. */
    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
