package dev.cognigyops.support;

import java.time.Duration;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.cognigyops.testsupport.AppSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** A setting's default lives in application.properties; the code says which key is missing or malformed. */
class SettingsTest {

    static Settings settings(String... keysAndValues) {
        Properties p = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        PropertiesComponent pc = new DefaultCamelContext().getPropertiesComponent();
        pc.setInitialProperties(p);
        return new Settings(pc);
    }

    static Stream<Arguments> wellFormed() {
        return Stream.of(
                arguments("text, trimmed", " /api/v1/jobs/{jobId} ", (Function<Settings, Object>) s -> s.require("k"), "/api/v1/jobs/{jobId}"),
                arguments("a whole number", "1048576", (Function<Settings, Object>) s -> s.requireLong("k"), 1048576L),
                arguments("an int", "12", (Function<Settings, Object>) s -> s.requireInt("k"), 12),
                arguments("milliseconds", "2500", (Function<Settings, Object>) s -> s.requireMillis("k"), Duration.ofMillis(2500)),
                arguments("seconds", "300", (Function<Settings, Object>) s -> s.requireSeconds("k"), Duration.ofSeconds(300)),
                arguments("true", "true", (Function<Settings, Object>) s -> s.requireBoolean("k"), true),
                arguments("FALSE in any case", "FALSE", (Function<Settings, Object>) s -> s.requireBoolean("k"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wellFormed")
    void aSetValueIsRead(String name, String value, Function<Settings, Object> read, Object expected) {
        assertThat(read.apply(settings("k", value))).isEqualTo(expected);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("not a number", "10s", (Function<Settings, Object>) s -> s.requireLong("k"), "setting k must be a whole number, was '10s'"),
                arguments("a fraction for a whole number", "1.5", (Function<Settings, Object>) s -> s.requireMillis("k"), "setting k must be a whole number, was '1.5'"),
                arguments("past int", "3000000000", (Function<Settings, Object>) s -> s.requireInt("k"),
                        "setting k must be a whole number up to 2147483647, was '3000000000'"),
                arguments("yes is not a boolean", "yes", (Function<Settings, Object>) s -> s.requireBoolean("k"), "setting k must be true or false, was 'yes'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedValueNamesItsKeyAndValue(String name, String value, Function<Settings, Object> read, String message) {
        assertThatThrownBy(() -> read.apply(settings("k", value))).isInstanceOf(IllegalStateException.class).hasMessage(message);
    }

    static Stream<Arguments> missing() {
        return Stream.of(
                arguments("not set", new String[0]),
                arguments("blank", new String[] {"cognigy.api.jobs", "  "}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missing")
    void aMissingOrBlankRequiredSettingNamesItsKeyAndWhereToSetIt(String name, String[] keysAndValues) {
        assertThatThrownBy(() -> settings(keysAndValues).require("cognigy.api.jobs")).isInstanceOf(IllegalStateException.class)
                .hasMessage("setting cognigy.api.jobs is not set (application.properties, -Dcognigy.api.jobs or COGNIGY_API_JOBS)");
    }

    @Test
    void anOperationsOwnValueWinsAndTheGlobalOneIsRequiredOtherwise() {
        Settings s = settings("cognigy.poll.max-attempts", "120", "cognigy.poll.bot-deploy.max-attempts", "30",
                "cognigy.poll.multiplier", "1.5");
        assertThat(s.forOperationLong("cognigy.poll", "bot-deploy", "max-attempts")).isEqualTo(30);
        assertThat(s.forOperationLong("cognigy.poll", "nlu-export", "max-attempts")).isEqualTo(120);
        assertThat(s.forOperationLong("cognigy.poll", null, "max-attempts")).isEqualTo(120);
        assertThat(s.forOperationDouble("cognigy.poll", "bot-deploy", "multiplier")).isEqualTo(1.5);
        assertThatThrownBy(() -> s.forOperationLong("cognigy.poll", "bot-deploy", "deadline-seconds"))
                .hasMessage("setting cognigy.poll.deadline-seconds is not set (application.properties, "
                        + "-Dcognigy.poll.deadline-seconds or COGNIGY_POLL_DEADLINE_SECONDS)");
    }

    @Test
    void aMalformedOperationValueNamesTheOperationsKey() {
        Settings s = settings("cognigy.retry.max-attempts", "5", "cognigy.retry.bot-deploy.max-attempts", "five",
                "cognigy.retry.jitter", "0.2", "cognigy.retry.nlu-export.jitter", "a little");
        assertThatThrownBy(() -> s.forOperationLong("cognigy.retry", "bot-deploy", "max-attempts"))
                .hasMessage("setting cognigy.retry.bot-deploy.max-attempts must be a whole number, was 'five'");
        assertThatThrownBy(() -> s.forOperationDouble("cognigy.retry", "nlu-export", "jitter"))
                .hasMessage("setting cognigy.retry.nlu-export.jitter must be a number, was 'a little'");
    }

    @Test
    void scopesComeFromTheOperationsSettingOnly() {
        assertThat(settings("cognigy.auth.scopes.nlu-export", " jobs:read  artifacts:download ").scopes("nlu-export"))
                .containsExactly("jobs:read", "artifacts:download");
        assertThatThrownBy(() -> settings().scopes("nlu-export")).hasMessageStartingWith("setting cognigy.auth.scopes.nlu-export is not set");
    }

    /** Every setting the code requires has its default in application.properties: the real file satisfies each. */
    static Stream<String> requiredWithADefault() {
        return Stream.of("cognigy.http.connect-timeout-ms", "cognigy.results.dir", "cognigy.kafka.outbox-capacity",
                "cognigy.s3.path-style", "cognigy.api.jobs", "cognigy.api.flow-status", "cognigy.api.deployment-status",
                "cognigy.api.nlp-model-metrics", "cognigy.api.training-job", "cognigy.deploy.region",
                "cognigy.flow-deploy.page-size", "cognigy.monitor.max-metric-entries", "cognigy.retrain.job-grace-seconds",
                "mlflow.experiment", "cognigy.auth.scopes.bot-deploy", "cognigy.auth.scopes.nlu-export",
                "cognigy.auth.scopes.nlp-retrain", "cognigy.auth.scopes.flow-deploy", "cognigy.auth.scopes.training-monitor");
    }

    @ParameterizedTest
    @MethodSource("requiredWithADefault")
    void applicationPropertiesGivesTheDefault(String key) {
        assertThat(AppSettings.with(new Properties()).require(key)).isNotBlank();
    }

    @Test
    void theRetryAndPollLimitsOfEveryPrefixHaveTheirDefaultsInApplicationProperties() {
        Settings app = AppSettings.with(new Properties());
        for (String prefix : new String[] {"cognigy.retry", "cognigy.webhook.retry", "cognigy.mlflow.retry"}) {
            for (String name : new String[] {"max-attempts", "deadline-seconds", "first-delay-ms", "max-delay-ms", "retry-after-cap-seconds"}) {
                assertThat(app.forOperationLong(prefix, "nlu-export", name)).as(prefix + "." + name).isPositive();
            }
            assertThat(app.forOperationDouble(prefix, "nlu-export", "multiplier")).as(prefix + ".multiplier").isGreaterThan(1);
            assertThat(app.forOperationDouble(prefix, "nlu-export", "jitter")).as(prefix + ".jitter").isBetween(0.0, 1.0);
        }
        for (String name : new String[] {"max-attempts", "deadline-seconds", "first-delay-ms", "max-delay-ms"}) {
            assertThat(app.forOperationLong("cognigy.poll", "nlu-export", name)).as("cognigy.poll." + name).isPositive();
        }
        assertThat(app.forOperationLong("cognigy.poll", "flow-deploy", "max-attempts")).as("flow-deploy's own").isEqualTo(30);
    }
}
