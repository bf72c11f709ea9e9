package dev.cognigyops.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

import dev.cognigyops.support.Settings;

/**
 * The application's own settings for a unit test: {@code application.properties} as the app reads it
 * (from the class path), with the test's values on top. Defaults live only in that file, so a test
 * that builds a {@link Settings} itself starts from it rather than from nothing.
 */
public final class AppSettings {

    private AppSettings() {
    }

    public static Settings with(Properties overrides) {
        return new Settings(properties(overrides));
    }

    public static PropertiesComponent properties(Properties overrides) {
        Properties all = new Properties();
        try (InputStream in = AppSettings.class.getResourceAsStream("/application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is not on the test class path");
            }
            all.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.putAll(overrides);
        PropertiesComponent pc = new DefaultCamelContext().getPropertiesComponent();
        pc.setInitialProperties(all);
        return pc;
    }
}
